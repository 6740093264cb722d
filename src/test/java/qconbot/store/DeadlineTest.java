package qconbot.store;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A request's deadline in the database: no change commits past it, and no wait outlasts it. */
class DeadlineTest {

    @TempDir
    Path dir;
    Db db;

    @BeforeEach
    void open() throws Exception {
        db = Db.open(dir.resolve("deadline.db"));
        db.run(connection -> connection.createStatement().execute("CREATE TABLE changes (n INTEGER)"));
    }

    @AfterEach
    void close() throws Exception {
        db.close();
    }

    private void write(int n) throws SQLException {
        db.run(connection -> connection.createStatement().execute("INSERT INTO changes (n) VALUES (" + n + ")"));
    }

    private static void sleep(long millis) throws SQLException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException(e);
        }
    }

    private int rows() throws SQLException {
        return db.read(connection -> {
            try (var statement = connection.createStatement();
                 var rows = statement.executeQuery("SELECT count(*) FROM changes")) {
                rows.next();
                return rows.getInt(1);
            }
        });
    }

    @Test
    void a_change_commits_within_its_deadline_and_never_after_it() throws Exception {
        Deadline.within(System.nanoTime(), Duration.ofSeconds(2), () -> { write(1); return null; });
        assertEquals(1, rows(), "in time: written");

        long arrivedLongAgo = System.nanoTime() - TimeUnit.SECONDS.toNanos(3);
        SQLException late = assertThrows(SQLException.class,
                () -> Deadline.within(arrivedLongAgo, Duration.ofMillis(2500), () -> { write(2); return null; }));
        assertTrue(late.getMessage().contains("too late for its answer to reach Slack"), late.getMessage());

        // the deadline passes while the transaction works: rolled back at COMMIT, nothing half-written
        assertThrows(SQLException.class, () -> Deadline.within(System.nanoTime(), Duration.ofMillis(200), () -> {
            db.run(connection -> {
                connection.createStatement().execute("INSERT INTO changes (n) VALUES (3)");
                sleep(300);
            });
            return null;
        }));
        assertEquals(1, rows(), "neither late change landed");

        write(4); // no deadline (the schedule, the console): as before
        assertEquals(2, rows());
    }

    @Test
    void waiting_for_the_bots_own_write_lock_ends_with_the_deadline() throws Exception {
        CountDownLatch holding = new CountDownLatch(1);
        CompletableFuture<Void> slow = CompletableFuture.runAsync(() -> {
            try {
                db.run(connection -> {
                    holding.countDown();
                    sleep(800);
                });
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(holding.await(5, TimeUnit.SECONDS));
        long began = System.nanoTime();
        assertThrows(SQLException.class, () -> Deadline.within(began, Duration.ofMillis(100), () -> { write(5); return null; }));
        long waited = (System.nanoTime() - began) / 1_000_000;
        assertTrue(waited < 400, "waited " + waited + " ms for the lock, past a 100 ms deadline (the usual wait is 500)");
        slow.get(5, TimeUnit.SECONDS);
        assertEquals(0, rows());
    }
}
