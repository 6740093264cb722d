package qconbot.search;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import java.io.IOException;
import java.io.InputStream;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * The sentence-embedding model, e5-small-v2 (quantized), run in this process on one CPU thread. Text becomes a unit
 * vector of {@link #DIMENSIONS} floats; two texts that mean the same have a high dot product. e5 was trained with
 * "query: " before a question and "passage: " before what answers it. Input past {@link #MAX_TOKENS} tokens is cut
 * off: a 3,000-character question costs what a long sentence does.
 */
public final class Embedder implements AutoCloseable {

    /** Names the vectors in the database: a new model, or a new way of presenting points, gets a new name. */
    public static final String MODEL = "e5-small-v2-q";
    public static final int DIMENSIONS = 384;
    static final int MAX_TOKENS = 128;
    private static final int MAX_CHARS = 2_000;

    private final OrtSession session;
    private final HuggingFaceTokenizer tokenizer;
    private final boolean typeIds;

    private Embedder(OrtSession session, HuggingFaceTokenizer tokenizer) throws OrtException {
        this.session = session;
        this.tokenizer = tokenizer;
        this.typeIds = session.getInputNames().contains("token_type_ids");
    }

    /** The model shipped in the jar. */
    public static Embedder load() throws IOException, OrtException {
        return load(resource("/e5-small-v2-q.onnx"), resource("/e5-small-v2-q-tokenizer.json"));
    }

    private static InputStream resource(String name) throws IOException {
        InputStream in = Embedder.class.getResourceAsStream(name);
        if (in == null) {
            throw new IOException("the model file " + name + " is not in the jar");
        }
        return in;
    }

    /**
     * A model from these streams (closed here). The model goes through a temporary file, so that ONNX Runtime reads
     * it outside the Java heap (the image's heap is 64 MB; the model is 34).
     */
    static Embedder load(InputStream model, InputStream tokenizerJson) throws IOException, OrtException {
        offline();
        Path file = Files.createTempFile("qcon-model", ".onnx");
        try (model; tokenizerJson) {
            Files.copy(model, file, StandardCopyOption.REPLACE_EXISTING);
            OrtSession.SessionOptions options = new OrtSession.SessionOptions();
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            // ONNX Runtime's own arena keeps what its largest run needed, and its memory patterns a plan per input
            // shape: without them the bot is 15 MB smaller at start (docs/PERFORMANCE.md, "Issue 22")
            options.setCPUArenaAllocator(false);
            options.setMemoryPatternOptimization(false);
            OrtSession session = OrtEnvironment.getEnvironment().createSession(file.toString(), options);
            try {
                return new Embedder(session, HuggingFaceTokenizer.newInstance(tokenizerJson, Map.of(
                        "padding", "false", "truncation", "true", "maxLength", String.valueOf(MAX_TOKENS))));
            } catch (IOException | RuntimeException e) {
                session.close();
                throw e;
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /**
     * DJL never downloads (its tokenizer library is in the jar for linux-x64) and unpacks that library under the
     * temporary folder, not under a home folder the image's user cannot write.
     */
    private static void offline() {
        System.setProperty("ai.djl.offline", "true");
        if (System.getProperty("DJL_CACHE_DIR") == null && System.getenv("DJL_CACHE_DIR") == null) {
            System.setProperty("DJL_CACHE_DIR", Path.of(System.getProperty("java.io.tmpdir"), "qcon-djl").toString());
        }
    }

    public float[] query(String text) {
        return embed("query: " + text);
    }

    public float[] passage(String text) {
        return embed("passage: " + text);
    }

    private float[] embed(String text) {
        Encoding encoding = tokenizer.encode(text.length() > MAX_CHARS ? text.substring(0, MAX_CHARS) : text);
        long[] shape = {1, encoding.getIds().length};
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        try (OnnxTensor ids = OnnxTensor.createTensor(environment, LongBuffer.wrap(encoding.getIds()), shape);
             OnnxTensor mask = OnnxTensor.createTensor(environment, LongBuffer.wrap(encoding.getAttentionMask()), shape);
             OnnxTensor types = OnnxTensor.createTensor(environment, LongBuffer.wrap(encoding.getTypeIds()), shape);
             OrtSession.Result result = session.run(typeIds
                     ? Map.of("input_ids", ids, "attention_mask", mask, "token_type_ids", types)
                     : Map.of("input_ids", ids, "attention_mask", mask))) {
            float[][] tokens = ((float[][][]) result.get(0).getValue())[0];
            return unit(meanOfTokens(tokens)); // e5's sentence vector: the mean of its tokens' vectors
        } catch (OrtException e) {
            throw new IllegalStateException("the model could not run: " + e.getMessage(), e);
        }
    }

    private static float[] meanOfTokens(float[][] tokens) {
        float[] mean = new float[tokens[0].length];
        for (float[] token : tokens) {
            for (int i = 0; i < mean.length; i++) {
                mean[i] += token[i];
            }
        }
        return mean;
    }

    /** The vector scaled to length 1 in place, so that a dot product is the cosine. */
    static float[] unit(float[] vector) {
        double length = 0;
        for (float value : vector) {
            length += value * value;
        }
        float scale = length == 0 ? 0 : (float) (1 / Math.sqrt(length));
        for (int i = 0; i < vector.length; i++) {
            vector[i] *= scale;
        }
        return vector;
    }

    @Override
    public void close() {
        tokenizer.close();
        try {
            session.close();
        } catch (OrtException e) {
            // closing a session only frees memory; nothing to tell anyone
        }
    }
}
