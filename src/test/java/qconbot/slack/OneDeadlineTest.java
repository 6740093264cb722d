package qconbot.slack;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.slack.api.Slack;
import com.slack.api.bolt.App;
import com.slack.api.bolt.AppConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import qconbot.SlackRequests;
import qconbot.store.Db;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One deadline per request, from its arrival (issue 23): a request that waits in the bot's queue and then for the
 * database may not commit once Slack (3 s) could no longer hear of it, although neither wait alone is too long.
 */
class OneDeadlineTest {

    @TempDir
    Path dir;
    final CountDownLatch release = new CountDownLatch(1);
    final ListAppender<ILoggingEvent> log = new ListAppender<>();
    final Logger dbLog = (Logger) LoggerFactory.getLogger(Db.class);
    Db db;
    BoltHttpServer server;
    SlackRequests requests;

    @AfterEach
    void stop() throws Exception {
        release.countDown();
        dbLog.detachAppender(log);
        if (requests != null) {
            requests.close();
        }
        if (server != null) {
            server.close();
        }
        if (db != null) {
            db.close();
        }
    }

    /** One worker, a queue of one, Slack's 3 s: "/qcon hold" keeps the worker; "/qcon write N" writes a row. */
    void start() throws Exception {
        log.start();
        dbLog.addAppender(log);
        db = Db.open(dir.resolve("qcon.db"));
        db.run(connection -> connection.createStatement().execute("CREATE TABLE changes (n INTEGER)"));
        App app = new App(AppConfig.builder().signingSecret(SlackRequests.SECRET).singleTeamBotToken("xoxb-test").build(),
                Slack.getInstance(), List.of());
        app.command("/qcon", (request, context) -> {
            String text = request.getPayload().getText();
            if (text.equals("hold")) {
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return context.ack("held");
            }
            try {
                db.run(connection -> connection.createStatement().execute("INSERT INTO changes (n) VALUES ("
                        + Integer.parseInt(text.substring("write ".length())) + ")"));
                return context.ack("written");
            } catch (SQLException e) {
                return context.ack("not written");
            }
        });
        app.start();
        BoltHttpServer.Limits limits = new BoltHttpServer.Limits(1, 1, Duration.ofSeconds(3), 100, BoltHttpServer.MAX_BODY,
                Duration.ofSeconds(1), Duration.ofSeconds(5));
        server = new BoltHttpServer(app, SlackRequests.SECRET, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                null, limits, () -> new BoltHttpServer.Health(200, "{}"), () -> "").start();
        requests = new SlackRequests(server.port());
    }

    CompletableFuture<HttpResponse<String>> command(String text) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return requests.command(text);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    int rows() throws SQLException {
        return db.read(connection -> {
            try (var statement = connection.createStatement();
                 var rows = statement.executeQuery("SELECT count(*) FROM changes")) {
                rows.next();
                return rows.getInt(1);
            }
        });
    }

    @Test
    void time_in_the_queue_and_time_waiting_for_the_database_add_up_and_no_late_change_lands() throws Exception {
        start();
        assertTrue(requests.command("write 1").body().contains("\"written\""), "in time: written");

        try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("qcon.db"));
             Statement statement = other.createStatement()) {
            CompletableFuture<HttpResponse<String>> hold = command("hold");
            Thread.sleep(200); // the only worker is busy with it
            long arrived = System.nanoTime();
            CompletableFuture<HttpResponse<String>> late = command("write 2"); // waits in the queue
            statement.execute("BEGIN IMMEDIATE"); // another process writing, as a sqlite3 shell would
            Thread.sleep(1_700);
            release.countDown(); // 1.7 s in the queue: under the 2.5 s it may wait, so the write starts...
            Thread.sleep(900);
            statement.execute("ROLLBACK"); // ...and gets the database at 2.6 s: too late to commit
            assertEquals(200, hold.get(5, TimeUnit.SECONDS).statusCode());
            HttpResponse<String> answer = late.get(5, TimeUnit.SECONDS);
            long millis = (System.nanoTime() - arrived) / 1_000_000;
            assertTrue(millis >= 2_500, "answered after " + millis + " ms");
        }
        assertEquals(1, rows(), "the change that could only have landed after Slack gave up did not");
        assertTrue(log.list.stream().map(ILoggingEvent::getFormattedMessage)
                        .anyMatch(line -> line.startsWith("Not written: the request arrived") && line.contains("nothing changed")),
                "the log says why: " + log.list);
        assertTrue(requests.command("write 3").body().contains("\"written\""), "the next one is in time");
        assertEquals(2, rows());
    }
}
