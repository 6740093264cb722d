package qconbot.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * The database that holds all state: one SQLite file (the default), or a PostgreSQL database shared by several bot
 * processes ({@link #openPostgres}); what differs between the two is in {@link Dialect}, and only there. Either way
 * through two connections: one for writes, one for reads. In WAL mode a reader never waits for a writer, so searches,
 * listings and /health keep answering while a write waits, here or in another process. A write waits at most about a
 * second for its turn (ours, then SQLite's lock) and then fails with {@link Busy}, having changed nothing: a user
 * told "try again" is better than a change applied after Slack gave up. A write that fails on the storage itself
 * (disk full, read-only, file deleted or replaced) fails with {@link StorageFault} and is remembered for /health
 * until a write succeeds again.
 * <p>
 * On PostgreSQL every write transaction first takes one advisory lock, so writes from all replicas follow one another
 * as SQLite's do, and every read-then-update (a claim, a fire time's lease) stays correct across processes. A lost
 * connection is a {@link StorageFault}; the next use connects again, so the bot recovers when the database is back.
 */
public final class Db implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Db.class);

    /** Applied in order, each once, each in its own transaction. Add new files at the end; never edit old ones. */
    private static final List<String> MIGRATIONS = List.of(
            "V1__notes.sql",
            "V2__action_items.sql",
            "V3__talk_of_the_day.sql",
            "V4__fixed_width_times.sql",
            "V5__title_search.sql",
            "V6__item_context.sql",
            "V7__added_in_slack.sql",
            "V8__added_changes.sql",
            "V9__imports.sql",
            "V10__notes_version.sql",
            "V11__outcomes.sql",
            "V12__user_zones.sql",
            "V13__embeddings.sql",
            "V14__wont_do.sql",
            "V15__taking_back.sql",
            "V16__questions.sql",
            "V17__post_again.sql");

    /** How long a write waits for our own lock, then for SQLite's: together about Slack's patience, halved. */
    static final Duration WAIT_FOR_OUR_TURN = Duration.ofMillis(500);
    static final Duration WAIT_FOR_SQLITE = Duration.ofSeconds(1);
    /** Migrations wait longer: a second bot starting at the same moment may be migrating the same file. */
    static final Duration WAIT_TO_MIGRATE = Duration.ofSeconds(10);

    /**
     * How every instant is stored: ISO-8601 UTC with exactly three decimals, so comparing the text compares the
     * times (Instant.toString() drops zero decimals, and "09:32:00Z" sorts after "09:32:00.500Z").
     */
    public static String time(Instant instant) {
        return TIME.format(instant);
    }

    private static final DateTimeFormatter TIME = new DateTimeFormatterBuilder().appendInstant(3).toFormatter();

    /** The schema version a database has once opened by this build. */
    public static final int LATEST_VERSION = MIGRATIONS.size();

    @FunctionalInterface
    public interface SqlFunction<T> {
        T apply(Connection connection) throws SQLException;
    }

    @FunctionalInterface
    public interface SqlConsumer {
        void accept(Connection connection) throws SQLException;
    }

    /** The write could not have its turn in time; nothing changed. */
    public static final class Busy extends SQLException {
        Busy(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The storage under the database failed the write (full, read-only, deleted, replaced); nothing changed. */
    public static final class StorageFault extends SQLException {
        StorageFault(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * One connection and what belongs to it: a lock (a connection is used by one thread at a time) and its prepared
     * statements. The connection changes only when a replaced database file is taken ({@link #reopen}).
     */
    private static final class Line {
        final ReentrantLock lock = new ReentrantLock();
        final Map<String, PreparedStatement> statements = new HashMap<>();
        Connection connection; // guarded by lock
        /** When connecting last failed (PostgreSQL), System.nanoTime(); guarded by lock. */
        long failedAt = Long.MIN_VALUE / 2;

        Line(Connection connection) {
            this.connection = connection;
        }

        /** Closes the statements and the connection; under the lock. */
        void closeAll() {
            for (PreparedStatement statement : statements.values()) {
                try {
                    statement.close();
                } catch (SQLException ignored) {
                    // closing anyway
                }
            }
            statements.clear();
            closeQuietly(connection);
        }
    }

    private final Line writer;
    private final Line reader;
    private final Dialect dialect;
    /** The file the database lives in, watched for being deleted or replaced; null when it is not a local file. */
    private final Path file;
    /** The file as it was opened (inode and device, where the platform says), to notice it deleted or replaced. */
    private volatile Object fileKey;
    /** This bot's own search index beside a shared database; made on first use, deleted by close. */
    private Db index;
    /** Told when the database was replaced under the bot and taken: what they cache is stale. */
    private final List<Runnable> afterReopen = new CopyOnWriteArrayList<>();
    /** Why the last write failed on storage, or null since a write succeeded. */
    private volatile String fault;
    /** When a write last failed for want of its turn, or null since a write succeeded. */
    private volatile Instant lastBusy;
    /** When /health last tried a write to see whether a storage fault was mended. */
    private volatile Instant lastProbe = Instant.EPOCH;

    private Db(Dialect dialect, Path file, Connection writer, Connection reader, Object fileKey) {
        this.dialect = dialect;
        this.file = file;
        this.writer = new Line(writer);
        this.reader = new Line(reader);
        this.fileKey = fileKey;
    }

    /**
     * Connects to a PostgreSQL database ({@code jdbc:postgresql://host:5432/qcon}) and brings its schema up to date;
     * user and password may be null when the URL has them. Several bots may open the same database at once: they
     * migrate one after the other. Fails with one sentence when the database cannot be reached or refuses us.
     */
    public static Db openPostgres(String url, String user, String password) throws SQLException {
        Db db = new Db(Dialect.Postgres.of(url, user, password), null, null, null, null);
        try {
            db.migrate();
        } catch (SQLException | RuntimeException e) {
            db.close();
            throw e;
        }
        return db;
    }

    /**
     * The database search runs on: this one, unless it is shared; then this bot's own SQLite file in a fresh
     * temporary folder, made on first use, filled from the shared talks by {@link Talks} (full-text search and its
     * ranking are SQLite's on both), and deleted when this database is closed.
     */
    public synchronized Db searchIndex() throws SQLException {
        if (!dialect.shared()) {
            return this;
        }
        if (index == null) {
            try {
                index = open(Files.createTempDirectory("qcon-search-").resolve("index.db"));
            } catch (IOException | SQLException e) {
                throw new SQLException("cannot create this bot's search index in " + System.getProperty("java.io.tmpdir")
                        + ": " + e.getMessage(), e);
            }
        }
        return index;
    }

    /** What differs on this database, for the store's own use. */
    Dialect dialect() {
        return dialect;
    }

    /** Where the database is, for messages: the file, or the PostgreSQL URL without its password. */
    public String where() {
        return dialect.where();
    }

    /** A JDBC URL fit for a log or a message: a password in it is replaced by "…". */
    public static String withoutPassword(String url) {
        return url.replaceAll("(?i)password=[^&]*", "password=…");
    }

    /** The id the last INSERT on this connection gave its row. */
    public String lastIdSql() {
        return dialect.lastIdSql();
    }

    /** The id the last INSERT on {@code connection} gave its row, asked in this database's words. */
    public long lastId(Connection connection) throws SQLException {
        try (PreparedStatement id = connection.prepareStatement(dialect.lastIdSql()); ResultSet rows = id.executeQuery()) {
            rows.next();
            return rows.getLong(1);
        }
    }

    /**
     * Opens the line's connection again when it was lost (PostgreSQL only); under the line's lock. After a failed
     * attempt, requests in the next second fail at once rather than each waiting to connect.
     */
    private Connection connection(Line line) throws SQLException {
        if (dialect.shared() && (line.connection == null || line.connection.isClosed())) {
            line.statements.clear();
            line.connection = null;
            String down = fault;
            if (down != null && line.failedAt > System.nanoTime() - TimeUnit.SECONDS.toNanos(1)) {
                throw new StorageFault(down, null);
            }
            try {
                line.connection = dialect.connect();
            } catch (SQLException e) {
                line.failedAt = System.nanoTime();
                throw classify(e, line);
            }
        }
        return line.connection;
    }

    /**
     * Opens (creating if needed) the database file and brings its schema up to date. A database created here leaves
     * a marker beside it ({@code qcon.db.created}); while the marker is there, a missing or empty file in its place
     * is refused rather than silently started afresh: a lost database is restored from a backup, and an admin who
     * wants an empty one deletes the marker.
     */
    public static Db open(Path file) throws SQLException {
        Path marker = file.resolveSibling(file.getFileName() + ".created");
        boolean fresh;
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            fresh = !Files.exists(file) || Files.size(file) == 0;
        } catch (IOException e) {
            throw new SQLException("Cannot create the folder for the database " + file + ": " + e.getMessage(), e);
        }
        if (fresh && Files.exists(marker)) {
            throw new SQLException("the database is missing or empty, but one was created here before (see " + marker
                    + "). Restore it from a backup; or, to start with an empty database, delete " + marker + " and start again.");
        }
        Dialect.Sqlite dialect = new Dialect.Sqlite(file);
        Connection writer = dialect.connect();
        Connection reader = null;
        try {
            Db db = new Db(dialect, file, writer, reader = dialect.connect(), fileKey(file));
            db.migrate();
            Dialect.Sqlite.readyForWrites(writer);
            if (fresh && !file.toString().equals(":memory:")) {
                writeMarker(marker, file);
            }
            return db;
        } catch (SQLException | RuntimeException e) {
            writer.close();
            if (reader != null) {
                reader.close();
            }
            throw e;
        }
    }

    private static void writeMarker(Path marker, Path file) throws SQLException {
        try {
            Files.writeString(marker, "qcon-bot created " + file.getFileName() + " here at " + time(Instant.now()) + ".\n"
                    + "While this file exists, qcon-bot will not start on a missing or empty " + file.getFileName()
                    + " in its place.\nTo start with an empty database on purpose, delete this file.\n");
        } catch (IOException e) {
            throw new SQLException("Cannot write " + marker + ": " + e.getMessage(), e);
        }
    }

    public Path file() {
        return file;
    }

    /**
     * Runs work in one write transaction and returns its result; any exception rolls everything back. Fails with
     * {@link Busy} when the write cannot have its turn in about a second, with {@link StorageFault} when the storage
     * fails it; either way nothing changed.
     */
    public <T> T inTransaction(SqlFunction<T> work) throws SQLException {
        return transaction(work, WAIT_FOR_SQLITE);
    }

    private <T> T transaction(SqlFunction<T> work, Duration lockWait) throws SQLException {
        tooLate();
        if (!tryLock(writer.lock, Deadline.bound(WAIT_FOR_OUR_TURN))) {
            tooLate();
            throw busy(new Busy("the bot's own writes are queued", null));
        }
        boolean begun = false;
        try {
            checkFile();
            Connection connection = connection(writer);
            begun = true; // a BEGIN that fails halfway (PostgreSQL's waits for the lock after it) is rolled back too
            execute(connection, dialect.beginWrite(Deadline.bound(lockWait)));
            T result = work.apply(connection);
            tooLate(); // the last moment: after this the change is made, and Slack must still hear of it
            execute(connection, "COMMIT");
            begun = false;
            fault = null;
            lastBusy = null;
            return result;
        } catch (SQLException e) {
            rollback(begun);
            throw classify(e, writer);
        } catch (RuntimeException e) {
            rollback(begun);
            throw e;
        } finally {
            writer.lock.unlock();
        }
    }

    /**
     * Refuses a write whose request is past its {@link Deadline}: nothing is changed that Slack will not hear of. Not
     * a sign the database is busy (/health is not told), and logged with why.
     */
    private static void tooLate() throws Busy {
        String why = Deadline.passed();
        if (why != null) {
            log.warn("Not written: {}; nothing changed", why);
            throw new Busy("not written: " + why, null);
        }
    }

    /** Waits at most {@link #WAIT_FOR_OUR_TURN} for a line's lock. */
    private static boolean tryLock(ReentrantLock lock) throws Busy {
        return tryLock(lock, WAIT_FOR_OUR_TURN);
    }

    private static boolean tryLock(ReentrantLock lock, Duration wait) throws Busy {
        try {
            return lock.tryLock(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Busy("interrupted while waiting for the database", e);
        }
    }

    /** Like {@link #inTransaction} for work that returns nothing. */
    public void run(SqlConsumer work) throws SQLException {
        inTransaction(connection -> {
            work.accept(connection);
            return null;
        });
    }

    /** Reads on the read connection (each statement sees a consistent snapshot), never behind a write. */
    public <T> T read(SqlFunction<T> work) throws SQLException {
        if (!dialect.shared()) {
            reader.lock.lock();
        } else if (!tryLock(reader.lock)) {
            // a database that stops answering holds one read up to the socket timeout; the others do not queue behind it
            throw busy(new Busy("the bot's own reads are queued", null));
        }
        try {
            return work.apply(connection(reader));
        } catch (SQLException e) {
            throw dialect.shared() ? classify(e, reader) : e;
        } finally {
            reader.lock.unlock();
        }
    }

    /**
     * Reads in one transaction, so every statement sees the same moment: for copying several tables that must agree
     * (the shared talks into a bot's own index).
     */
    public <T> T snapshot(SqlFunction<T> work) throws SQLException {
        return read(connection -> dialect.snapshot(connection, work));
    }

    /**
     * A statement prepared once and kept for the connection's life, for the reads every /qcon search makes
     * (preparing its FTS queries was about a tenth of a search). Only inside {@link #read} or {@link #inTransaction},
     * which hold their connection's lock; the caller closes its result sets, never the statement.
     */
    public PreparedStatement cached(String sql) throws SQLException {
        Line line = writer.lock.isHeldByCurrentThread() ? writer : reader.lock.isHeldByCurrentThread() ? reader : null;
        if (line == null) {
            throw new IllegalStateException("Db.cached is only for use inside read or inTransaction");
        }
        PreparedStatement statement = line.statements.get(sql);
        if (statement == null) {
            statement = line.connection.prepareStatement(sql);
            line.statements.put(sql, statement);
        }
        return statement;
    }

    /**
     * Why writes fail on storage now ("the disk is full", "the database file ... was deleted"), or null. While there
     * is a fault, tries at most every 5 s a write that needs a new page and leaves nothing behind, so a mended fault
     * clears by itself.
     */
    public String fault() {
        boolean replaced = false;
        if (file != null) {
            try {
                replaced = fileKey != null && !fileKey.equals(fileKey(file));
            } catch (SQLException deleted) {
                return storage(new StorageFault("the database file " + file + " was deleted while the bot ran", deleted)).getMessage();
            }
        }
        Duration every = dialect.probeEvery(replaced || fault != null);
        if (every != null && lastProbe.isBefore(Instant.now().minus(every))) {
            lastProbe = Instant.now();
            try {
                run(dialect::probe);
            } catch (SQLException stillFailing) {
                // a storage fault says which; busy is not a fault
            }
        }
        return fault;
    }

    /** True when a write failed for want of its turn in the last 10 s, with none succeeding since. */
    public boolean busy() {
        Instant last = lastBusy;
        return last != null && last.isAfter(Instant.now().minusSeconds(10));
    }

    /**
     * A file deleted or replaced under the bot: SQLite would go on writing to the old, unlinked one, and lose it.
     * A replacement that is a qcon-bot database of this schema (an admin restored a backup) is taken, when the
     * caller holds the write lock; anything else stays a fault.
     */
    private void checkFile() throws StorageFault {
        if (file == null) {
            return;
        }
        Object now;
        try {
            now = fileKey(file);
        } catch (SQLException e) {
            throw storage(new StorageFault("the database file " + file + " was deleted while the bot ran", e));
        }
        if (fileKey != null && !fileKey.equals(now)
                && !(writer.lock.isHeldByCurrentThread() && reopen(now))) {
            throw storage(new StorageFault("the database file " + file + " was replaced while the bot ran, by a file"
                    + " that is not a qcon-bot database of schema version " + LATEST_VERSION, null));
        }
    }

    /**
     * Takes the file now at our path if it is a qcon-bot database of this schema; under the write lock. The old
     * connections are closed first: closing checkpoints into the old, unlinked file and removes its -wal and -shm
     * at our path, which SQLite would otherwise replay over the new file.
     */
    private boolean reopen(Object newKey) {
        if (!looksLikeSqlite(file)) {
            return false;
        }
        reader.lock.lock();
        try {
            writer.closeAll();
            reader.closeAll();
            Connection newWriter = null;
            try {
                newWriter = dialect.connect();
                if (schemaVersion(newWriter) != LATEST_VERSION) {
                    throw new SQLException("schema version " + schemaVersion(newWriter));
                }
                Dialect.Sqlite.readyForWrites(newWriter);
                writer.connection = newWriter;
                reader.connection = dialect.connect();
                fileKey = newKey;
            } catch (SQLException notOurs) {
                closeQuietly(newWriter);
                return false; // the connections stay closed: reads fail too, and /health says why
            }
        } finally {
            reader.lock.unlock();
        }
        log.warn("The database file {} was replaced while the bot ran; it is a qcon-bot database, so the bot uses it now.", file);
        afterReopen.forEach(Runnable::run);
        return true;
    }

    /** An SQLite file starts with "SQLite format 3" and a zero byte. */
    private static boolean looksLikeSqlite(Path file) {
        try (var in = Files.newInputStream(file)) {
            return java.util.Arrays.equals(in.readNBytes(16), "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            return false;
        }
    }

    /** Runs after a replaced database file was taken: whatever was cached from the old one is stale. */
    public void afterReopen(Runnable forget) {
        afterReopen.add(forget);
    }

    private static void closeQuietly(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // closing anyway
            }
        }
    }

    private static Object fileKey(Path file) throws SQLException {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
        } catch (IOException e) {
            throw new SQLException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The driver's code says what kind of failure a statement met; a lost PostgreSQL connection is closed. */
    private SQLException classify(SQLException e, Line line) {
        if (e instanceof Busy || e instanceof StorageFault) {
            return e;
        }
        SQLException kind = dialect.classify(e);
        if (kind instanceof Busy busy) {
            return busy(busy);
        }
        if (kind instanceof StorageFault storageFault) {
            if (dialect.shared()) { // the connection is lost: the next use connects again
                closeQuietly(line.connection);
                line.connection = null;
            }
            return storage(storageFault);
        }
        return kind;
    }

    private Busy busy(Busy busy) {
        lastBusy = Instant.now();
        return busy;
    }

    private StorageFault storage(StorageFault storageFault) {
        fault = storageFault.getMessage();
        return storageFault;
    }

    /** Undoes a transaction that began; SQLite may have rolled it back by itself already (SQLITE_FULL). */
    private void rollback(boolean begun) {
        if (begun && writer.connection != null) {
            try {
                execute(writer.connection, "ROLLBACK");
            } catch (SQLException alreadyRolledBack) {
                // nothing is left to undo
            }
        }
    }

    static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    public int schemaVersion() throws SQLException {
        return read(Db::schemaVersion);
    }

    /** Applies the missing migrations in one immediate transaction, so a second process starting too waits. */
    private void migrate() throws SQLException {
        transaction(this::migrate, WAIT_TO_MIGRATE);
    }

    private Void migrate(Connection connection) throws SQLException {
        {
            try (Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
                int current = schemaVersion(connection);
                if (current > MIGRATIONS.size()) {
                    throw new SQLException("The database " + where() + " has schema version " + current
                            + ", newer than this bot knows (" + MIGRATIONS.size() + "). Run a newer qcon-bot.");
                }
                for (int version = current + 1; version <= MIGRATIONS.size(); version++) {
                    for (String sql : dialect.migration(MIGRATIONS.get(version - 1))) {
                        statement.execute(sql);
                    }
                    statement.executeUpdate("DELETE FROM schema_version");
                    statement.executeUpdate("INSERT INTO schema_version (version) VALUES (" + version + ")");
                }
            }
        }
        return null;
    }

    private static int schemaVersion(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT max(version) FROM schema_version")) {
            return rows.next() ? rows.getInt(1) : 0;
        }
    }

    /** A migration's statements as an SQLite (or, {@code postgres}, a PostgreSQL) database runs them; for tests. */
    static List<String> statements(String resource, boolean postgres) throws SQLException {
        return (postgres ? Dialect.Postgres.of("", null, null) : new Dialect.Sqlite(Path.of(""))).migration(resource);
    }

    /**
     * Writes a consistent copy of a database, safe while a bot is using it: VACUUM INTO reads one snapshot (WAL
     * readers never block the writer) and writes a compact file. Refuses to overwrite; checks the copy's integrity.
     */
    public static void backup(Path live, Path copy) throws SQLException {
        if (!Files.isRegularFile(live)) {
            throw new SQLException("There is no database at " + live + " (QCON_DB).");
        }
        if (Files.exists(copy)) {
            throw new SQLException(copy + " already exists; give a new file name, so no backup is overwritten.");
        }
        try {
            Path parent = copy.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (IOException e) {
            throw new SQLException("Cannot create the folder for " + copy + ": " + e.getMessage(), e);
        }
        SQLiteConfig settings = new SQLiteConfig();
        settings.setBusyTimeout(10_000);
        settings.setReadOnly(true);
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + live, settings.toProperties());
             PreparedStatement vacuum = connection.prepareStatement("VACUUM INTO ?")) {
            vacuum.setString(1, copy.toAbsolutePath().toString());
            vacuum.execute();
        }
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + copy);
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("PRAGMA integrity_check")) {
            String result = rows.next() ? rows.getString(1) : "no answer";
            if (!"ok".equals(result)) {
                throw new SQLException("The copy at " + copy + " failed its integrity check: " + result);
            }
        }
    }

    /** Closes the connections, and this bot's own search index with its folder. */
    @Override
    public void close() throws SQLException {
        for (Line line : List.of(reader, writer)) {
            line.lock.lock();
            try {
                line.closeAll();
            } finally {
                line.lock.unlock();
            }
        }
        Db own;
        synchronized (this) {
            own = index;
            index = null;
        }
        if (own != null) {
            own.close();
            own.deleteFolder();
        }
    }

    /** Deletes the temporary folder of a search index, with the files SQLite left there. */
    private void deleteFolder() {
        Path folder = file.getParent();
        try (var files = Files.list(folder)) {
            for (Path left : files.toList()) {
                Files.deleteIfExists(left);
            }
            Files.deleteIfExists(folder);
        } catch (IOException e) {
            log.debug("search index left in {}: {}", folder, e.toString());
        }
    }
}
