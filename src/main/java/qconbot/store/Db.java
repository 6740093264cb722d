package qconbot.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

import org.sqlite.SQLiteConfig;

/**
 * The one SQLite file that holds all state. A single connection, used by one thread at a time: SQLite serialises
 * writers anyway, and our queries take microseconds. Other processes on the same file wait up to the busy timeout.
 */
public final class Db implements AutoCloseable {

    /** Applied in order, each once, each in its own transaction. Add new files at the end; never edit old ones. */
    private static final List<String> MIGRATIONS = List.of(
            "V1__notes.sql",
            "V2__action_items.sql",
            "V3__talk_of_the_day.sql",
            "V4__fixed_width_times.sql",
            "V5__title_search.sql");

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

    private final Connection connection;
    private final ReentrantLock lock = new ReentrantLock();
    /** See {@link #cached}; guarded by the lock. */
    private final Map<String, PreparedStatement> statements = new HashMap<>();
    private final Path file;

    private Db(Path file, Connection connection) {
        this.file = file;
        this.connection = connection;
    }

    /** Opens (creating if needed) the database file and brings its schema up to date. */
    public static Db open(Path file) throws SQLException {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (IOException e) {
            throw new SQLException("Cannot create the folder for the database " + file + ": " + e.getMessage(), e);
        }
        SQLiteConfig settings = new SQLiteConfig();
        settings.setJournalMode(SQLiteConfig.JournalMode.WAL);
        // NORMAL in WAL mode survives a killed process; only a power cut can lose the last commits.
        settings.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        settings.enforceForeignKeys(true);
        settings.setBusyTimeout(10_000);
        // Every transaction takes the write lock when it begins, so a read-then-update in one transaction can
        // never be overtaken by another process (a deferred one would fail with SQLITE_BUSY instead of waiting).
        settings.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file, settings.toProperties());
        Db db = new Db(file, connection);
        db.migrate();
        return db;
    }

    public Path file() {
        return file;
    }

    /** Runs work in one transaction and returns its result; any exception rolls everything back. */
    public <T> T inTransaction(SqlFunction<T> work) throws SQLException {
        lock.lock();
        try {
            connection.setAutoCommit(false);
            try {
                T result = work.apply(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Like {@link #inTransaction} for work that returns nothing. */
    public void run(SqlConsumer work) throws SQLException {
        inTransaction(connection -> {
            work.accept(connection);
            return null;
        });
    }

    /** Reads outside an explicit transaction (each statement sees a consistent snapshot). */
    public <T> T read(SqlFunction<T> work) throws SQLException {
        lock.lock();
        try {
            return work.apply(connection);
        } finally {
            lock.unlock();
        }
    }

    /**
     * A statement prepared once and kept for the connection's life, for the reads every /qcon search makes
     * (preparing its FTS queries was about a tenth of a search). Only inside {@link #read} or {@link #inTransaction},
     * which hold the lock; the caller closes its result sets, never the statement.
     */
    public PreparedStatement cached(String sql) throws SQLException {
        if (!lock.isHeldByCurrentThread()) {
            throw new IllegalStateException("Db.cached is only for use inside read or inTransaction");
        }
        PreparedStatement statement = statements.get(sql);
        if (statement == null) {
            statement = connection.prepareStatement(sql);
            statements.put(sql, statement);
        }
        return statement;
    }

    public int schemaVersion() throws SQLException {
        return read(Db::schemaVersion);
    }

    /** Applies the missing migrations in one immediate transaction, so a second process starting too waits. */
    private void migrate() throws SQLException {
        run(connection -> {
            try (Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
                int current = schemaVersion(connection);
                if (current > MIGRATIONS.size()) {
                    throw new SQLException("The database " + file + " has schema version " + current
                            + ", newer than this bot knows (" + MIGRATIONS.size() + "). Run a newer qcon-bot.");
                }
                for (int version = current + 1; version <= MIGRATIONS.size(); version++) {
                    for (String sql : statements(MIGRATIONS.get(version - 1))) {
                        statement.execute(sql);
                    }
                    statement.executeUpdate("DELETE FROM schema_version");
                    statement.executeUpdate("INSERT INTO schema_version (version) VALUES (" + version + ")");
                }
            }
        });
    }

    private static int schemaVersion(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT max(version) FROM schema_version")) {
            return rows.next() ? rows.getInt(1) : 0;
        }
    }

    /** Splits a migration file on semicolons that end a line (our migrations keep one statement per paragraph). */
    static List<String> statements(String resource) throws SQLException {
        String sql;
        try (InputStream in = Db.class.getResourceAsStream("/db/" + resource)) {
            if (in == null) {
                throw new SQLException("Missing migration /db/" + resource + " in the jar");
            }
            sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SQLException("Cannot read migration " + resource, e);
        }
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : sql.split("\n")) {
            if (line.strip().startsWith("--")) {
                continue;
            }
            current.append(line).append('\n');
            if (line.strip().endsWith(";")) {
                statements.add(current.toString().strip());
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) {
            statements.add(current.toString().strip());
        }
        return statements;
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

    @Override
    public void close() throws SQLException {
        lock.lock();
        try {
            for (PreparedStatement statement : statements.values()) {
                statement.close();
            }
            statements.clear();
            connection.close();
        } finally {
            lock.unlock();
        }
    }
}
