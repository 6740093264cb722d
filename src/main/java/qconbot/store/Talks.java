package qconbot.store;

import qconbot.notes.Bullet;
import qconbot.notes.Notes;
import qconbot.notes.Talk;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The talks of every notes file, kept in the database: written all at once by {@link #sync} (a load), a few at a time
 * by {@link #write} (a change made in Slack), read by key or as an agenda. On
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
    public synchronized SyncReport sync(List<Notes> allNotes) throws SQLException {
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
    public synchronized boolean followShared() throws SQLException {
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
            try (Writer writer = new Writer(to, index, true);
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

    /** The talks with these ids read again when next asked for (a read that began before is not kept: generation). */
    private void forget(Collection<Long> ids) {
        synchronized (cache) {
            generation++;
            cache.keySet().removeAll(ids);
        }
    }

    /** The sync itself, inside its transaction. */
    private SyncReport writeAll(Connection connection, List<Notes> allNotes) throws SQLException {
        int talksBefore = count(connection, "SELECT count(*) FROM talks WHERE in_notes = 1");
        int linesBefore = count(connection, "SELECT count(*) FROM action_items WHERE in_notes = 1");
        update(connection, "UPDATE talks SET in_notes = 0");
        update(connection, "UPDATE action_items SET in_notes = 0");
        update(connection, "UPDATE notes_version SET version = version + 1");
        boolean search = index == db;
        if (search) {
            update(connection, "DELETE FROM talk_search");
            update(connection, "DELETE FROM title_search");
        }
        Counts counts = new Counts();
        try (Writer writer = new Writer(connection, db, search)) {
            for (Notes notes : allNotes) {
                int position = 0;
                for (Talk talk : notes.talks()) {
                    writeTalk(writer, talk, position++, counts, false);
                }
            }
        }
        return new SyncReport(counts.talks, counts.lines, talksBefore - counts.talksKept, linesBefore - counts.linesKept,
                counts.talks - counts.talksKept, counts.lines - counts.linesKept);
    }

    /** What a write of talks counted: talks and internal lines written, and how many of them were there before. */
    private static final class Counts {
        int talks;
        int talksKept;
        int lines;
        int linesKept;
    }

    /**
     * One talk: its row (kept by key, or new), its bullets, its search rows when the writer indexes, its internal
     * lines (kept by {@link #internalLineKey}: a notes line by its text, a line added in Slack by the point it came
     * from, so editing it keeps its owner, thread and history; or new). {@code alone}: a write of this talk only, so what the full
     * sync clears for every talk beforehand (its search rows, its lines' in_notes) is cleared here for this one.
     */
    private static long writeTalk(Writer writer, Talk read, int position, Counts counts, boolean alone)
            throws SQLException {
        // lines of an export not merged with the database (Added does that) are the plain lines of a file
        Talk talk = read.bullets().stream().noneMatch(Bullet::fromExport) ? read : new Talk(read.key(), read.source(),
                read.conference(), read.day(), read.dayNumber(), read.time(), read.title(), read.speaker(),
                read.bullets().stream().map(Bullet::plain).toList(), read.firstLine(), read.lastLine());
        Long existing = writer.talkId(talk.key());
        long id = existing == null ? writer.insertTalk(talk, position) : writer.updateTalk(existing, talk, position);
        if (existing != null) {
            writer.deleteBullets(id);
            if (alone) {
                writer.leaveNotes(id, false);
                writer.unindex(id);
            }
        }
        writer.insertBullets(id, talk.bullets());
        writer.indexForSearch(id, talk);
        counts.talks++;
        counts.talksKept += existing != null ? 1 : 0;
        int[] parents = talk.parents();
        for (int i = 0; i < parents.length; i++) {
            Bullet line = talk.bullets().get(i);
            if (line.isInternal()) {
                String key = internalLineKey(talk, line);
                if (line.added() != null) { // a database from before kept this item under its text: move it once
                    writer.rekey(textKey(talk, line), key);
                }
                String parent = parents[i] < 0 ? null : talk.bullets().get(parents[i]).text();
                if (writer.updateInternalLine(id, key, line, parent)) {
                    counts.linesKept++;
                } else {
                    writer.insertInternalLine(id, key, line, parent);
                }
                counts.lines++;
            }
        }
        return id;
    }

    /** A talk and its place in its notes file (the order of talks at the same time). */
    public record Placed(Talk talk, int position) {
    }

    /** What a small write did to one talk: its id, and the talk as searched before and after (null: not in the notes). */
    public record Change(long id, Talk before, Talk after) {
    }

    /**
     * A small write: these talks (each from the notes as last read plus what was added) written, and the talks with
     * the keys {@code gone} marked as no longer in the notes, in one transaction that raises the notes version (other
     * replicas follow it); then, on PostgreSQL, the same talks in this bot's own index. No other talk is read or
     * written, so it takes milliseconds however many talks there are; {@link #sync} stays for loads.
     */
    public synchronized List<Change> write(List<Placed> changed, List<String> gone) throws SQLException {
        Map<String, Talk> before = new LinkedHashMap<>();
        for (String key : concat(changed, gone)) {
            before.put(key, byKey(key).orElse(null));
        }
        Map<String, Long> ids = new LinkedHashMap<>();
        long version = db.inTransaction(connection -> {
            ids.clear(); // a transaction tried again starts over
            update(connection, "UPDATE notes_version SET version = version + 1");
            try (Writer writer = new Writer(connection, db, index == db)) {
                for (Placed placed : changed) {
                    ids.put(placed.talk().key(), writeTalk(writer, placed.talk(), placed.position(), new Counts(), true));
                }
                for (String key : gone) {
                    Long id = writer.talkId(key);
                    if (id != null) {
                        writer.leaveNotes(id, true);
                        ids.put(key, id);
                    }
                }
            }
            return Copy.notesVersion(connection);
        });
        Map<String, Talk> after = new LinkedHashMap<>();
        changed.forEach(placed -> after.put(placed.talk().key(), placed.talk()));
        if (index != db) {
            copyToIndex(ids, after, version);
        }
        forget(ids.values());
        List<Change> changes = new ArrayList<>();
        ids.forEach((key, id) -> changes.add(new Change(id, before.get(key), after.get(key))));
        return changes;
    }

    private static List<String> concat(List<Placed> changed, List<String> gone) {
        List<String> keys = new ArrayList<>(changed.stream().map(placed -> placed.talk().key()).toList());
        keys.addAll(gone);
        return keys;
    }

    /**
     * The talks just written to the shared database, copied into this bot's index in place (their rows, bullets, added
     * points and items, and search rows). When no other bot wrote between this bot's last copy and this write
     * ({@code version} is one past it), the index is as current as a full copy would make it, and {@link #followShared}
     * has nothing to do; otherwise it copies everything, later, in the background, as it does for other bots' changes.
     */
    private void copyToIndex(Map<String, Long> ids, Map<String, Talk> after, long version) throws SQLException {
        db.snapshot(from -> index.inTransaction(to -> {
            try (Writer writer = new Writer(to, index, true)) {
                for (Map.Entry<String, Long> talk : ids.entrySet()) {
                    writer.unindex(talk.getValue());
                    // children before their talk out, the talk before its children in
                    for (String rows : TALK_ROWS) {
                        deleteRows(to, rows, rowsOf(rows, talk));
                    }
                    for (String rows : TALK_ROWS_PARENT_FIRST) {
                        copyRows(from, to, rows, rowsOf(rows, talk));
                    }
                    if (after.containsKey(talk.getKey())) {
                        writer.indexForSearch(talk.getValue(), after.get(talk.getKey()));
                    }
                }
            }
            return null;
        }));
        if (indexVersion == version - 1) {
            indexVersion = version;
        }
    }

    /** The rows of one talk that the index holds, children first. */
    private static final List<String> TALK_ROWS = List.of("bullets WHERE talk_id", "action_items WHERE talk_id",
            "added_points WHERE talk_key", "talks WHERE id");
    private static final List<String> TALK_ROWS_PARENT_FIRST = List.of("talks WHERE id", "added_points WHERE talk_key",
            "action_items WHERE talk_id", "bullets WHERE talk_id");

    private static Object rowsOf(String rows, Map.Entry<String, Long> talk) {
        return rows.endsWith("talk_key") ? talk.getKey() : talk.getValue();
    }

    /** Deletes the rows of {@code rows} ("bullets WHERE talk_id") equal to {@code value}. */
    private static void deleteRows(Connection to, String rows, Object value) throws SQLException {
        try (PreparedStatement delete = to.prepareStatement("DELETE FROM " + rows + " = ?")) {
            delete.setObject(1, value);
            delete.executeUpdate();
        }
    }

    /**
     * Copies the rows of {@code rows} ("bullets WHERE talk_id") equal to {@code value}, column by column as
     * {@link Copy#table} copies a whole table.
     */
    private static void copyRows(Connection from, Connection to, String rows, Object value) throws SQLException {
        try (PreparedStatement select = from.prepareStatement("SELECT * FROM " + rows + " = ?")) {
            select.setObject(1, value);
            try (ResultSet found = select.executeQuery()) {
                ResultSetMetaData meta = found.getMetaData();
                List<String> columns = new ArrayList<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    if (!meta.getColumnName(i).equalsIgnoreCase("rowid")) { // PostgreSQL's stand-in for SQLite's own
                        columns.add(meta.getColumnName(i));
                    }
                }
                String table = rows.substring(0, rows.indexOf(' '));
                try (PreparedStatement insert = to.prepareStatement("INSERT INTO " + table + " (\""
                        + String.join("\", \"", columns) + "\") VALUES (" + "?, ".repeat(columns.size() - 1) + "?)")) {
                    while (found.next()) {
                        for (int i = 0; i < columns.size(); i++) {
                            insert.setObject(i + 1, found.getObject(columns.get(i)));
                        }
                        insert.executeUpdate();
                    }
                }
            }
        }
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
        private final PreparedStatement rekey;
        private final PreparedStatement unindex;
        private final PreparedStatement unindexTitle;
        private final PreparedStatement leaveNotes;
        private final PreparedStatement linesLeaveNotes;

        /**
         * @param target the database of {@code connection}
         * @param search whether to index talks for search there: only where they are searched, and only SQLite has the
         *               full-text tables
         */
        Writer(Connection connection, Db target, boolean search) throws SQLException {
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
                        "UPDATE action_items SET talk_id = ?, text = ?, line = ?, parent = ?, in_notes = 1 WHERE key = ?");
                insertInternalLine = prepare(connection,
                        "INSERT INTO action_items (key, talk_id, text, line, parent, in_notes) VALUES (?, ?, ?, ?, ?, 1)");
                rekey = prepare(connection, "UPDATE action_items SET key = ? WHERE key = ?"
                        + " AND NOT EXISTS (SELECT 1 FROM action_items WHERE key = ?)");
                unindex = search ? prepare(connection, "DELETE FROM talk_search WHERE rowid = ?") : null;
                unindexTitle = search ? prepare(connection, "DELETE FROM title_search WHERE rowid = ?") : null;
                leaveNotes = prepare(connection, "UPDATE talks SET in_notes = 0 WHERE id = ?");
                linesLeaveNotes = prepare(connection, "UPDATE action_items SET in_notes = 0 WHERE talk_id = ?");
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

        /** Nothing when this writer does not index for search. */
        void indexForSearch(long talkId, Talk talk) throws SQLException {
            if (indexForSearch == null) {
                return;
            }
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

        /** The talk's search rows out (when this writer indexes for search). */
        void unindex(long talkId) throws SQLException {
            if (unindex != null) {
                unindex.setLong(1, talkId);
                unindex.executeUpdate();
                unindexTitle.setLong(1, talkId);
                unindexTitle.executeUpdate();
            }
        }

        /**
         * The talk's internal lines marked as no longer in the notes (those still there are marked again as they are
         * written), and with {@code talkToo} the talk itself, out of the search too: kept, as a sync keeps them.
         */
        void leaveNotes(long talkId, boolean talkToo) throws SQLException {
            linesLeaveNotes.setLong(1, talkId);
            linesLeaveNotes.executeUpdate();
            if (talkToo) {
                leaveNotes.setLong(1, talkId);
                leaveNotes.executeUpdate();
                unindex(talkId);
            }
        }

        /** Updates the item with this key, if there is one (its talk_id stays: the key holds the talk's key). */
        boolean updateInternalLine(long talkId, String key, Bullet line, String parent) throws SQLException {
            updateInternalLine.setLong(1, talkId);
            updateInternalLine.setString(2, line.text());
            updateInternalLine.setInt(3, line.line());
            updateInternalLine.setString(4, parent);
            updateInternalLine.setString(5, key);
            return updateInternalLine.executeUpdate() > 0;
        }

        /** Moves the item under {@code from} to {@code to}, unless an item has that key already. */
        void rekey(String from, String to) throws SQLException {
            rekey.setString(1, to);
            rekey.setString(2, from);
            rekey.setString(3, to);
            rekey.executeUpdate();
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

    /**
     * The same line in the same talk is the same item, wherever it moves in the file and however it is spaced; a line
     * added in Slack is its point's item, whatever its text becomes; the same line twice in one talk is two items.
     */
    static String internalLineKey(Talk talk, Bullet line) {
        if (line.added() != null) {
            return talk.key() + "#P" + line.added().id();
        }
        // the same line twice in one talk is two items: the second is "…#2" (the first keeps the key it always had)
        String key = textKey(talk, line);
        int before = 0;
        for (Bullet other : talk.bullets()) {
            if (other == line) {
                break;
            }
            before += other.isInternal() && other.added() == null && textKey(talk, other).equals(key) ? 1 : 0;
        }
        return before == 0 ? key : key + "#" + (before + 1);
    }

    /** How every line was keyed before issue 23, and a line of a notes file still is: its talk and its text. */
    private static String textKey(Talk talk, Bullet line) {
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

    /**
     * The talks no longer in their notes file that are kept in view for what people added to them (no lines in a
     * file, and not added in Slack): for the App Home of editors, who can move what was added.
     */
    public List<Talk> keptInView() throws SQLException {
        return index.read(connection -> {
            List<Talk> talks = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT * FROM talks WHERE in_notes = 1 AND first_line = 0 AND source <> ? ORDER BY source, day_number, position")) {
                select.setString(1, Added.SOURCE);
                try (ResultSet rows = select.executeQuery()) {
                    PreparedStatement bullets = index.cached(BULLETS);
                    while (rows.next()) {
                        talks.add(map(rows, bullets));
                    }
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

    /**
     * The keys of the talks in the notes that came from a file (not added in Slack): cheap (no bullets read), to see
     * whether a load leaves any out.
     */
    public java.util.Set<String> keysInNotes() throws SQLException {
        return index.read(connection -> {
            java.util.Set<String> keys = new java.util.HashSet<>();
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT key FROM talks WHERE in_notes = 1 AND source <> ?")) {
                select.setString(1, Added.SOURCE);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        keys.add(rows.getString(1));
                    }
                }
            }
            return keys;
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
            LEFT JOIN added_points a ON a.id = b.added_id AND b.kind NOT IN ('OUTCOME', 'WONT_DO')
            LEFT JOIN action_items i ON i.id = b.added_id AND b.kind IN ('OUTCOME', 'WONT_DO')
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
