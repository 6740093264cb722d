package qconbot;

import qconbot.commands.Console;
import qconbot.commands.Interpreter;
import qconbot.slack.SlackCalls;
import qconbot.store.ActionItems;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Starts the real bot for a test: a free port, the test's fake Slack, a database in the test's folder, and settings
 * given by name as an operator gives them (through {@link Config#load}), never by position:
 * <pre>
 *   Main.Bot bot = TestBot.with(dir, slack).start();
 *   Main.Bot bot = TestBot.with(dir, slack).set(Config.QCON_DIGEST_CHANNEL, "C0DIGEST").clock(clock)
 *           .dailyRetries(Duration.ofMillis(100), Duration.ofSeconds(2), Duration.ofSeconds(30)).start();
 * </pre>
 */
public final class TestBot {

    /**
     * The notes the tests are written against: a copy of the QCon notes frozen for the tests, so that editing the
     * shipped config/notes changes no count a test pins.
     */
    public static final Path NOTES = Path.of("src/test/resources/fixture-notes");
    public static final String TOKEN = "xoxb-test-token";
    public static final String ADMIN = "U0ADMIN";

    private final Map<String, String> settings = new HashMap<>();
    private Clock clock = Clock.systemUTC();
    private SlackCalls.Policy dailyRetries;

    private TestBot(Path dir, FakeSlackApi slack) throws IOException {
        Path noConfigFile = dir.resolve("empty.env");
        if (Files.notExists(noConfigFile)) {
            Files.writeString(noConfigFile, "");
        }
        settings.put(Config.QCON_CONFIG, noConfigFile.toString()); // a developer's config/qcon.env stays out
        settings.put(Config.SLACK_BOT_TOKEN, TOKEN);
        settings.put(Config.SLACK_SIGNING_SECRET, SlackRequests.SECRET);
        settings.put(Config.SLACK_API_URL, slack.apiUrl());
        settings.put(Config.PORT, "0");
        settings.put(Config.QCON_DB, dir.resolve("qcon.db").toString());
        settings.put(Config.QCON_NOTES, NOTES.toString());
        settings.put(Config.QCON_ADMINS, ADMIN);
        // words only, so that an answer does not depend on whether the model has finished; SemanticSearchTest sets on
        settings.put(Config.QCON_SEMANTIC, "off");
    }

    public static TestBot with(Path dir, FakeSlackApi slack) throws IOException {
        return new TestBot(dir, slack);
    }

    /** A setting by its variable's name; null removes it. */
    public TestBot set(String name, String value) {
        if (value == null) {
            settings.remove(name);
        } else {
            settings.put(name, value);
        }
        return this;
    }

    public TestBot clock(Clock clock) {
        this.clock = clock;
        return this;
    }

    /** Fast retries for the talk of the day, so a test of several failures takes seconds. */
    public TestBot dailyRetries(Duration firstWait, Duration maxWait, Duration giveUpAfter) {
        this.dailyRetries = new SlackCalls.Policy("talk_of_the_day", firstWait, maxWait, giveUpAfter, 0,
                SlackCalls.MaybeDone.CHECK_FIRST);
        return this;
    }

    public Config config() {
        return Config.load(settings);
    }

    public Main.Bot start() throws Exception {
        return Main.start(config(), clock, dailyRetries);
    }

    /** The bot as {@code java -jar qcon-bot.jar console} wires it (no Slack), on a database in {@code dir}. */
    public static Offline offline(Path dir) throws Exception {
        return offline(dir, Duration.ofSeconds(2));
    }

    /** The same, with slow work (a reload) answered later once it has taken {@code answerWithin}. */
    public static Offline offline(Path dir, Duration answerWithin) throws Exception {
        Config config = Config.loadForConsole(Map.of(Config.QCON_CONFIG, Files.writeString(dir.resolve("empty.env"), "").toString(),
                Config.QCON_DB, dir.resolve("console.db").toString(), Config.QCON_NOTES, NOTES.toString(),
                Config.QCON_ADMINS, ADMIN, Config.QCON_SEMANTIC, "off"));
        Main.Core core = Main.Core.open(config, Clock.systemUTC());
        return new Offline(Main.offline(core, config, Clock.systemUTC(), answerWithin), core);
    }

    /** The interpreter without Slack, its action items, and the database under them, closed together. */
    public static final class Offline implements AutoCloseable {
        public final Interpreter interpreter;
        public final Console console;
        public final ActionItems items;
        private final Main.Core core;

        Offline(Interpreter interpreter, Main.Core core) {
            this.interpreter = interpreter;
            this.console = new Console(interpreter);
            this.items = core.items();
            this.core = core;
        }

        @Override
        public void close() {
            core.close();
        }
    }
}
