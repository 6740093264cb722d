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
import java.util.Map;
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
        int total = 0;
        try (FakeSlackApi slack = new FakeSlackApi()) {
            for (int round = 0; round < ROUNDS; round++) {
                String user = String.format("U%02dCRASH", round);
                int port = ChildBot.freePort();
                Process bot = start(slack, db, port, round);
                List<String> acknowledged = new ArrayList<>();
                try (SlackRequests requests = new SlackRequests(port)) {
                    ChildBot.awaitHealthy(requests, bot);
                    for (int warm = 0; warm < 3; warm++) {
                        requests.command("actions", user, slack.responseUrl("w")); // load the classes, so writes start at once
                    }
                    // Kill after a random number of acknowledged writes, a random few milliseconds into the next
                    // one: counted rather than timed, so a slow machine cannot make every kill land before any write.
                    AtomicBoolean killed = new AtomicBoolean();
                    int killAfter = 1 + random.nextInt(8);
                    int killDelayMillis = random.nextInt(40);
                    Thread killer = new Thread(() -> {
                        try {
                            Thread.sleep(killDelayMillis);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        bot.destroyForcibly(); // SIGKILL: no shutdown hook, no clean close
                        killed.set(true);
                    });
                    for (int i = 0; i < 10_000 && !killed.get(); i++) {
                        String verb = i % 2 == 0 ? "claim" : "unclaim";
                        try {
                            HttpResponse<String> response = requests.command(verb + " A" + (1 + round % 7), user, slack.responseUrl("r"));
                            if (response.statusCode() == 200 && SlackRequests.decoded(response).contains("You " + verb + "ed")) {
                                acknowledged.add(verb);
                                if (acknowledged.size() == killAfter) {
                                    killer.start();
                                }
                            }
                        } catch (IOException connectionGone) {
                            break;
                        }
                    }
                    if (killer.isAlive() || killed.get()) {
                        killer.join(5_000);
                    } else {
                        bot.destroyForcibly();
                    }
                }
                assertTrue(bot.waitFor(10, TimeUnit.SECONDS));
                total += acknowledged.size();

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
        assertTrue(total >= ROUNDS, "every kill landed while the bot was writing: " + total + " changes acknowledged in all");
    }

    private Process start(FakeSlackApi slack, Path db, int port, int round) throws IOException {
        return ChildBot.command(dir, Map.of("SLACK_BOT_TOKEN", "xoxb-crash", "SLACK_SIGNING_SECRET", SlackRequests.SECRET,
                        "SLACK_API_URL", slack.apiUrl(), "PORT", String.valueOf(port), "QCON_DB", db.toString()))
                .redirectErrorStream(true).redirectOutput(dir.resolve("bot-" + round + ".log").toFile()).start();
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
}
