package qconbot;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The bot as its own process, for what only a process shows: the locale, start-up failures, exit codes. */
class BotProcessTest {

    @TempDir
    Path dir;

    private ProcessBuilder bot(Map<String, String> env, String... args) throws IOException {
        return ChildBot.command(dir, env, args);
    }

    @Test
    void missing_configuration_exits_non_zero_with_one_line_saying_what_to_set() throws Exception {
        Process process = bot(Map.of()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "exits by itself");
        String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();

        assertEquals(2, process.exitValue());
        assertTrue(stderr.startsWith("qcon-bot: Set SLACK_BOT_TOKEN"), stderr);
        assertEquals(1, stderr.lines().count(), "one line, no stack trace: " + stderr);
    }

    @Test
    void notes_that_do_not_exist_stop_start_up_with_a_clear_message() throws Exception {
        Process process = bot(Map.of("QCON_NOTES", dir.resolve("nowhere").toString(), "QCON_DB", dir.resolve("x.db").toString()),
                "console").redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        process.getOutputStream().close();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();

        assertEquals(2, process.exitValue());
        assertTrue(stderr.contains("QCON_NOTES") && stderr.contains("nowhere"), stderr);
    }

    @Test
    void a_postgresql_database_that_cannot_be_reached_stops_start_up_with_one_line() throws Exception {
        int closed = ChildBot.freePort();
        Path log = dir.resolve("unreachable.log");
        Process process = bot(Map.of("QCON_DB", "jdbc:postgresql://127.0.0.1:" + closed + "/qcon?password=in-url-secret",
                "QCON_DB_USER", "qcon", "QCON_DB_PASSWORD", "s3cret-not-logged"), "console")
                .redirectOutput(log.toFile()).start();
        process.getOutputStream().close();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();

        assertEquals(2, process.exitValue());
        assertTrue(stderr.startsWith("qcon-bot: Cannot open the database Postgres[jdbc:postgresql://127.0.0.1:" + closed)
                && stderr.contains("cannot be reached"), stderr);
        assertEquals(1, stderr.lines().count(), "one line, no stack trace: " + stderr);
        String everything = stderr + java.nio.file.Files.readString(log);
        assertTrue(!everything.contains("s3cret") && !everything.contains("in-url-secret"), "no password printed: " + everything);
    }

    @Test
    void backup_on_postgresql_says_to_use_pg_dump() throws Exception {
        Process process = bot(Map.of("QCON_DB", "jdbc:postgresql://127.0.0.1:5432/qcon"), "backup", "x.db")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();

        assertEquals(2, process.exitValue());
        assertTrue(stderr.contains("pg_dump") && stderr.contains("pg_restore"), stderr);
    }

    @Test
    void non_ascii_requests_pass_signature_checks_under_a_c_locale() throws Exception {
        assumeTrue(!System.getProperty("os.name").startsWith("Windows"));
        int port = ChildBot.freePort();
        try (FakeSlackApi slack = new FakeSlackApi()) {
            ProcessBuilder builder = bot(Map.of(
                    "LANG", "C", "LC_ALL", "C",
                    "SLACK_BOT_TOKEN", "xoxb-test", "SLACK_SIGNING_SECRET", SlackRequests.SECRET,
                    "SLACK_API_URL", slack.apiUrl(), "PORT", String.valueOf(port),
                    "QCON_DB", dir.resolve("lang-c.db").toString()));
            Process process = builder.redirectErrorStream(true).redirectOutput(dir.resolve("bot.log").toFile()).start();
            try (SlackRequests requests = new SlackRequests(port)) {
                awaitHealthy(requests, process);
                // Slack sends events as raw UTF-8 JSON; Bolt's own check would hash it as ASCII under LANG=C.
                HttpResponse<String> event = requests.json("{\"type\":\"url_verification\",\"challenge\":\"café-☕\"}");
                assertEquals(200, event.statusCode(), Files.readString(dir.resolve("bot.log")));
                assertTrue(event.body().contains("caf"), event.body());

                HttpResponse<String> command = requests.command("café monzo");
                assertEquals(200, command.statusCode());
                assertTrue(command.body().contains("microservices at Monzo"), command.body());
            } finally {
                process.destroy();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void sigterm_stops_the_bot_cleanly_and_closes_the_database() throws Exception {
        int port = ChildBot.freePort();
        Path db = dir.resolve("sigterm.db");
        try (FakeSlackApi slack = new FakeSlackApi(); SlackRequests requests = new SlackRequests(port)) {
            Process process = bot(Map.of("SLACK_BOT_TOKEN", "xoxb-test", "SLACK_SIGNING_SECRET", SlackRequests.SECRET,
                    "SLACK_API_URL", slack.apiUrl(), "PORT", String.valueOf(port), "QCON_DB", db.toString()))
                    .redirectErrorStream(true).redirectOutput(dir.resolve("sigterm.log").toFile()).start();
            awaitHealthy(requests, process);
            assertEquals(200, requests.command("claim A1").statusCode());

            process.destroy(); // SIGTERM
            assertTrue(process.waitFor(15, TimeUnit.SECONDS), "stops within 15 s");
            assertTrue(process.exitValue() == 143 || process.exitValue() == 0, "exit " + process.exitValue());
        }
        assertTrue(Files.notExists(Path.of(db + "-wal")), "the database was closed (SQLite removes the WAL on a clean close)");
        try (qconbot.store.Db reopened = qconbot.store.Db.open(db)) {
            assertEquals("U0ALICE", new qconbot.store.ActionItems(reopened, java.time.Clock.systemUTC(), java.util.Set.of())
                    .get(1).orElseThrow().owner(), "the acknowledged claim is there");
        }
    }

    /** ONNX Runtime frees its native environment in a shutdown hook: the model must have stopped before it runs. */
    @Test
    void sigterm_while_the_model_is_loading_or_working_stops_cleanly() throws Exception {
        int port = ChildBot.freePort();
        Path db = dir.resolve("model.db");
        try (FakeSlackApi slack = new FakeSlackApi(); SlackRequests requests = new SlackRequests(port)) {
            Process process = bot(Map.of("SLACK_BOT_TOKEN", "xoxb-test", "SLACK_SIGNING_SECRET", SlackRequests.SECRET,
                    "SLACK_API_URL", slack.apiUrl(), "PORT", String.valueOf(port), "QCON_DB", db.toString(),
                    "QCON_SEMANTIC", "on"))
                    .redirectErrorStream(true).redirectOutput(dir.resolve("model.log").toFile()).start();
            awaitHealthy(requests, process);
            String state = "";
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!state.matches(".*\"state\":\"(computing)\".*") && System.nanoTime() < deadline) {
                state = requests.get("/health").body();
            }
            assertTrue(state.contains("\"state\":\"loading\"") || state.contains("\"state\":\"computing\""), state);

            process.destroy(); // SIGTERM while the model runs
            assertTrue(process.waitFor(20, TimeUnit.SECONDS), "stops within 20 s");
            // 143 from the SIGTERM handler, or 0 when the main thread ends first; never ONNX Runtime's crash (134)
            assertTrue(process.exitValue() == 143 || process.exitValue() == 0,
                    "exit " + process.exitValue() + ": " + Files.readString(dir.resolve("model.log")));
        }
        assertTrue(Files.notExists(Path.of(db + "-wal")), "the database was closed");
    }

    private static void awaitHealthy(SlackRequests requests, Process process) throws Exception {
        ChildBot.awaitHealthy(requests, process);
    }
}
