package qconbot;

import com.slack.api.Slack;
import com.slack.api.bolt.App;
import com.slack.api.methods.MethodsClient;
import com.slack.api.bolt.socket_mode.SocketModeApp;
import com.slack.api.socket_mode.SocketModeClient;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.impl.StdSchedulerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import qconbot.notes.Notes;
import qconbot.notes.NotesParser;
import qconbot.schedule.TalkOfTheDay;
import qconbot.search.TalkSearch;
import qconbot.slack.Announcer;
import qconbot.slack.BoltHttpServer;
import qconbot.slack.Commands;
import qconbot.slack.Console;
import qconbot.slack.Metrics;
import qconbot.slack.SlackApp;
import qconbot.slack.SlackHandlers;
import qconbot.store.ActionItems;
import qconbot.store.DailyPosts;
import qconbot.store.Digests;
import qconbot.store.Db;
import qconbot.store.Talks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/** Wiring only: config, database, notes, search, then Slack (HTTP or Socket Mode) or the local console. */
public final class Main {

    private static final Logger log = LoggerFactory.getLogger(Main.class);

    /** A problem that stops start-up, told in one sentence. */
    static final class StartupFailure extends Exception {
        StartupFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    public static void main(String[] args) {
        String mode = args.length == 0 ? "serve" : args[0];
        try {
            switch (mode) {
                case "serve" -> {
                    Bot bot = start(Config.load(System.getenv()));
                    CountDownLatch stopped = new CountDownLatch(1);
                    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                        bot.close();
                        stopped.countDown();
                    }, "shutdown"));
                    stopped.await();
                }
                case "console" -> console(Config.loadForConsole(System.getenv()));
                case "backup" -> backup(Config.loadForConsole(System.getenv()), args);
                default -> {
                    System.err.println("qcon-bot: unknown command \"" + mode + "\". Use no argument to serve Slack,"
                            + " `console` to try it locally, or `backup FILE` to copy the database.");
                    System.exit(2);
                }
            }
        } catch (Config.Invalid | StartupFailure e) {
            System.err.println("qcon-bot: " + e.getMessage());
            System.exit(2);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The running bot; {@link #close} stops taking requests, then closes the database. */
    public record Bot(BoltHttpServer http, SocketModeApp socketMode, Scheduler quartz, TalkOfTheDay talkOfTheDay,
                      Db db, List<ExecutorService> executors, ScheduledExecutorService background)
            implements AutoCloseable {

        public int port() {
            return http.port();
        }

        @Override
        public void close() {
            http.close();
            if (socketMode != null) {
                SocketModeClient client = socketMode.getClient();
                try {
                    socketMode.close();
                    if (client != null) {
                        // SocketModeApp.close() leaves the client's reconnect monitor running: it would keep
                        // calling apps.connections.open after we are gone.
                        client.close();
                    }
                } catch (Exception e) {
                    log.warn("Socket Mode did not close cleanly: {}", e.toString());
                }
            }
            talkOfTheDay.stop();
            try {
                quartz.shutdown(true); // a post being tried stops at its next wait and stays pending for the next start
            } catch (SchedulerException e) {
                log.warn("Quartz did not stop cleanly: {}", e.toString());
            }
            for (ExecutorService executor : executors) {
                executor.shutdown();
            }
            background.shutdownNow(); // only retry loops run there: stop their sleeps now
            for (ExecutorService executor : executors) {
                try {
                    executor.awaitTermination(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            try {
                db.close();
            } catch (SQLException e) {
                log.warn("Database did not close cleanly: {}", e.toString());
            }
        }
    }

    public static Bot start(Config config) throws StartupFailure {
        return start(config, Clock.systemUTC(), null);
    }

    /** With a clock, and retry settings for the talk of the day (null: the defaults), for tests. */
    public static Bot start(Config config, Clock clock, TalkOfTheDay.Settings daily) throws StartupFailure {
        log.info("Starting qcon-bot: {}", config);
        Db db = openDb(config);
        Talks talks = new Talks(db);
        TalkSearch search = loadNotes(config, db, talks);
        ExecutorService http = Executors.newFixedThreadPool(16, named("http"));
        ExecutorService afterAck = Executors.newFixedThreadPool(4, named("after-ack"));
        // Retry loops (auth.test, Socket Mode) and housekeeping: one thread each, so none waits behind another.
        ScheduledExecutorService background = Executors.newScheduledThreadPool(3, named("background"));

        ActionItems items = new ActionItems(db, clock, config.admins());
        Digests digests = new Digests(db, items, clock, config.staleDays());
        background.scheduleAtFixedRate(() -> forgetOldRequests(items), 0, 6, TimeUnit.HOURS);
        Metrics metrics = new Metrics();
        Slack slack = SlackApp.slack(config, metrics);
        MethodsClient methods = slack.methods(config.botToken());
        SlackApp.BotIdentity identity = new SlackApp.BotIdentity(config.botToken(), slack);
        App app = SlackApp.create(config, slack, identity, metrics);
        Announcer announcer = new Announcer(methods, items);
        TalkOfTheDay talkOfTheDay = new TalkOfTheDay(daily != null ? daily
                : TalkOfTheDay.Settings.of(config.digestChannel(), config.schedule(), config.staleDays()),
                new DailyPosts(db, talks, clock), digests, talks, methods, clock, metrics);
        Commands.Reloader reloader = () -> {
            String summary = syncNotes(config.notes(), talks);
            search.refresh();
            return summary;
        };
        new SlackHandlers(new Commands(talks, search, items, talkOfTheDay, reloader), items, announcer, talkOfTheDay,
                digests, metrics, afterAck).register(app);
        app.start();
        identity.warmUp(background);
        Scheduler quartz = startQuartz(talkOfTheDay);

        SocketModeApp socketMode = null;
        if (config.socketMode()) {
            try {
                socketMode = new SocketModeApp(config.appToken(), app, SocketModeClient.Backend.JavaWebSocket);
            } catch (IOException e) {
                throw new StartupFailure("Cannot set up Socket Mode: " + e.getMessage(), e);
            }
        }
        SocketModeApp socket = socketMode;
        Supplier<String> socketState = () -> socket == null ? null
                : socket.getClient() != null && socket.getClient().verifyConnection() ? "connected" : "not connected";
        BoltHttpServer server;
        try {
            String secret = config.signingSecret() != null ? config.signingSecret() : UUID.randomUUID().toString();
            server = new BoltHttpServer(app, secret, config.port(), http,
                    () -> Health.check(db, talks, identity, talkOfTheDay, socketState), metrics::scrape).start();
        } catch (IOException e) {
            throw new StartupFailure("Cannot listen on PORT " + config.port() + ": " + e.getMessage()
                    + ". Set PORT to a free port.", e);
        }
        if (socketMode != null) {
            connectInBackground(socketMode, background);
        }
        log.info("qcon-bot is up: {} on port {}", config.socketMode() ? "Socket Mode, /health" : "POST /slack/events",
                server.port());
        return new Bot(server, socketMode, quartz, talkOfTheDay, db, List.of(http, afterAck), background);
    }

    /** Slack retries an event for minutes at most; two days of handled ids is plenty, and keeps the table small. */
    private static void forgetOldRequests(ActionItems items) {
        try {
            items.forgetHandledBefore(Instant.now().minus(Duration.ofDays(2)));
        } catch (SQLException e) {
            log.warn("Could not forget old handled requests: {}", e.toString());
        }
    }

    /** Quartz in memory, one thread, a name of its own (tests run several bots in one JVM). */
    private static Scheduler startQuartz(TalkOfTheDay talkOfTheDay) throws StartupFailure {
        Properties properties = new Properties();
        properties.setProperty("org.quartz.scheduler.instanceName", "qcon-bot-" + UUID.randomUUID());
        properties.setProperty("org.quartz.threadPool.threadCount", "1");
        properties.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
        properties.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        properties.setProperty("org.quartz.threadPool.makeThreadsDaemons", "true");
        try {
            Scheduler scheduler = new StdSchedulerFactory(properties).getScheduler();
            talkOfTheDay.start(scheduler);
            scheduler.start();
            return scheduler;
        } catch (SchedulerException e) {
            throw new StartupFailure("Cannot start the scheduler: " + e.getMessage(), e);
        }
    }

    private static Db openDb(Config config) throws StartupFailure {
        try {
            return Db.open(config.db());
        } catch (SQLException e) {
            throw new StartupFailure("Cannot open the database " + config.db() + " (QCON_DB): " + e.getMessage(), e);
        }
    }

    /** Reads every notes file, makes the database match, and warns once per problem line. */
    private static TalkSearch loadNotes(Config config, Db db, Talks talks) throws StartupFailure {
        log.info("notes: {}", syncNotes(config.notes(), talks));
        try {
            return new TalkSearch(db, talks);
        } catch (SQLException e) {
            throw new StartupFailure("Cannot read the notes back from " + config.db() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads every notes file and makes the database match (ids, claims and threads are kept); at start-up and on
     * /qcon reload. Refuses notes with no talks at all, so a bad edit cannot empty the bot. Returns what it did.
     */
    static String syncNotes(Path notesPath, Talks talks) throws StartupFailure {
        List<Notes> notes;
        try {
            notes = NotesParser.readAll(notesPath);
        } catch (IOException e) {
            throw new StartupFailure("Cannot read the notes at " + notesPath + " (QCON_NOTES): " + e.getMessage(), e);
        }
        List<String> warnings = notes.stream().flatMap(file -> file.warnings().stream()).toList();
        warnings.forEach(warning -> log.warn("notes: {}", warning));
        if (notes.stream().allMatch(file -> file.talks().isEmpty())) {
            throw new StartupFailure("No talks found in " + notesPath + " (QCON_NOTES). Point it at a notes file"
                    + " or folder such as config/notes.", null);
        }
        try {
            Talks.SyncReport report = talks.sync(notes);
            return notes.size() + (notes.size() == 1 ? " file, " : " files, ") + report.talks() + " talks, "
                    + report.internalLines() + " action items"
                    + (report.talksGone() + report.internalLinesGone() > 0 ? " (" + report.talksGone() + " talks and "
                    + report.internalLinesGone() + " items no longer in the notes, kept)" : "")
                    + (warnings.isEmpty() ? "" : "; " + warnings.size() + (warnings.size() == 1 ? " warning" : " warnings")
                    + ", first: " + warnings.get(0));
        } catch (SQLException e) {
            throw new StartupFailure("Cannot store the notes: " + e.getMessage(), e);
        }
    }

    /** Socket Mode connects over the network; keep trying in the background so start-up never waits on Slack. */
    private static void connectInBackground(SocketModeApp socketMode, ExecutorService background) {
        background.execute(() -> {
            long delay = 1000;
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    socketMode.startAsync();
                    log.info("Socket Mode connecting (the SDK reconnects by itself from here on)");
                    return;
                } catch (Exception e) {
                    log.warn("Socket Mode could not connect ({}); trying again in {} s", e.getMessage(), delay / 1000);
                }
                try {
                    TimeUnit.MILLISECONDS.sleep(delay);
                } catch (InterruptedException e) {
                    return;
                }
                delay = Math.min(delay * 2, 60_000);
            }
        });
    }

    /** backup FILE: a consistent copy of QCON_DB, safe while the bot runs. */
    static void backup(Config config, String[] args) throws StartupFailure {
        if (args.length != 2) {
            throw new StartupFailure("Usage: java -jar qcon-bot.jar backup FILE (a new file; QCON_DB names the database)", null);
        }
        Path copy = Path.of(args[1]);
        try {
            Db.backup(config.db(), copy);
        } catch (SQLException e) {
            throw new StartupFailure("Backup failed: " + e.getMessage(), e);
        }
        System.out.println("Backed up " + config.db() + " to " + copy + " (integrity check ok). To restore: stop the bot,"
                + " then copy it over " + config.db() + " and delete any " + config.db() + "-wal and -shm files.");
    }

    static void console(Config config) throws StartupFailure {
        try (Db db = openDb(config)) {
            Talks talks = new Talks(db);
            TalkSearch search = loadNotes(config, db, talks);
            PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
            ActionItems items = new ActionItems(db, Clock.systemUTC(), config.admins());
            Digests digests = new Digests(db, items, Clock.systemUTC(), config.staleDays());
            // No channel in the console: today and digest preview the rotation; nothing is posted.
            TalkOfTheDay daily = new TalkOfTheDay(TalkOfTheDay.Settings.of(null, config.schedule(), config.staleDays()),
                    new DailyPosts(db, talks, Clock.systemUTC()), digests, talks, null, Clock.systemUTC(), new Metrics());
            Commands.Reloader reloader = () -> {
                String summary = syncNotes(config.notes(), talks);
                search.refresh();
                return summary;
            };
            new Console(new Commands(talks, search, items, daily, reloader), daily).run(
                    new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)), out);
        } catch (IOException | SQLException e) {
            throw new StartupFailure("Console failed: " + e.getMessage(), e);
        }
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
