package qconbot;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The PostgreSQL the tests that need one use: QCON_TEST_POSTGRES_URL, which .ci/run sets after starting a throwaway
 * server ({@code eval "$(bash scripts/test-postgres.sh start)"}). Without it those tests are skipped, with
 * {@link #HOW} as the reason, unless QCON_REQUIRE_POSTGRES=true (.ci/run sets it): then they run and fail, so that CI
 * cannot pass with them skipped. Each test gets an empty schema of its own.
 */
public final class TestPostgres {

    public static final String VARIABLE = "QCON_TEST_POSTGRES_URL";
    public static final String REQUIRED = "QCON_REQUIRE_POSTGRES";
    /** For {@code @EnabledIf}: whether the PostgreSQL tests run. */
    public static final String WANTED = "qconbot.TestPostgres#wanted";
    public static final String HOW = "needs PostgreSQL: run eval \"$(bash scripts/test-postgres.sh start)\" first,"
            + " which sets QCON_TEST_POSTGRES_URL (.ci/run does)";
    private static final AtomicInteger SCHEMAS = new AtomicInteger();

    private TestPostgres() {
    }

    public static boolean wanted() {
        return wanted(System.getenv());
    }

    /** The PostgreSQL tests run when there is a server, or when they must (and then fail without one). */
    static boolean wanted(java.util.Map<String, String> environment) {
        String url = environment.get(VARIABLE);
        return url != null && !url.isBlank() || "true".equalsIgnoreCase(environment.get(REQUIRED));
    }

    public static String url() {
        String url = System.getenv(VARIABLE);
        if (url == null || url.isBlank()) {
            throw new IllegalStateException(REQUIRED + " is set and there is no PostgreSQL: " + HOW);
        }
        return url;
    }

    /** A new empty schema, and the URL that makes it the one a connection uses. */
    public static String freshDatabase() throws SQLException {
        String schema = "t" + ProcessHandle.current().pid() + "_" + SCHEMAS.incrementAndGet() + "_" + System.nanoTime() % 100000;
        try (Connection connection = DriverManager.getConnection(url());
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA " + schema);
        }
        return url() + (url().contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }
}
