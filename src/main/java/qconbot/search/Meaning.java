package qconbot.search;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import qconbot.notes.Bullet;
import qconbot.notes.Talk;
import qconbot.store.Talks;
import qconbot.store.Vectors;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * What the points of the notes mean: a vector of each (the {@link Embedder}'s, of the point under its parent and its
 * talk's title), so that a question finds the points closest to it in meaning whatever words it uses. The model loads
 * and the vectors are worked out on one background thread, after start-up and after each load of the notes; vectors
 * already in the database are read, not computed. Until the first pass is done, {@link #ready} is false and search
 * is lexical only. If the model cannot load, it stays so and {@link #status} says why.
 */
public final class Meaning implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Meaning.class);

    public enum State { OFF, LOADING, COMPUTING, READY, FAILED }

    /** @param done points with a vector in this pass, of {@code total}; {@code reason} why it FAILED, else null */
    public record Status(State state, int done, int total, int computed, String reason) {
    }

    /** A point close to a question: its talk, its index among the talk's bullets, and the cosine. */
    public record Near(Talk talk, int at, double cosine) {
    }

    /** One talk's point vectors, quantized to bytes (a scale each), and their mean, to pick talks first at scale. */
    private record TalkVectors(Talk talk, byte[] vectors, float[] scales, float[] mean) {
    }

    /** Points worked out, and saved, in one go: one transaction each. */
    private static final int BATCH = 64;
    /** With more talks than this, a question looks at the points of this many talks nearest by their mean only. */
    static final int TALKS_FIRST = 64;

    private final Vectors store;
    private final Callable<Embedder> loader;
    private final Callable<List<Talk>> everything;
    private final ExecutorService worker;
    private volatile Embedder embedder;
    private volatile Map<String, TalkVectors> byTalk = Map.of();
    /** What {@link #nearest} reads: {@code byTalk} laid out for a scan, made again after each pass. */
    private volatile Index index = Index.of(List.of());
    private volatile Status status;
    private volatile boolean indexed;
    /** Talks changed since the last pass, by key (null: gone); a full pass, when asked for, takes them all. */
    private final Map<String, Talk> changed = new LinkedHashMap<>();
    private boolean everythingAsked;

    /** Search by words alone (QCON_SEMANTIC=off): nothing loads, nothing runs. */
    public static Meaning off() {
        return new Meaning(null, null, null);
    }

    /**
     * @param loader     the model; called once, on the background thread
     * @param everything every talk in the notes, read for each full pass
     */
    public Meaning(Vectors store, Callable<Embedder> loader, Callable<List<Talk>> everything) {
        this.store = store;
        this.loader = loader;
        this.everything = everything;
        this.status = new Status(loader == null ? State.OFF : State.LOADING, 0, 0, 0, null);
        // One pass running and at most one waiting: a pass takes every change asked for before it starts.
        this.worker = loader == null ? null : new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(1), runnable -> {
                    Thread thread = new Thread(runnable, "meaning");
                    thread.setDaemon(true);
                    thread.setPriority(Thread.MIN_PRIORITY);
                    return thread;
                }, new ThreadPoolExecutor.DiscardPolicy());
    }

    public Status status() {
        return status;
    }

    /** True once the model runs and every point of the notes as first read has its vector. */
    public boolean ready() {
        return embedder != null && indexed;
    }

    /** Loads the model, then works out every point's vector; also after each load of the notes. Returns at once. */
    public void everything() {
        if (worker == null) {
            return;
        }
        synchronized (changed) {
            everythingAsked = true;
        }
        worker.execute(this::pass);
    }

    /** A talk changed in place (a point added, edited, an outcome): its vectors follow on the background thread. */
    public void changed(Talks.Change change) {
        if (worker == null) {
            return;
        }
        synchronized (changed) {
            Talk talk = change.after() != null ? change.after() : change.before();
            changed.put(talk.key(), change.after());
        }
        worker.execute(this::pass);
    }

    /** The vector of a question, or null when the model is not (yet) running. */
    public float[] query(String text) {
        Embedder model = embedder;
        return model == null || !ready() ? null : model.query(text);
    }

    private void pass() {
        Map<String, Talk> talks;
        boolean all;
        synchronized (changed) {
            all = everythingAsked;
            talks = new LinkedHashMap<>(changed);
            everythingAsked = false;
            changed.clear();
        }
        if (!all && talks.isEmpty() || embedder == null && status.state() == State.FAILED) {
            return; // an earlier pass took these; or the model cannot load, and trying again would not mend it
        }
        try {
            if (embedder == null) {
                long start = System.nanoTime();
                embedder = loader.call();
                log.info("Loaded the sentence model {} in {} ms", Embedder.MODEL, (System.nanoTime() - start) / 1_000_000);
            }
            if (all) {
                byTalk = index(everything.call(), new HashMap<>(), true);
                index = Index.of(byTalk.values());
                indexed = true;
            } else {
                Map<String, TalkVectors> next = new HashMap<>(byTalk);
                talks.forEach((key, talk) -> next.remove(key));
                byTalk = index(talks.values().stream().filter(java.util.Objects::nonNull).toList(), next, false);
                index = Index.of(byTalk.values());
            }
        } catch (Stopped e) {
            log.info("Search by meaning stopped: the bot is closing");
        } catch (Exception | LinkageError | OutOfMemoryError e) {
            boolean noModel = embedder == null;
            String reason = (noModel ? "the model could not load: " : "vectors could not be worked out: ")
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + firstLine(e.getMessage()));
            status = new Status(noModel ? State.FAILED : status.state() == State.READY ? State.READY : State.FAILED,
                    status.done(), status.total(), status.computed(), reason);
            log.warn("Search by meaning is {}: {}", noModel ? "off" : "behind", reason);
        }
    }

    /** The bot is closing while vectors are worked out. */
    private static final class Stopped extends RuntimeException {
        Stopped() {
            super(null, null, false, false);
        }
    }

    private static String firstLine(String message) {
        int end = message.indexOf('\n');
        return (end < 0 ? message : message.substring(0, end)).strip();
    }

    /**
     * Vectors of these talks' points into {@code into}: read where stored, else worked out and stored, in batches;
     * progress in the status and, every ten seconds, the log, for a full pass.
     */
    private Map<String, TalkVectors> index(List<Talk> talks, Map<String, TalkVectors> into, boolean all)
            throws SQLException {
        if (!all) {
            int computed = 0;
            for (int from = 0; from < talks.size(); from += 16) {
                computed += vectors(talks.subList(from, Math.min(talks.size(), from + 16)), into);
            }
            Status was = status;
            status = new Status(was.state(), was.done(), was.total(), was.computed() + computed, was.reason());
            return into;
        }
        int total = talks.stream().mapToInt(talk -> talk.bullets().size()).sum();
        int done = 0;
        int computed = 0;
        long start = System.nanoTime();
        long logged = start;
        status = new Status(State.COMPUTING, 0, total, 0, null);
        for (int from = 0; from < talks.size(); ) {
            List<Talk> batch = new ArrayList<>();
            int points = 0;
            while (from < talks.size() && (batch.isEmpty() || points + talks.get(from).bullets().size() <= BATCH * 4)) {
                points += talks.get(from).bullets().size();
                batch.add(talks.get(from++));
            }
            computed += vectors(batch, into);
            done += points;
            status = new Status(State.COMPUTING, done, total, computed, null);
            if (System.nanoTime() - logged > TimeUnit.SECONDS.toNanos(10)) {
                logged = System.nanoTime();
                log.info("Search by meaning: {} of {} points have vectors ({} worked out)", done, total, computed);
            }
        }
        log.info("Search by meaning is ready: {} points, {} vectors worked out, {} read, in {} ms", total, computed,
                total - computed, (System.nanoTime() - start) / 1_000_000);
        status = new Status(State.READY, done, total, computed, null);
        return into;
    }

    /** One batch of talks; returns how many vectors had to be worked out. */
    private int vectors(List<Talk> batch, Map<String, TalkVectors> into) throws SQLException {
        // by identity: a talk record's own hashCode walks all its points
        Map<Talk, List<String>> hashes = new java.util.IdentityHashMap<>();
        Map<String, String> texts = new HashMap<>();
        for (Talk talk : batch) {
            List<String> own = new ArrayList<>();
            int[] parents = talk.parents();
            for (int at = 0; at < talk.bullets().size(); at++) {
                String text = passage(talk, at, parents);
                String hash = Vectors.hash(Embedder.MODEL + "\n" + text);
                texts.put(hash, text);
                own.add(hash);
            }
            hashes.put(talk, own);
        }
        Map<String, float[]> found = store.find(Embedder.MODEL, List.copyOf(texts.keySet()));
        Map<String, float[]> worked = new LinkedHashMap<>();
        int computed = 0;
        for (Map.Entry<String, String> text : texts.entrySet()) {
            if (Thread.currentThread().isInterrupted()) {
                throw new Stopped(); // closing: the model must not be running when it is freed
            }
            if (!found.containsKey(text.getKey())) {
                worked.put(text.getKey(), embedder.passage(text.getValue()));
                computed++;
                if (worked.size() == BATCH) {
                    store.save(Embedder.MODEL, worked);
                    found.putAll(worked);
                    worked.clear();
                }
            }
        }
        store.save(Embedder.MODEL, worked);
        found.putAll(worked);
        hashes.forEach((talk, own) -> into.put(talk.key(), quantized(talk, own.stream().map(found::get).toList())));
        return computed;
    }

    /**
     * How a point is shown to the model: its talk's title, the point it is under, and the point, so that "avoids
     * rewriting common code" is read as being about Monzo's shared library.
     */
    static String passage(Talk talk, int at, int[] parents) {
        List<Bullet> bullets = talk.bullets();
        StringBuilder text = new StringBuilder(talk.title()).append(". ");
        if (parents[at] >= 0) {
            text.append(bullets.get(parents[at]).text()).append(": ");
        }
        return text.append(bullets.get(at).text()).toString();
    }

    private static TalkVectors quantized(Talk talk, List<float[]> vectors) {
        int size = Embedder.DIMENSIONS;
        byte[] bytes = new byte[vectors.size() * size];
        float[] scales = new float[vectors.size()];
        float[] mean = new float[size];
        for (int p = 0; p < vectors.size(); p++) {
            float[] vector = vectors.get(p);
            scales[p] = quantize(vector, bytes, p * size);
            for (int i = 0; i < size; i++) {
                mean[i] += vector[i];
            }
        }
        return new TalkVectors(talk, bytes, scales, Embedder.unit(mean));
    }

    /**
     * Every talk's vectors, and their means one after the other in one array for one scan (bytes, read as floats,
     * were slower: the conversion cost more than the smaller read saved).
     */
    private record Index(TalkVectors[] talks, float[] means) {
        static Index of(java.util.Collection<TalkVectors> vectors) {
            TalkVectors[] talks = vectors.toArray(TalkVectors[]::new);
            float[] means = new float[talks.length * Embedder.DIMENSIONS];
            for (int t = 0; t < talks.length; t++) {
                System.arraycopy(talks[t].mean(), 0, means, t * Embedder.DIMENSIONS, Embedder.DIMENSIONS);
            }
            return new Index(talks, means);
        }
    }

    /** The vector as bytes from {@code offset} (each value over the largest, times 127); returns the scale back. */
    private static float quantize(float[] vector, byte[] into, int offset) {
        float largest = 1e-9f;
        for (float value : vector) {
            largest = Math.max(largest, Math.abs(value));
        }
        float scale = largest / 127;
        for (int i = 0; i < vector.length; i++) {
            into[offset + i] = (byte) Math.round(vector[i] / scale);
        }
        return scale;
    }

    /** The {@code count} points nearest the question's vector, nearest first; at scale, among the nearest talks only. */
    public List<Near> nearest(float[] question, int count) {
        Index index = this.index;
        int[] looked = index.talks().length <= TALKS_FIRST ? null : nearestTalks(question, index);
        Best best = new Best(count);
        int size = Embedder.DIMENSIONS;
        int talks = looked == null ? index.talks().length : looked.length;
        for (int t = 0; t < talks; t++) {
            TalkVectors vectors = index.talks()[looked == null ? t : looked[t]];
            byte[] bytes = vectors.vectors();
            for (int p = 0; p < vectors.scales().length; p++) {
                best.offer(dot(question, bytes, p * size) * vectors.scales()[p], t, p);
            }
        }
        List<Near> nearest = new ArrayList<>();
        for (int i = best.size() - 1; i >= 0; i--) {
            TalkVectors vectors = index.talks()[looked == null ? best.first(i) : looked[best.first(i)]];
            nearest.add(new Near(vectors.talk(), best.second(i), best.score(i)));
        }
        nearest.sort(Comparator.comparingDouble(Near::cosine).reversed());
        return nearest;
    }

    /** The {@link #TALKS_FIRST} talks whose mean is nearest the question. */
    private static int[] nearestTalks(float[] question, Index index) {
        Best best = new Best(TALKS_FIRST);
        float[] means = index.means();
        for (int t = 0; t < index.talks().length; t++) {
            best.offer(dot(question, means, t * Embedder.DIMENSIONS), t, 0);
        }
        int[] talks = new int[best.size()];
        for (int i = 0; i < talks.length; i++) {
            talks[i] = best.first(i);
        }
        return talks;
    }

    /** Four sums at a time: the loop runs as fast again as with one (and the JIT does not vectorize float sums). */
    private static float dot(float[] question, float[] vectors, int offset) {
        float a = 0;
        float b = 0;
        float c = 0;
        float d = 0;
        for (int i = 0; i < Embedder.DIMENSIONS; i += 4) {
            a += question[i] * vectors[offset + i];
            b += question[i + 1] * vectors[offset + i + 1];
            c += question[i + 2] * vectors[offset + i + 2];
            d += question[i + 3] * vectors[offset + i + 3];
        }
        return a + b + c + d;
    }

    private static float dot(float[] question, byte[] vectors, int offset) {
        float a = 0;
        float b = 0;
        float c = 0;
        float d = 0;
        for (int i = 0; i < Embedder.DIMENSIONS; i += 4) {
            a += question[i] * vectors[offset + i];
            b += question[i + 1] * vectors[offset + i + 1];
            c += question[i + 2] * vectors[offset + i + 2];
            d += question[i + 3] * vectors[offset + i + 3];
        }
        return a + b + c + d;
    }

    /** The highest scores offered, each with two numbers, kept in a min-heap of primitives (no boxing per point). */
    private static final class Best {
        private final float[] scores;
        private final int[] firsts;
        private final int[] seconds;
        private int size;

        Best(int capacity) {
            scores = new float[capacity];
            firsts = new int[capacity];
            seconds = new int[capacity];
        }

        void offer(float score, int first, int second) {
            if (size < scores.length) {
                set(size, score, first, second);
                up(size++);
            } else if (score > scores[0]) {
                set(0, score, first, second);
                down(0);
            }
        }

        int size() {
            return size;
        }

        float score(int i) {
            return scores[i];
        }

        int first(int i) {
            return firsts[i];
        }

        int second(int i) {
            return seconds[i];
        }

        private void set(int i, float score, int first, int second) {
            scores[i] = score;
            firsts[i] = first;
            seconds[i] = second;
        }

        private void up(int i) {
            while (i > 0 && scores[(i - 1) / 2] > scores[i]) {
                swap(i, (i - 1) / 2);
                i = (i - 1) / 2;
            }
        }

        private void down(int i) {
            while (true) {
                int smallest = i;
                for (int child = 2 * i + 1; child <= 2 * i + 2 && child < size; child++) {
                    if (scores[child] < scores[smallest]) {
                        smallest = child;
                    }
                }
                if (smallest == i) {
                    return;
                }
                swap(i, smallest);
                i = smallest;
            }
        }

        private void swap(int i, int j) {
            float score = scores[i];
            int first = firsts[i];
            int second = seconds[i];
            scores[i] = scores[j];
            firsts[i] = firsts[j];
            seconds[i] = seconds[j];
            scores[j] = score;
            firsts[j] = first;
            seconds[j] = second;
        }
    }

    @Override
    public void close() {
        if (worker == null) {
            return;
        }
        worker.shutdownNow();
        boolean stopped = false;
        try {
            stopped = worker.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Embedder model = embedder;
        if (model != null && stopped) {
            model.close();
        }
    }
}
