package qconbot;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import qconbot.store.ActionItems;
import qconbot.store.Db;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Backup while the bot writes, reloading the notes, and what an operator sees. */
class OperationsTest {

    static final String ADMIN = "U0ADMIN";

    @TempDir
    Path dir;
    Path notes;
    FakeSlackApi slack;
    Main.Bot bot;
    SlackRequests requests;

    @BeforeEach
    void start() throws Exception {
        notes = Files.createDirectories(dir.resolve("notes"));
        Files.copy(TestBot.NOTES.resolve("qcon-2020.txt"), notes.resolve("qcon-2020.txt"));
        slack = new FakeSlackApi();
        bot = TestBot.with(dir, slack).set(Config.QCON_NOTES, notes.toString()).start();
        requests = new SlackRequests(bot.port());
    }

    @AfterEach
    void stop() {
        requests.close();
        bot.close();
        slack.close();
    }

    private String command(String text, String user) throws Exception {
        return SlackRequests.decoded(requests.command(text, user, slack.responseUrl("cmd")));
    }

    @Test
    void backup_while_the_bot_writes_is_a_consistent_copy() throws Exception {
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger writes = new AtomicInteger();
        Thread writer = new Thread(() -> {
            int i = 0;
            while (writing.get() && i < 2000) {
                try {
                    String verb = i % 2 == 0 ? "claim" : "unclaim";
                    command(verb + " A" + (1 + i / 2 % 7), "U0WRITER");
                    writes.incrementAndGet();
                } catch (Exception e) {
                    return;
                }
                i++;
            }
        });
        writer.start();
        Thread.sleep(300);
        Path copy = dir.resolve("backups/qcon-copy.db");
        ProcessBuilder command = ChildBot.command(dir, Map.of(Config.QCON_DB, dir.resolve("qcon.db").toString()),
                        "backup", copy.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("backup.log").toFile());
        Process backup = command.start();
        backup.getOutputStream().close();
        assertTrue(backup.waitFor(60, TimeUnit.SECONDS));
        Thread.sleep(200);
        writing.set(false);
        writer.join(10_000);

        String log = Files.readString(dir.resolve("backup.log"), StandardCharsets.UTF_8);
        assertEquals(0, backup.exitValue(), log);
        assertTrue(log.contains("integrity check ok"), log);
        assertTrue(writes.get() > 10, "the bot kept writing during the backup: " + writes.get());
        try (Db copied = Db.open(copy)) {
            ActionItems items = new ActionItems(copied, Clock.systemUTC(), Set.of());
            for (ActionItems.ActionItem item : items.list(ActionItems.View.ALL, "x")) {
                List<ActionItems.Change> history = items.history(item.id());
                ActionItems.State replayed = history.isEmpty() ? ActionItems.State.OPEN : history.get(history.size() - 1).to();
                String owner = history.isEmpty() ? null : history.get(history.size() - 1).toOwner();
                assertEquals(replayed, item.state(), "A" + item.id() + " matches its audit trail");
                assertEquals(owner, item.owner());
            }
            int talkCount = copied.read(connection -> {
                try (PreparedStatement count = connection.prepareStatement("SELECT count(*) FROM talks");
                     ResultSet rows = count.executeQuery()) {
                    rows.next();
                    return rows.getInt(1);
                }
            });
            assertEquals(20, talkCount);
        }
    }

    @Test
    void backup_refuses_to_overwrite_and_names_a_missing_database() throws Exception {
        Path existing = Files.writeString(dir.resolve("taken.db"), "x");
        Exception overwrite = org.junit.jupiter.api.Assertions.assertThrows(java.sql.SQLException.class,
                () -> Db.backup(dir.resolve("qcon.db"), existing));
        assertTrue(overwrite.getMessage().contains("already exists"));
        Exception missing = org.junit.jupiter.api.Assertions.assertThrows(java.sql.SQLException.class,
                () -> Db.backup(dir.resolve("nope.db"), dir.resolve("new.db")));
        assertTrue(missing.getMessage().contains("There is no database at"));
    }

    @Test
    void reload_reads_edited_notes_and_keeps_claims_and_ids() throws Exception {
        command("claim A1", "U0ANN");
        Files.writeString(notes.resolve("qcon-2020.txt"), Files.readString(notes.resolve("qcon-2020.txt")).replace(
                "Day 3\n--------------\n", "Day 3\n--------------\n17:30 closing drinks at the pub:\n- [INTERNAL] book a table\n\n"));

        assertTrue(command("reload", "U0ANN").contains("Only admins"));
        String reloaded = command("reload", ADMIN);
        assertTrue(reloaded.contains("Reloaded the notes: 1 file, 21 talks, 8 action items"), reloaded);
        assertTrue(reloaded.contains("(new: 1 talks, 1 action items)"), "says what changed: " + reloaded);
        assertTrue(command("closing drinks", "U0ANN").contains("closing drinks at the pub"), "the new talk is searchable");
        assertTrue(command("actions A1", "U0ANN").contains("claimed by <@U0ANN>"), "the claim is kept");
        assertTrue(command("actions A8", "U0ANN").contains("book a table"), "the new line is a new item");
    }

    @Test
    void a_restart_with_unreadable_notes_serves_the_talks_in_the_database_and_says_so() throws Exception {
        command("claim A1", "U0ANN");
        requests.close();
        bot.close();
        bot = TestBot.with(dir, slack).set(Config.QCON_NOTES, dir.resolve("no-such-notes").toString()).start();
        requests = new SlackRequests(bot.port());

        HttpResponse<String> health = requests.get("/health");
        assertEquals(200, health.statusCode(), health.body());
        assertTrue(health.body().contains("\"notes\":\"Cannot read the notes at") && health.body().contains("no-such-notes")
                && health.body().contains("Serving the talks already in the database"), health.body());
        assertTrue(command("monzo", "U0ANN").contains("microservices at Monzo"));
        assertTrue(command("actions A1", "U0ANN").contains("claimed by <@U0ANN>"));
        assertTrue(command("reload", ADMIN).contains("Did not reload"), "the files are still missing");
    }

    @Test
    void reload_of_notes_with_no_talks_changes_nothing() throws Exception {
        Files.writeString(notes.resolve("qcon-2020.txt"), "nothing here\n");

        String reply = command("reload", ADMIN);
        assertTrue(reply.contains("Did not reload") && reply.contains("No talks found"), reply);
        assertTrue(command("monzo", "U0ANN").contains("microservices at Monzo"));
    }

    /** A request with any method to any host and port of this machine, answered or refused. */
    private static HttpResponse<String> call(String method, String host, int port, String path) throws Exception {
        HttpClient client = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).connectTimeout(Duration.ofSeconds(2)).build();
        return client.send(HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + path)).timeout(Duration.ofSeconds(5))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void health_and_metrics_answer_get_on_their_exact_paths_only() throws Exception {
        assertEquals(404, call("GET", "127.0.0.1", bot.port(), "/metrics-secret").statusCode());
        assertEquals(404, call("GET", "127.0.0.1", bot.port(), "/health/../metrics/x").statusCode());
        assertEquals(404, call("GET", "127.0.0.1", bot.port(), "/slack/events/extra").statusCode());
        HttpResponse<String> post = call("POST", "127.0.0.1", bot.port(), "/health");
        assertEquals(405, post.statusCode());
        assertEquals("GET", post.headers().firstValue("Allow").orElse(""));
        assertEquals(405, call("DELETE", "127.0.0.1", bot.port(), "/metrics").statusCode());
        assertEquals(200, call("GET", "127.0.0.1", bot.port(), "/health").statusCode());
    }

    @Test
    void a_management_port_serves_health_and_metrics_on_127_0_0_1_and_the_slack_port_does_not() throws Exception {
        try (Main.Bot apart = TestBot.with(dir, slack).set(Config.QCON_DB, dir.resolve("apart.db").toString())
                .set(Config.QCON_MANAGEMENT_PORT, "0").start()) {
            assertTrue(apart.managementPort() > 0);
            assertEquals(200, call("GET", "127.0.0.1", apart.managementPort(), "/health").statusCode());
            assertTrue(call("GET", "127.0.0.1", apart.managementPort(), "/metrics").body().contains("jvm_memory_used_bytes"));
            assertEquals(404, call("POST", "127.0.0.1", apart.managementPort(), "/slack/events").statusCode());
            assertEquals(404, call("GET", "127.0.0.1", apart.port(), "/health").statusCode());
            assertEquals(404, call("GET", "127.0.0.1", apart.port(), "/metrics").statusCode());
            try (SlackRequests slackSide = new SlackRequests(apart.port())) {
                assertTrue(SlackRequests.decoded(slackSide.command("monzo")).contains("microservices at Monzo"));
            }
        }
    }

    @Test
    void the_bot_listens_only_on_the_address_it_is_given() throws Exception {
        try (Main.Bot bound = TestBot.with(dir, slack).set(Config.QCON_DB, dir.resolve("bound.db").toString())
                .set(Config.QCON_BIND, "127.0.0.2").start()) {
            assertEquals(200, call("GET", "127.0.0.2", bound.port(), "/health").statusCode());
            assertThrows(java.net.ConnectException.class, () -> call("GET", "127.0.0.1", bound.port(), "/health"));
        }
    }

    @Test
    void health_reports_the_database_notes_and_talk_of_the_day() throws Exception {
        String health = requests.get("/health").body();

        assertTrue(health.contains("\"status\":\"ok\"") && health.contains("\"talks\":20")
                && health.contains("\"talkOfTheDay\":{\"enabled\":false"), health);
        assertFalse(health.contains("xoxb-test"), "no token in what anyone can read");
    }

    @Test
    void every_metric_the_grafana_dashboard_charts_is_exported() throws Exception {
        command("monzo", "U0ANN");
        command("claim A1", "U0ANN");
        slack.await("auth.test", 1, FakeSlackApi.seconds(5));
        String metrics = requests.get("/metrics").body();

        String dashboard = Files.readString(Path.of("config/grafana-dashboard.json"));
        java.util.regex.Matcher names = java.util.regex.Pattern.compile("\\b((?:qcon|jvm|process)_[a-z_]+?)(?:_bucket|_count|_sum)?\\b[\\[{]").matcher(dashboard);
        int checked = 0;
        while (names.find()) {
            assertTrue(metrics.contains(names.group(1)), names.group(1) + " is charted but not exported");
            checked++;
        }
        assertTrue(checked >= 6, "found the dashboard's queries: " + checked);
    }
}
