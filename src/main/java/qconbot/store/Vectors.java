package qconbot.store;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.HashMap;

/**
 * The embeddings table: a model's vector of a text, by the model's name and the text's SHA-256. Written once and
 * never changed (a text's vector is always the same), so any bot may add rows and all of them share them; on
 * PostgreSQL every replica reads the ones another computed. Rows no text uses any more are kept (1.6 KB each): a
 * text edited back finds its vector again.
 */
public final class Vectors {

    /** Hashes asked for in one statement: well under SQLite's and PostgreSQL's limits on parameters. */
    private static final int BATCH = 400;

    private final Db db;

    public Vectors(Db db) {
        this.db = db;
    }

    public static String hash(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    /** The vectors stored for these hashes; a hash with none is not in the map. */
    public Map<String, float[]> find(String model, List<String> hashes) throws SQLException {
        Map<String, float[]> found = new HashMap<>();
        for (int from = 0; from < hashes.size(); from += BATCH) {
            List<String> batch = hashes.subList(from, Math.min(hashes.size(), from + BATCH));
            String marks = String.join(",", java.util.Collections.nCopies(batch.size(), "?"));
            db.read(connection -> {
                try (PreparedStatement select = connection.prepareStatement(
                        "SELECT hash, vector FROM embeddings WHERE model = ? AND hash IN (" + marks + ")")) {
                    select.setString(1, model);
                    for (int i = 0; i < batch.size(); i++) {
                        select.setString(i + 2, batch.get(i));
                    }
                    try (ResultSet rows = select.executeQuery()) {
                        while (rows.next()) {
                            found.put(rows.getString(1), floats(rows.getBytes(2)));
                        }
                    }
                }
                return null;
            });
        }
        return found;
    }

    /** Keeps these vectors, in one transaction; a hash already stored (by another bot, say) is left as it is. */
    public void save(String model, Map<String, float[]> vectors) throws SQLException {
        if (vectors.isEmpty()) {
            return;
        }
        db.run(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO embeddings (model, hash, vector) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
                for (Map.Entry<String, float[]> vector : vectors.entrySet()) {
                    insert.setString(1, model);
                    insert.setString(2, vector.getKey());
                    insert.setBytes(3, bytes(vector.getValue()));
                    insert.addBatch();
                }
                insert.executeBatch();
            }
        });
    }

    /** How many vectors of this model are stored. */
    public int count(String model) throws SQLException {
        return db.read(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT count(*) FROM embeddings WHERE model = ?")) {
                select.setString(1, model);
                try (ResultSet rows = select.executeQuery()) {
                    rows.next();
                    return rows.getInt(1);
                }
            }
        });
    }

    static byte[] bytes(float[] vector) {
        ByteBuffer buffer = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(vector);
        return buffer.array();
    }

    static float[] floats(byte[] bytes) {
        float[] vector = new float[bytes.length / Float.BYTES];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(vector);
        return vector;
    }
}
