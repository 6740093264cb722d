package qconbot.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import qconbot.TestPostgres;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What only PostgreSQL has: the shared write lock and its bound, and replicas migrating at the same moment. */
@EnabledIf(value = TestPostgres.WANTED, disabledReason = TestPostgres.HOW)
class PostgresDbTest {

    @Test
    void a_write_waits_at_most_about_a_second_for_another_replicas_write_and_changes_nothing() throws Exception {
        String url = TestPostgres.freshDatabase();
        try (Db db = Db.openPostgres(url, null, null);
             Connection other = DriverManager.getConnection(url);
             Statement statement = other.createStatement()) {
            statement.execute("BEGIN");
            statement.execute("SELECT pg_advisory_xact_lock(" + 0x71636f6eL + ")"); // another replica mid-write

            long started = System.nanoTime();
            assertThrows(Db.Busy.class, () -> db.run(connection -> {
                try (Statement insert = connection.createStatement()) {
                    insert.execute("INSERT INTO handled_requests (key, at) VALUES ('k', 'now')");
                }
            }));
            long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertTrue(waitedMs >= 900 && waitedMs < 3_000, "waited " + waitedMs + " ms");
            assertTrue(db.busy(), "/health hears of it");

            statement.execute("COMMIT");
            db.run(connection -> {
                try (Statement insert = connection.createStatement()) {
                    insert.execute("INSERT INTO handled_requests (key, at) VALUES ('k', 'now')");
                }
            });
            int rows = db.read(connection -> {
                try (var count = connection.createStatement().executeQuery("SELECT count(*) FROM handled_requests")) {
                    count.next();
                    return count.getInt(1);
                }
            });
            assertEquals(1, rows, "the refused write left nothing; the next one went in");
        }
    }

    @Test
    void replicas_starting_at_the_same_moment_migrate_one_empty_database_once() throws Exception {
        String url = TestPostgres.freshDatabase();
        ExecutorService starts = Executors.newFixedThreadPool(4);
        List<Future<Db>> opened = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            opened.add(starts.submit(() -> Db.openPostgres(url, null, null)));
        }
        for (Future<Db> db : opened) {
            try (Db one = db.get(60, TimeUnit.SECONDS)) {
                assertEquals(Db.LATEST_VERSION, one.schemaVersion());
            }
        }
        starts.shutdown();
        try (Connection connection = DriverManager.getConnection(url);
             var rows = connection.createStatement().executeQuery("SELECT count(*), max(version) FROM schema_version")) {
            rows.next();
            assertEquals(1, rows.getInt(1));
            assertEquals(Db.LATEST_VERSION, rows.getInt(2));
        }
    }
}
