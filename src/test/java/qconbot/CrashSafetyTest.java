package qconbot;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import qconbot.store.ActionItems;
import qconbot.store.Db;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A bot process is killed (SIGKILL) at a random moment while it writes claims, twenty times over one database
 * file. After every kill the file opens, passes SQLite's integrity check, and holds every change the bot had
 * acknowledged to Slack.
 */
class CrashSafetyTest {

    static final int ROUNDS = 20;

    @TempDir
    Path dir;

    @Test
    void every_acknowledged_change_survives_sigkill_and_the_file_stays_sound() throws Exception {
        Path db = dir.resolve("qcon.db");
        Random random = new Random(42);
        try (FakeSlackApi slack = new FakeSlackApi()) {
            for (int round = 0; round < ROUNDS; round++) {
                String user = String.format("U%02dCRASH", round);
                int port = freePort();
                Process bot = start(slack, db, port, round);
                List<String> acknowledged = new ArrayList<>();
                try (SlackRequests requests = new SlackRequests(port)) {
                    awaitHealthy(requests, bot);
                    AtomicBoolean killed = new AtomicBoolean();
                    long killAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100 + random.nextInt(600));
                    Thread killer = new Thread(() -> {
                        while (System.nanoTime() < killAt) {
                            Thread.onSpinWait();
                        }
                        bot.destroyForcibly(); // SIGKILL: no shutdown hook, no clean close
                        killed.set(true);
                    });
                    killer.start();
                    for (int i = 0; i < 10_000 && !killed.get(); i++) {
                        String verb = i % 2 == 0 ? "claim" : "unclaim";
                        try {
                            HttpResponse<String> response = requests.command(verb + " A" + (1 + round % 7), user, slack.responseUrl("r"));
                            if (response.statusCode() == 200 && SlackRequests.decoded(response).contains("You " + verb + "ed")) {
                                acknowledged.add(verb);
                            }
                        } catch (IOException connectionGone) {
                            break;
                        }
                    }
                    killer.join(5_000);
                }
                assertTrue(bot.waitFor(10, TimeUnit.SECONDS));

                try (Db reopened = Db.open(db)) {
                    assertEquals("ok", integrity(reopened), "round " + round);
                    ActionItems items = new ActionItems(reopened, Clock.systemUTC(), Set.of());
                    long recorded = items.history(1 + round % 7).stream().filter(change -> change.actor().equals(user)).count();
                    System.out.println("crash round " + round + ": " + acknowledged.size() + " changes acknowledged, "
                            + recorded + " recorded, integrity ok");
                    assertTrue(recorded == acknowledged.size() || recorded == acknowledged.size() + 1,
                            "round " + round + ": " + acknowledged.size() + " acknowledged, " + recorded
                                    + " recorded (one more is fine: committed, then killed before the answer went out)");
                }
            }
        }
    }

    private Process start(FakeSlackApi slack, Path db, int port, int round) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), "qconbot.Main");
        builder.environment().clear();
        builder.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        builder.environment().put(Config.QCON_CONFIG, Files.writeString(dir.resolve("empty.env"), "").toString());
        builder.environment().put("SLACK_BOT_TOKEN", "xoxb-crash");
        builder.environment().put("SLACK_SIGNING_SECRET", SlackRequests.SECRET);
        builder.environment().put("SLACK_API_URL", slack.apiUrl());
        builder.environment().put("PORT", String.valueOf(port));
        builder.environment().put("QCON_DB", db.toString());
        return builder.redirectErrorStream(true).redirectOutput(dir.resolve("bot-" + round + ".log").toFile()).start();
    }

    private static String integrity(Db db) throws Exception {
        return db.read(connection -> {
            try (PreparedStatement check = connection.prepareStatement("PRAGMA integrity_check");
                 ResultSet rows = check.executeQuery()) {
                rows.next();
                return rows.getString(1);
            }
        });
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void awaitHealthy(SlackRequests requests, Process process) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                fail("the bot exited with " + process.exitValue());
            }
            try {
                if (requests.get("/health").statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        fail("no healthy bot within 60 s");
    }
}
