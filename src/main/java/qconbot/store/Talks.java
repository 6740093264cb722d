package qconbot.store;

import qconbot.notes.Bullet;
import qconbot.notes.Notes;
import qconbot.notes.Talk;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The talks of every notes file, kept in the database: written by {@link #sync}, read by key or as an agenda. On
 * PostgreSQL the talks are written to the shared database (where items and posts refer to their ids) and read from
 * this bot's own SQLite index, a copy kept up to date by {@link #followShared}; on SQLite both are the one file.
 */
public final class Talks {

    /**
     * What a sync found: counts of what is in the notes now, of what was there before but is gone, and of what is
     * new since the last sync.
     */
    public record SyncReport(int talks, int internalLines, int talksGone, int internalLinesGone, int talksNew,
                             int internalLinesNew) {
    }

    /** Where talks are written and their ids given. */
    private final Db db;
    /** Where talks are read and searched: {@link #db} itself, or this bot's copy of the shared talks. */
    private final Db index;
    /** The notes version the index was copied at; -1 before the first copy. */
    private volatile long indexVersion = -1;

    /**
     * Talks by id as last read. Reading a talk and its bullets through JDBC was over half the time of a /qcon search
     * (about 50 µs a talk); a talk only changes in a sync, which empties this. Reads and a sync run on different
     * connections, so a read that began before a sync committed may hold the old talk: the sync bumps
     * {@link #generation}, and a read keeps what it read only if no sync happened meanwhile. Guarded by itself. The
     * least recently used go first past {@link #CACHED_TALKS}, so 10,000 talks do not all stay on the heap.
     */
    private final Map<Long, Talk> cache = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Talk> eldest) {
            return size() > CACHED_TALKS;
        }
    };
    private long generation;
    static final int CACHED_TALKS = 500;

    public Talks(Db db) {
        this(db, db);
    }

    /** Talks written to {@code db} and read from {@code index}, this bot's own copy (PostgreSQL). */
    public Talks(Db db, Db index) {
        this.db = db;
        this.index = index;
        db.afterReopen(this::forget);
    }

    /** Where talks are read and searched. */
    public Db index() {
        return index;
    }

    /**
     * Makes the database match the notes, in one transaction. Talks and internal lines keep their ids when their
     * key is unchanged; ones no longer in the notes are kept, marked in_notes = 0, so nothing that refers to them breaks.
     */
    public SyncReport sync(List<Notes> allNotes) throws SQLException {
        forget();
        try {
            SyncReport report = db.inTransaction(connection -> writeAll(connection, allNotes));
            if (index != db) {
                copyToIndex();
            }
            return report;
        } finally {
            forget();
        }
    }

    /**
     * Copies the shared talks into this bot's index when another bot changed them (a reload, a point added, an import
     * through another replica); true when it did. A no-op when the talks are read where they are written.
     */
    public boolean followShared() throws SQLException {
        if (index == db || db.read(Copy::notesVersion) == indexVersion) {
            return false;
        }
        copyToIndex();
        forget();
        return true;
    }

    /**
     * The talks, their points, and the added points and items whose provenance they show, as one snapshot of the shared database, streamed into
     * this bot's index in one transaction there, then indexed for search.
     */
    private void copyToIndex() throws SQLException {
        indexVersion = db.snapshot(from -> index.inTransaction(to -> {
            for (String table : List.of("talk_search", "title_search", "bullets", "action_items", "talks", "added_points")) {
                update(to, "DELETE FROM " + table);
            }
            // action_items: who said what came of an item and its link, shown with its outcome's point
            for (String table : List.of("talks", "bullets", "added_points", "action_items")) {
                Copy.table(from, to, table);
            }
            try (Writer writer = new Writer(to, index);
                 PreparedStatement select = to.prepareStatement("SELECT * FROM talks WHERE in_notes = 1");
                 PreparedStatement bullets = to.prepareStatement(BULLETS);
                 ResultSet talks = select.executeQuery()) {
                while (talks.next()) {
                    writer.indexForSearch(talks.getLong("id"), map(talks, bullets));
                }
            }
            return Copy.notesVersion(from);
        }));
    }

    private void forget() {
        synchronized (cache) {
            generation++;
            cache.clear();
        }
    }

    /** The sync itself, inside its transaction. */
    private SyncReport writeAll(Connection connection, List<Notes> allNotes) throws SQLException {
        int talksBefore = count(connection, "SELECT count(*) FROM talks WHERE in_notes = 1");
        int linesBefore = count(connection, "SELECT count(*) FROM action_items WHERE in_notes = 1");
        update(connection, "UPDATE talks SET in_notes = 0");
        update(connection, "UPDATE action_items SET in_notes = 0");
        update(connection, "UPDATE notes_version SET version = version + 1");
        boolean search = !db.shared();
        if (search) {
            update(connection, "DELETE FROM talk_search");
            update(connection, "DELETE FROM title_search");
        }
        int talkCount = 0;
        int lineCount = 0;
        int talksKept = 0;
        int linesKept = 0;
        try (Writer writer = new Writer(connection, db)) {
            for (Notes notes : allNotes) {
                int position = 0;
                for (Talk talk : notes.talks()) {
                    Long existing = writer.talkId(talk.key());
                    long id = existing == null ? writer.insertTalk(talk, position++)
                            : writer.updateTalk(existing, talk, position++);
                    if (existing != null) {
                        writer.deleteBullets(id);
                    }
                    writer.insertBullets(id, talk.bullets());
                    if (search) {
                        writer.indexForSearch(id, talk);
                    }
                    talkCount++;
                    talksKept += existing != null ? 1 : 0;
                    int[] parents = talk.parents();
                    for (int i = 0; i < parents.length; i++) {
                        Bullet line = talk.bullets().get(i);
                        if (!line.isInternal()) {
                            continue;
                        }
                        String key = internalLineKey(talk, line);
                        String parent = parents[i] < 0 ? null : talk.bullets().get(parents[i]).text();
                        if (writer.updateInternalLine(key, line, parent)) {
                            linesKept++;
                        } else {
                            writer.insertInternalLine(id, key, line, parent);
                        }
                        lineCount++;
                    }
                }
            }
        }
        return new SyncReport(talkCount, lineCount, talksBefore - talksKept, linesBefore - linesKept,
                talkCount - talksKept, lineCount - linesKept);
    }

    /**
     * The statements of one sync, each prepared once rather than once per talk (preparing was about a fifth of the
     * time to sync 10,000 talks). Rows are looked up by key (the counts need that anyway), then inserted or updated.
     * No INSERT ... RETURNING: SQLite runs RETURNING as a trigger, inside a statement savepoint, and at every
     * savepoint FTS5 writes the talk_search terms it holds in memory to disk, so each talk became a tiny index
     * segment to merge later. That was over half the sync time at 10,000 talks (bench/search-results.md).
     */
    private static final class Writer implements AutoCloseable {

        private final List<PreparedStatement> statements = new ArrayList<>();
        private final PreparedStatement talkId;
        private final PreparedStatement insertTalk;
        private final PreparedStatement lastId;
        private final PreparedStatement updateTalk;
        private final PreparedStatement deleteBullets;
        private final PreparedStatement insertBullet;
        private final PreparedStatement indexForSearch;
        private final PreparedStatement indexTitle;
        private final PreparedStatement updateInternalLine;
        private final PreparedStatement insertInternalLine;

        /** @param target the database of {@code connection}: only SQLite has the full-text tables to index talks in */
        Writer(Connection connection, Db target) throws SQLException {
            boolean search = !target.shared();
            try {
                talkId = prepare(connection, "SELECT id FROM talks WHERE key = ?");
                insertTalk = prepare(connection, """
                        INSERT INTO talks (key, source, conference, day, day_number, time, title, speaker,
                                           first_line, last_line, position, in_notes)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)""");
                lastId = prepare(connection, target.lastIdSql());
                updateTalk = prepare(connection, """
                        UPDATE talks SET source = ?, conference = ?, day = ?, day_number = ?, time = ?,
                            title = ?, speaker = ?, first_line = ?, last_line = ?, position = ?, in_notes = 1
                        WHERE id = ?""");
                deleteBullets = prepare(connection, "DELETE FROM bullets WHERE talk_id = ?");
                insertBullet = prepare(connection, """
                        INSERT INTO bullets (talk_id, position, depth, kind, text, quotes, line, added_id)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)""");
                indexForSearch = search ? prepare(connection,
                        "INSERT INTO talk_search (rowid, title, speaker, body) VALUES (?, ?, ?, ?)") : null;
                indexTitle = search ? prepare(connection,
                        "INSERT INTO title_search (rowid, title, speaker) VALUES (?, ?, ?)") : null;
                updateInternalLine = prepare(connection,
                        "UPDATE action_items SET text = ?, line = ?, parent = ?, in_notes = 1 WHERE key = ?");
                insertInternalLine = prepare(connection,
                        "INSERT INTO action_items (key, talk_id, text, line, parent, in_notes) VALUES (?, ?, ?, ?, ?, 1)");
            } catch (SQLException e) {
                close();
                throw e;
            }
        }

        private PreparedStatement prepare(Connection connection, String sql) throws SQLException {
            PreparedStatement statement = connection.prepareStatement(sql);
            statements.add(statement);
            return statement;
        }

        Long talkId(String key) throws SQLException {
            talkId.setString(1, key);
            try (ResultSet rows = talkId.executeQuery()) {
                return rows.next() ? rows.getLong(1) : null;
            }
        }

        long insertTalk(Talk talk, int position) throws SQLException {
            insertTalk.setString(1, talk.key());
            setTalk(insertTalk, 2, talk, position);
            insertTalk.executeUpdate();
            try (ResultSet rows = lastId.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }

        long updateTalk(long id, Talk talk, int position) throws SQLException {
            setTalk(updateTalk, 1, talk, position);
            updateTalk.setLong(11, id);
            updateTalk.executeUpdate();
            return id;
        }

        /** Binds everything but the key, from parameter first on. */
        private static void setTalk(PreparedStatement statement, int first, Talk talk, int position)
                throws SQLException {
            statement.setString(first, talk.source());
            statement.setString(first + 1, talk.conference());
            statement.setString(first + 2, talk.day());
            statement.setInt(first + 3, talk.dayNumber());
            statement.setString(first + 4, talk.time());
            statement.setString(first + 5, talk.title());
            statement.setString(first + 6, talk.speaker());
            statement.setInt(first + 7, talk.firstLine());
            statement.setInt(first + 8, talk.lastLine());
            statement.setInt(first + 9, position);
        }

        void deleteBullets(long talkId) throws SQLException {
            deleteBullets.setLong(1, talkId);
            deleteBullets.executeUpdate();
        }

        void insertBullets(long talkId, List<Bullet> bullets) throws SQLException {
            int position = 0;
            for (Bullet bullet : bullets) {
                insertBullet.setLong(1, talkId);
                insertBullet.setInt(2, position++);
                insertBullet.setInt(3, bullet.depth());
                insertBullet.setString(4, bullet.kind().name());
                insertBullet.setString(5, bullet.text());
                insertBullet.setString(6, String.join("\n", bullet.quotes()));
                insertBullet.setInt(7, bullet.line());
                if (bullet.added() == null) {
                    insertBullet.setNull(8, java.sql.Types.INTEGER);
                } else {
                    insertBullet.setLong(8, bullet.added().id());
                }
                insertBullet.addBatch();
            }
            insertBullet.executeBatch();
        }

        void indexForSearch(long talkId, Talk talk) throws SQLException {
            StringBuilder body = new StringBuilder();
            for (Bullet bullet : talk.bullets()) {
                body.append(bullet.text()).append('\n');
            }
            indexForSearch.setLong(1, talkId);
            indexForSearch.setString(2, talk.title());
            indexForSearch.setString(3, talk.speaker() == null ? "" : talk.speaker());
            indexForSearch.setString(4, body.toString());
            indexForSearch.executeUpdate();
            indexTitle.setLong(1, talkId);
            indexTitle.setString(2, talk.title());
            indexTitle.setString(3, talk.speaker() == null ? "" : talk.speaker());
            indexTitle.executeUpdate();
        }

        /** Updates the item with this key, if there is one (its talk_id stays: the key holds the talk's key). */
        boolean updateInternalLine(String key, Bullet line, String parent) throws SQLException {
            updateInternalLine.setString(1, line.text());
            updateInternalLine.setInt(2, line.line());
            updateInternalLine.setString(3, parent);
            updateInternalLine.setString(4, key);
            return updateInternalLine.executeUpdate() > 0;
        }

        /** @param parent the text of the point the line sits under, or null for a top-level line */
        void insertInternalLine(long talkId, String key, Bullet line, String parent) throws SQLException {
            insertInternalLine.setString(1, key);
            insertInternalLine.setLong(2, talkId);
            insertInternalLine.setString(3, line.text());
            insertInternalLine.setInt(4, line.line());
            insertInternalLine.setString(5, parent);
            insertInternalLine.executeUpdate();
        }

        @Override
        public void close() throws SQLException {
            SQLException failed = null;
            for (PreparedStatement statement : statements) {
                try {
                    statement.close();
                } catch (SQLException e) {
                    if (failed == null) {
                        failed = e;
                    } else {
                        failed.addSuppressed(e);
                    }
                }
            }
            if (failed != null) {
                throw failed;
            }
        }
    }

    /** The same line in the same talk is the same item, wherever it moves in the file and however it is spaced. */
    static String internalLineKey(Talk talk, Bullet line) {
        return talk.key() + "#" + line.text().toLowerCase(Locale.ROOT).replaceAll("\\s+", " ").strip();
    }

    public Optional<Talk> byKey(String key) throws SQLException {
        return index.read(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT * FROM talks WHERE key = ? AND in_notes = 1")) {
                select.setString(1, key);
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next() ? Optional.of(map(rows, index.cached(BULLETS))) : Optional.empty();
                }
            }
        });
    }

    /** Talks by database id, in the order of the ids given; ids of talks gone from the notes are skipped. */
    public List<Talk> byIds(List<Long> ids) throws SQLException {
        return index.read(connection -> {
            long seen;
            synchronized (cache) {
                seen = generation;
            }
            List<Talk> talks = new ArrayList<>();
            for (long id : ids) {
                Talk talk;
                synchronized (cache) {
                    talk = cache.get(id);
                }
                if (talk == null) {
                    PreparedStatement select = index.cached("SELECT * FROM talks WHERE id = ? AND in_notes = 1");
                    select.setLong(1, id);
                    try (ResultSet rows = select.executeQuery()) {
                        talk = rows.next() ? map(rows, index.cached(BULLETS)) : null;
                    }
                    if (talk != null) {
                        synchronized (cache) {
                            if (generation == seen) {
                                cache.put(id, talk);
                            }
                        }
                    }
                }
                if (talk != null) {
                    talks.add(talk);
                }
            }
            return talks;
        });
    }

    /** Every talk in the notes, in agenda order: conference, day, time (untimed talks last, in file order). */
    public List<Talk> agenda() throws SQLException {
        return index.read(connection -> {
            List<Talk> talks = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement("""
                    SELECT * FROM talks WHERE in_notes = 1
                    ORDER BY source, day_number, time IS NULL, time, position""");
                 ResultSet rows = select.executeQuery()) {
                PreparedStatement bullets = index.cached(BULLETS);
                while (rows.next()) {
                    talks.add(map(rows, bullets));
                }
            }
            return talks;
        });
    }

    /** Talk titles by conference, for suggestions; cheap (no bullets read). */
    public Map<String, List<String>> titles() throws SQLException {
        return index.read(connection -> {
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
        return index.read(connection -> count(connection, "SELECT count(*) FROM talks WHERE in_notes = 1"));
    }

    /** A talk's bullets, through {@link Db#cached}: prepared once, not once per talk or per read. */
    private static final String BULLETS = """
            SELECT b.depth, b.kind, b.text, b.quotes, b.line, b.added_id,
                   coalesce(a.added_by, i.outcome_by) AS added_by, coalesce(a.added_at, i.outcome_at) AS added_at,
                   coalesce(a.permalink, i.outcome_link) AS permalink
            FROM bullets b
            LEFT JOIN added_points a ON a.id = b.added_id AND b.kind <> 'OUTCOME'
            LEFT JOIN action_items i ON i.id = b.added_id AND b.kind = 'OUTCOME'
            WHERE b.talk_id = ? ORDER BY b.position""";

    private static Talk map(ResultSet row, PreparedStatement bullets) throws SQLException {
        long id = row.getLong("id");
        return new Talk(row.getString("key"), row.getString("source"), row.getString("conference"),
                row.getString("day"), row.getInt("day_number"), row.getString("time"), row.getString("title"),
                row.getString("speaker"), bullets(bullets, id), row.getInt("first_line"),
                row.getInt("last_line"));
    }

    private static List<Bullet> bullets(PreparedStatement select, long talkId) throws SQLException {
        List<Bullet> bullets = new ArrayList<>();
        select.setLong(1, talkId);
        try (ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                String quotes = rows.getString("quotes");
                long addedId = rows.getLong("added_id");
                Bullet.Added added = rows.wasNull() || rows.getString("added_by") == null ? null
                        : new Bullet.Added(addedId, rows.getString("added_by"), Instant.parse(rows.getString("added_at")),
                        rows.getString("permalink"));
                bullets.add(new Bullet(rows.getInt("depth"), Bullet.Kind.valueOf(rows.getString("kind")),
                        rows.getString("text"), quotes.isEmpty() ? List.of() : Arrays.asList(quotes.split("\n")),
                        rows.getInt("line"), added));
            }
        }
        return bullets;
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
