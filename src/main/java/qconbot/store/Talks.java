package qconbot.store;

import qconbot.notes.Bullet;
import qconbot.notes.Notes;
import qconbot.notes.Talk;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The talks of every notes file, kept in SQLite: written by {@link #sync}, read by key or as an agenda. */
public final class Talks {

    /** What a sync found: counts of what is in the notes now, and of what was there before but is gone. */
    public record SyncReport(int talks, int internalLines, int talksGone, int internalLinesGone) {
    }

    private final Db db;

    public Talks(Db db) {
        this.db = db;
    }

    /**
     * Makes the database match the notes, in one transaction. Talks and internal lines keep their ids when their
     * key is unchanged; ones no longer in the notes are kept, marked in_notes = 0, so nothing that refers to them breaks.
     */
    public SyncReport sync(List<Notes> allNotes) throws SQLException {
        return db.inTransaction(connection -> {
            int talksBefore = count(connection, "SELECT count(*) FROM talks WHERE in_notes = 1");
            int linesBefore = count(connection, "SELECT count(*) FROM action_items WHERE in_notes = 1");
            update(connection, "UPDATE talks SET in_notes = 0");
            update(connection, "UPDATE action_items SET in_notes = 0");
            update(connection, "DELETE FROM talk_search");
            int talkCount = 0;
            int lineCount = 0;
            int talksKept = 0;
            int linesKept = 0;
            for (Notes notes : allNotes) {
                int position = 0;
                for (Talk talk : notes.talks()) {
                    boolean existed = exists(connection, "SELECT 1 FROM talks WHERE key = ?", talk.key());
                    long id = upsertTalk(connection, talk, position++);
                    replaceBullets(connection, id, talk.bullets());
                    indexForSearch(connection, id, talk);
                    talkCount++;
                    talksKept += existed ? 1 : 0;
                    for (Bullet line : talk.internalLines()) {
                        String key = internalLineKey(talk, line);
                        linesKept += exists(connection, "SELECT 1 FROM action_items WHERE key = ?", key) ? 1 : 0;
                        upsertInternalLine(connection, id, key, line);
                        lineCount++;
                    }
                }
            }
            return new SyncReport(talkCount, lineCount, talksBefore - talksKept, linesBefore - linesKept);
        });
    }

    /** The same line in the same talk is the same item, wherever it moves in the file and however it is spaced. */
    static String internalLineKey(Talk talk, Bullet line) {
        return talk.key() + "#" + line.text().toLowerCase(Locale.ROOT).replaceAll("\\s+", " ").strip();
    }

    public Optional<Talk> byKey(String key) throws SQLException {
        return db.read(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT * FROM talks WHERE key = ? AND in_notes = 1")) {
                select.setString(1, key);
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next() ? Optional.of(map(connection, rows)) : Optional.empty();
                }
            }
        });
    }

    /** Talks by database id, in the order of the ids given; ids of talks gone from the notes are skipped. */
    public List<Talk> byIds(List<Long> ids) throws SQLException {
        return db.read(connection -> {
            List<Talk> talks = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT * FROM talks WHERE id = ? AND in_notes = 1")) {
                for (long id : ids) {
                    select.setLong(1, id);
                    try (ResultSet rows = select.executeQuery()) {
                        if (rows.next()) {
                            talks.add(map(connection, rows));
                        }
                    }
                }
            }
            return talks;
        });
    }

    /** Every talk in the notes, in agenda order: conference, day, time (untimed talks last, in file order). */
    public List<Talk> agenda() throws SQLException {
        return db.read(connection -> {
            List<Talk> talks = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement("""
                    SELECT * FROM talks WHERE in_notes = 1
                    ORDER BY source, day_number, time IS NULL, time, position""");
                 ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    talks.add(map(connection, rows));
                }
            }
            return talks;
        });
    }

    /** Talk titles by conference, for suggestions; cheap (no bullets read). */
    public Map<String, List<String>> titles() throws SQLException {
        return db.read(connection -> {
            Map<String, List<String>> titles = new LinkedHashMap<>();
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT conference, title FROM talks WHERE in_notes = 1 ORDER BY source, day_number, position");
                 ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    titles.computeIfAbsent(rows.getString("conference"), c -> new ArrayList<>()).add(rows.getString("title"));
                }
            }
            return titles;
        });
    }

    public int count() throws SQLException {
        return db.read(connection -> count(connection, "SELECT count(*) FROM talks WHERE in_notes = 1"));
    }

    private static long upsertTalk(Connection connection, Talk talk, int position) throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement("""
                INSERT INTO talks (key, source, conference, day, day_number, time, title, speaker,
                                   first_line, last_line, position, in_notes)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)
                ON CONFLICT (key) DO UPDATE SET
                    source = excluded.source, conference = excluded.conference, day = excluded.day,
                    day_number = excluded.day_number, time = excluded.time, title = excluded.title,
                    speaker = excluded.speaker, first_line = excluded.first_line, last_line = excluded.last_line,
                    position = excluded.position, in_notes = 1
                RETURNING id""")) {
            upsert.setString(1, talk.key());
            upsert.setString(2, talk.source());
            upsert.setString(3, talk.conference());
            upsert.setString(4, talk.day());
            upsert.setInt(5, talk.dayNumber());
            upsert.setString(6, talk.time());
            upsert.setString(7, talk.title());
            upsert.setString(8, talk.speaker());
            upsert.setInt(9, talk.firstLine());
            upsert.setInt(10, talk.lastLine());
            upsert.setInt(11, position);
            try (ResultSet rows = upsert.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    private static void replaceBullets(Connection connection, long talkId, List<Bullet> bullets) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM bullets WHERE talk_id = ?")) {
            delete.setLong(1, talkId);
            delete.executeUpdate();
        }
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO bullets (talk_id, position, depth, kind, text, quotes, line)
                VALUES (?, ?, ?, ?, ?, ?, ?)""")) {
            int position = 0;
            for (Bullet bullet : bullets) {
                insert.setLong(1, talkId);
                insert.setInt(2, position++);
                insert.setInt(3, bullet.depth());
                insert.setString(4, bullet.kind().name());
                insert.setString(5, bullet.text());
                insert.setString(6, String.join("\n", bullet.quotes()));
                insert.setInt(7, bullet.line());
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    private static void indexForSearch(Connection connection, long talkId, Talk talk) throws SQLException {
        StringBuilder body = new StringBuilder();
        for (Bullet bullet : talk.bullets()) {
            body.append(bullet.text()).append('\n');
        }
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO talk_search (rowid, title, speaker, body) VALUES (?, ?, ?, ?)")) {
            insert.setLong(1, talkId);
            insert.setString(2, talk.title());
            insert.setString(3, talk.speaker() == null ? "" : talk.speaker());
            insert.setString(4, body.toString());
            insert.executeUpdate();
        }
    }

    private static void upsertInternalLine(Connection connection, long talkId, String key, Bullet line) throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement("""
                INSERT INTO action_items (key, talk_id, text, line, in_notes) VALUES (?, ?, ?, ?, 1)
                ON CONFLICT (key) DO UPDATE SET text = excluded.text, line = excluded.line, in_notes = 1""")) {
            upsert.setString(1, key);
            upsert.setLong(2, talkId);
            upsert.setString(3, line.text());
            upsert.setInt(4, line.line());
            upsert.executeUpdate();
        }
    }

    private static Talk map(Connection connection, ResultSet row) throws SQLException {
        long id = row.getLong("id");
        return new Talk(row.getString("key"), row.getString("source"), row.getString("conference"),
                row.getString("day"), row.getInt("day_number"), row.getString("time"), row.getString("title"),
                row.getString("speaker"), bullets(connection, id), row.getInt("first_line"), row.getInt("last_line"));
    }

    private static List<Bullet> bullets(Connection connection, long talkId) throws SQLException {
        List<Bullet> bullets = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT depth, kind, text, quotes, line FROM bullets WHERE talk_id = ? ORDER BY position")) {
            select.setLong(1, talkId);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    String quotes = rows.getString("quotes");
                    bullets.add(new Bullet(rows.getInt("depth"), Bullet.Kind.valueOf(rows.getString("kind")),
                            rows.getString("text"), quotes.isEmpty() ? List.of() : Arrays.asList(quotes.split("\n")),
                            rows.getInt("line")));
                }
            }
        }
        return bullets;
    }

    private static boolean exists(Connection connection, String sql, String key) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            select.setString(1, key);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next();
            }
        }
    }

    private static int count(Connection connection, String sql) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(sql); ResultSet rows = select.executeQuery()) {
            return rows.next() ? rows.getInt(1) : 0;
        }
    }

    private static void update(Connection connection, String sql) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.executeUpdate();
        }
    }
}
