package qconbot.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * Everything that differs between the two databases the bot runs on, and the only place that knows which one it is:
 * how a connection is opened, how a write begins and takes its turn, a new row's id, which failures mean busy or a
 * storage fault, how a consistent read begins, how /health probes for a mended fault, and the migration statements
 * that differ. {@link Db} holds one and asks it; nothing else does.
 */
sealed interface Dialect permits Dialect.Sqlite, Dialect.Postgres {

    /** A new connection, set up for this database. */
    Connection connect() throws SQLException;

    /**
     * Several bot processes share this database over the network (PostgreSQL). A lost connection is then opened
     * again on the next use, a read waits for its turn only a moment (a database that stops answering holds a read
     * up to the socket timeout), and search runs on each bot's own SQLite index.
     */
    boolean shared();

    /** Where the database is, for messages: the file, or the URL without its password. */
    String where();

    /** The statement(s) that begin a write transaction and take its lock, waiting at most {@code lockWait}. */
    String beginWrite(Duration lockWait);

    /** The query for the id the last INSERT on this connection gave its row. */
    String lastIdSql();

    /** The failure as {@link Db.Busy} or {@link Db.StorageFault} when the driver's code says it is one; else as is. */
    SQLException classify(SQLException e);

    /** Runs work in one read-only transaction, so every statement sees the same moment. */
    <T> T snapshot(Connection connection, Db.SqlFunction<T> work) throws SQLException;

    /**
     * How often /health tries a write to see whether the database is reachable and writable again; null for not now.
     * @param suspect a write failed on storage, or the file was replaced
     */
    Duration probeEvery(boolean suspect);

    /** The probe write: proves the storage takes a write and leaves nothing behind. */
    void probe(Connection connection) throws SQLException;

    /** After rows were copied in with their ids, makes the next new row's id follow them. */
    void followCopiedIds(Connection connection, String table) throws SQLException;

    /** The folder under {@code /db/} with this database's own part of each migration. */
    String migrations();

    /**
     * A migration's statements: those of {@code /db/<name>}, which both databases share, then those of this
     * database's own {@code /db/<migrations()>/<name>}. Either file may be missing, not both.
     */
    default List<String> migration(String name) throws SQLException {
        String shared = resource("/db/" + name);
        String own = resource("/db/" + migrations() + "/" + name);
        if (shared == null && own == null) {
            throw new SQLException("Missing migration /db/" + name + " in the jar");
        }
        List<String> statements = new ArrayList<>(split(shared));
        statements.addAll(split(own));
        return statements;
    }

    private static String resource(String path) throws SQLException {
        try (InputStream in = Dialect.class.getResourceAsStream(path)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SQLException("Cannot read migration " + path, e);
        }
    }

    /** Splits on semicolons that end a line: our migrations keep one statement per paragraph. */
    private static List<String> split(String sql) {
        List<String> statements = new ArrayList<>();
        if (sql == null) {
            return statements;
        }
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

    /** One SQLite file, in WAL mode: several processes on one machine may open it; writes take turns by file lock. */
    record Sqlite(Path file) implements Dialect {

        /** A key long enough to need a page of its own: a probe write that does not allocate proves nothing. */
        private static final String PROBE = "qcon-storage-probe-" + "x".repeat(5000);

        @Override
        public Connection connect() throws SQLException {
            SQLiteConfig settings = new SQLiteConfig();
            settings.setJournalMode(SQLiteConfig.JournalMode.WAL);
            // NORMAL in WAL mode survives a killed process; only a power cut can lose the last commits.
            settings.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
            settings.enforceForeignKeys(true);
            settings.setBusyTimeout((int) Db.WAIT_TO_MIGRATE.toMillis());
            return DriverManager.getConnection("jdbc:sqlite:" + file, settings.toProperties());
        }

        /** After migrating, a write waits for another process's lock only as long as a user waits. */
        static void readyForWrites(Connection writer) throws SQLException {
            try (Statement statement = writer.createStatement()) {
                statement.execute("PRAGMA busy_timeout = " + Db.WAIT_FOR_SQLITE.toMillis());
            }
        }

        @Override
        public boolean shared() {
            return false;
        }

        @Override
        public String where() {
            return String.valueOf(file);
        }

        /**
         * IMMEDIATE takes SQLite's write lock as it begins (waiting up to the busy timeout), so a read-then-update is
         * never overtaken by another process. Db begins by hand, not through the driver: its commit() opens the next
         * transaction at once, and that BEGIN could wait for another process and fail after our COMMIT landed.
         */
        @Override
        public String beginWrite(Duration lockWait) {
            return "BEGIN IMMEDIATE";
        }

        @Override
        public String lastIdSql() {
            return "SELECT last_insert_rowid()";
        }

        @Override
        public SQLException classify(SQLException e) {
            if (!(e instanceof SQLiteException sqlite)) {
                return e;
            }
            SQLiteErrorCode code = sqlite.getResultCode();
            String name = code == null ? "" : code.name();
            if (name.startsWith("SQLITE_BUSY") || name.startsWith("SQLITE_LOCKED")) {
                return new Db.Busy("another process holds the database's write lock", e);
            }
            if (name.startsWith("SQLITE_FULL")) {
                return new Db.StorageFault("the disk is full", e);
            }
            if (name.startsWith("SQLITE_READONLY")) {
                return new Db.StorageFault("the database is read-only", e);
            }
            if (name.startsWith("SQLITE_IOERR") || name.startsWith("SQLITE_CANTOPEN") || name.startsWith("SQLITE_CORRUPT")
                    || name.startsWith("SQLITE_NOTADB")) {
                return new Db.StorageFault("the storage failed (" + name + ")", e);
            }
            return e;
        }

        @Override
        public <T> T snapshot(Connection connection, Db.SqlFunction<T> work) throws SQLException {
            Db.execute(connection, "BEGIN");
            try {
                return work.apply(connection);
            } finally {
                Db.execute(connection, "COMMIT");
            }
        }

        /** A file that failed is tried every 5 s until it takes a write; a healthy one is not written to. */
        @Override
        public Duration probeEvery(boolean suspect) {
            return suspect ? Duration.ofSeconds(5) : null;
        }

        @Override
        public void probe(Connection connection) throws SQLException {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO handled_requests (key, at) VALUES (?, '')");
                 Statement delete = connection.createStatement()) {
                insert.setString(1, PROBE);
                insert.executeUpdate();
                delete.executeUpdate("DELETE FROM handled_requests WHERE key LIKE 'qcon-storage-probe%'");
            }
        }

        /** SQLite gives a new row the largest id plus one by itself. */
        @Override
        public void followCopiedIds(Connection connection, String table) {
        }

        @Override
        public String migrations() {
            return "sqlite";
        }
    }

    /**
     * A PostgreSQL database several bots share. Every write transaction first takes one advisory lock, so writes from
     * all replicas follow one another as SQLite's do, and every read-then-update stays correct across processes.
     */
    record Postgres(String url, Properties settings) implements Dialect {

        /** The one advisory lock every write transaction takes ("qcon" in ASCII). */
        private static final long WRITE_LOCK = 0x71636f6eL;

        /** Every wait bounded: connecting, and any one read or write on the socket (a database that stops answering). */
        static Postgres of(String url, String user, String password) {
            Properties settings = new Properties();
            if (user != null && !user.isBlank()) {
                settings.setProperty("user", user);
            }
            if (password != null && !password.isEmpty()) {
                settings.setProperty("password", password);
            }
            settings.setProperty("connectTimeout", "3");
            settings.setProperty("socketTimeout", "15");
            settings.setProperty("tcpKeepAlive", "true");
            settings.setProperty("ApplicationName", "qcon-bot");
            return new Postgres(url, settings);
        }

        @Override
        public Connection connect() throws SQLException {
            return DriverManager.getConnection(url, settings);
        }

        @Override
        public boolean shared() {
            return true;
        }

        @Override
        public String where() {
            return Db.withoutPassword(url);
        }

        /** One round trip: begin, bound this transaction's waits, then wait (that long at most) for our turn. */
        @Override
        public String beginWrite(Duration lockWait) {
            return "BEGIN; SELECT set_config('lock_timeout', '" + lockWait.toMillis() + "', true),"
                    + " set_config('statement_timeout', '" + (lockWait.toMillis() + 5_000) + "', true),"
                    + " pg_advisory_xact_lock(" + WRITE_LOCK + ")";
        }

        @Override
        public String lastIdSql() {
            return "SELECT lastval()";
        }

        /** A lock or statement timeout or a serialization failure is busy; a lost or refused connection, a fault. */
        @Override
        public SQLException classify(SQLException e) {
            String state = e.getSQLState() == null ? "" : e.getSQLState();
            if (state.equals("55P03") || state.equals("57014") || state.startsWith("40")) {
                return new Db.Busy("another bot holds the database's write lock", e);
            }
            if (state.startsWith("08") || state.startsWith("57P") || state.startsWith("53") || state.startsWith("58")) {
                return new Db.StorageFault("the database at " + where() + " cannot be reached (" + state + ": "
                        + e.getMessage() + ")", e);
            }
            return e;
        }

        /** Through the driver, not by hand: pgjdbc fetches a result in parts (setFetchSize) only outside autocommit. */
        @Override
        public <T> T snapshot(Connection connection, Db.SqlFunction<T> work) throws SQLException {
            connection.setAutoCommit(false);
            try {
                Db.execute(connection, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY");
                T result = work.apply(connection);
                connection.commit();
                return result;
            } finally {
                if (!connection.isClosed()) {
                    connection.rollback();
                    connection.setAutoCommit(true);
                }
            }
        }

        /** Nothing else would notice a database gone while nobody writes: one write a second at most. */
        @Override
        public Duration probeEvery(boolean suspect) {
            return Duration.ofSeconds(1);
        }

        @Override
        public void probe(Connection connection) throws SQLException {
            Db.execute(connection, "SELECT 1");
        }

        @Override
        public void followCopiedIds(Connection connection, String table) throws SQLException {
            try (PreparedStatement next = connection.prepareStatement("SELECT setval(pg_get_serial_sequence('" + table
                    + "', 'id'), coalesce(max(id), 0) + 1, false) FROM " + table)) {
                next.executeQuery().close();
            }
        }

        @Override
        public String migrations() {
            return "postgres";
        }

        /** Never the password: records print their fields. */
        @Override
        public String toString() {
            return "Postgres[" + where() + "]";
        }
    }
}
