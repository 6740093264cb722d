package qconbot;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The database misbehaving under a running bot, through the real HTTP endpoint: another process holding the write
 * lock, the file deleted. Reads keep answering, writes fail at once with a reason, nothing is applied late.
 */
class StorageFaultsTest {

    @TempDir
    Path dir;
    FakeSlackApi slack;
    Main.Bot bot;
    SlackRequests requests;

    @BeforeEach
    void start() throws Exception {
        slack = new FakeSlackApi();
        bot = TestBot.with(dir, slack).start();
        requests = new SlackRequests(bot.port());
    }

    @AfterEach
    void stop() {
        requests.close();
        bot.close();
        slack.close();
    }

    private String command(String text) throws Exception {
        return SlackRequests.decoded(requests.command(text, "U0ANN", slack.responseUrl("cmd")));
    }

    @Test
    void while_another_process_holds_the_write_lock_reads_answer_and_a_claim_fails_at_once_changing_nothing() throws Exception {
        try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("qcon.db"));
             Statement statement = other.createStatement()) {
            statement.execute("BEGIN IMMEDIATE"); // as a sqlite3 shell or a second bot mid-write would

            CompletableFuture<String> claim = CompletableFuture.supplyAsync(() -> {
                try {
                    return command("claim A1");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            long began = System.nanoTime();
            assertTrue(command("monzo").contains("microservices at Monzo"));
            assertTrue(millisSince(began) < 1000, "a search waited " + millisSince(began) + " ms behind the write");

            String refused = claim.get(3, TimeUnit.SECONDS);
            assertTrue(refused.contains("The database is busy right now") && refused.contains("nothing changed"), refused);
            HttpResponse<String> health = requests.get("/health");
            assertEquals(200, health.statusCode());
            assertTrue(health.body().contains("\"database\":\"busy"), health.body());
            statement.execute("ROLLBACK");
        }
        Thread.sleep(300);
        assertTrue(command("actions A1").contains("· open"), "the refused claim was not applied later");
        assertTrue(command("claim A1").contains("You claimed A1"));
        assertTrue(requests.get("/health").body().contains("\"database\":\"ok\""));
    }

    @Test
    void a_database_file_deleted_under_the_bot_refuses_changes_and_health_says_why() throws Exception {
        Files.delete(dir.resolve("qcon.db"));

        String refused = command("claim A1");
        assertTrue(refused.contains("I have a storage problem, so nothing changed"), refused);
        HttpResponse<String> health = requests.get("/health");
        assertEquals(503, health.statusCode());
        assertTrue(health.body().contains("was deleted while the bot ran"), health.body());
        assertTrue(command("monzo").contains("microservices at Monzo"), "reads still answer");
    }

    @Test
    void a_deleted_database_restored_from_a_backup_is_taken_without_a_restart() throws Exception {
        command("claim A2");
        Path backup = dir.resolve("backup.db");
        qconbot.store.Db.backup(dir.resolve("qcon.db"), backup);
        Files.delete(dir.resolve("qcon.db"));
        assertTrue(command("claim A1").contains("storage problem"));
        assertEquals(503, requests.get("/health").statusCode());

        Files.copy(backup, dir.resolve("qcon.db")); // the admin mends it

        assertTrue(command("claim A1").contains("You claimed A1"), "taken at the next write");
        assertEquals(200, requests.get("/health").statusCode());
        assertTrue(command("actions A2").contains("claimed by <@U0ANN>"), "what the backup holds is there");
    }

    @Test
    void a_database_replaced_by_something_else_is_not_taken() throws Exception {
        Files.delete(dir.resolve("qcon.db"));
        Files.writeString(dir.resolve("qcon.db"), "not a database");

        String refused = command("claim A1");
        assertTrue(refused.contains("storage problem"), refused);
        HttpResponse<String> health = requests.get("/health");
        assertEquals(503, health.statusCode());
        assertTrue(health.body().contains("not a qcon-bot database"), health.body());
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }
}
