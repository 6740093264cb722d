package qconbot;

import com.slack.api.Slack;
import com.slack.api.bolt.App;
import com.slack.api.methods.MethodsClient;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.impl.StdSchedulerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import qconbot.commands.Console;
import qconbot.commands.Daily;
import qconbot.commands.Interpreter;
import qconbot.metrics.Metrics;
import qconbot.schedule.TalkOfTheDay;
import qconbot.search.Embedder;
import qconbot.search.Meaning;
import qconbot.search.TalkSearch;
import qconbot.slack.AfterAck;
import qconbot.slack.Announcer;
import qconbot.slack.BoltHttpServer;
import qconbot.slack.SlackApp;
import qconbot.slack.SlackCalls;
import qconbot.slack.SlackFiles;
import qconbot.slack.SlackHandlers;
import qconbot.store.ActionItems;
import qconbot.store.Added;
import qconbot.store.DailyPosts;
import qconbot.store.Db;
import qconbot.store.Digests;
import qconbot.store.NotesLoader;
import qconbot.store.Questions;
import qconbot.store.Talks;
import qconbot.store.Vectors;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Wiring only: reads the settings, builds the bot once, runs it in the mode asked for (serve Slack over HTTP or
 * Socket Mode, the local console, a backup), and turns a failure to start into one line and exit code 2.
 */
public final class Main {

    // Before the logger below: it configures logback (about a quarter of a second), and this work overlaps it.
    static {
        Thread warmUp = new Thread(Main::warmUpJdk, "warm-up-jdk");
        warmUp.setDaemon(true);
        warmUp.start();
    }

    private static final Logger log = LoggerFactory.getLogger(Main.class);
    /** Slow work (a large reload) holds a Slack request at most this long, then is answered when done. */
    static final Duration ANSWER_WITHIN = Duration.ofSeconds(2);

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
                    AtomicBoolean closing = new AtomicBoolean();
                    Runnable stop = () -> {
                        if (closing.compareAndSet(false, true)) {
                            bot.close();
                        }
                        stopped.countDown();
                    };
                    Runtime.getRuntime().addShutdownHook(new Thread(stop, "shutdown"));
                    stopOnSignals(stop);
                    stopped.await();
                }
                case "console" -> console(Config.loadForConsole(System.getenv()));
                case "backup" -> Tools.backup(Config.loadForConsole(System.getenv()), args);
                case "export" -> Tools.export(Config.loadForConsole(System.getenv()), args);
                case "migrate-db" -> Tools.migrateDb(Config.loadForConsole(System.getenv()), args);
                default -> {
                    System.err.println("qcon-bot: unknown command \"" + mode + "\". Use no argument to serve Slack,"
                            + " `console` to try it locally, `backup FILE` to copy the database, `export DIR` to"
                            + " write the notes with what was added in Slack, or `migrate-db --to jdbc:postgresql://…`"
                            + " to move the SQLite database to PostgreSQL.");
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

    /** What every mode shares: the database, the notes read into it, the search, and the stores built on them. */
    record Core(Db db, Talks talks, TalkSearch search, NotesLoader notes, ActionItems items, Digests digests,
                DailyPosts posts, Metrics metrics, Added added, Meaning meaning, Questions questions) implements AutoCloseable {

        static Core open(Config config, Clock clock) throws StartupFailure {
            return open(config, clock, Metrics::new);
        }

        /** @param metrics asked for last, so that they may still be in the making when the database is opened */
        static Core open(Config config, Clock clock, Supplier<Metrics> metrics) throws StartupFailure {
            Db db = openDb(config);
            try {
                Talks talks = new Talks(db, db.searchIndex());
                Added added = new Added(db, clock, config.editors());
                NotesLoader notes = new NotesLoader(config.notes(), talks, added);
                notes.loadAtStart();
                // The model loads and the points' vectors are worked out in the background: once the bot answers
                // (start), after each load of the notes (here), and for each talk changed in place.
                Meaning meaning = config.semantic() ? new Meaning(new Vectors(db), Embedder::load, talks::agenda)
                        : Meaning.off();
                TalkSearch search = new TalkSearch(talks.index(), talks, meaning);
                notes.afterEachLoad(() -> {
                    search.refresh();
                    meaning.everything();
                });
                notes.afterTalkChange(change -> {
                    search.changed(change);
                    meaning.changed(change);
                });
                ActionItems items = new ActionItems(db, clock, config.admins());
                return new Core(db, talks, search, notes, items, new Digests(db, items, clock, config.staleDays()),
                        new DailyPosts(db, talks, clock), metrics.get(), added, meaning, new Questions(db, clock));
            } catch (NotesLoader.Refused | SQLException e) {
                closeQuietly(db);
                throw new StartupFailure(e instanceof NotesLoader.Refused ? e.getMessage()
                        : "Cannot read the notes back from " + config.database() + ": " + e.getMessage(), e);
            }
        }

        /** The database QCON_DB names: an SQLite file, or a PostgreSQL URL. */
        private static Db openDb(Config config) throws StartupFailure {
            try {
                return config.postgres() == null ? Db.open(config.db())
                        : Db.openPostgres(config.postgres().url(), config.postgres().user(), config.postgres().password());
            } catch (SQLException e) {
                throw new StartupFailure("Cannot open the database " + config.database() + " (QCON_DB): " + e.getMessage(), e);
            }
        }

        Interpreter interpreter(Daily daily, Duration answerWithin, Config config) {
            return new Interpreter(talks, search, items, digests, daily, notes, metrics, answerWithin, added,
                    config.importMaxBytes(), questions, config.questionsChannel());
        }

        /** Closes the database, and with it this bot's own search index. */
        @Override
        public void close() {
            meaning.close();
            closeQuietly(db);
        }
    }

    /** The running bot; {@link #close} stops taking requests, ends Slack retries, then closes the database. */
    public record Bot(BoltHttpServer http, SlackApp.SocketMode socketMode, Scheduler quartz, SlackCalls calls, Core core,
                      List<AfterAck> afterAck, ScheduledExecutorService background)
            implements AutoCloseable {

        public int port() {
            return http.port();
        }

        /** The same bot with its scheduler, which starts last. */
        Bot withQuartz(Scheduler scheduler) {
            return new Bot(http, socketMode, scheduler, calls, core, afterAck, background);
        }

        /** Where /health and /metrics are served when QCON_MANAGEMENT_PORT is set; -1 otherwise. */
        public int managementPort() {
            return http.managementPort();
        }

        @Override
        public void close() {
            http.close();
            if (socketMode != null) {
                socketMode.close();
            }
            // What was acknowledged gets up to 5 s to reach Slack; what does not is logged by name.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            afterAck.forEach(AfterAck::stop);
            afterAck.forEach(pool -> pool.finish(deadline));
            calls.stop(); // a talk of the day waiting to retry stays pending, for the next start
            try {
                if (quartz != null) {
                    quartz.shutdown(true);
                }
            } catch (SchedulerException e) {
                log.warn("Quartz did not stop cleanly: {}", e.toString());
            }
            background.shutdownNow(); // only retry loops and housekeeping run there
            core.close();
        }
    }

    /**
     * SIGTERM and SIGINT stop the bot, then exit. ONNX Runtime frees its native environment in a shutdown hook of its
     * own, which runs alongside ours: the model running then (a vector being worked out, a question embedded) would
     * crash the JVM. So the bot, the model's thread included, is stopped before the JVM starts shutting down.
     */
    @SuppressWarnings("sunapi")
    private static void stopOnSignals(Runnable stop) {
        for (String name : List.of("TERM", "INT")) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> {
                    stop.run();
                    System.exit(128 + signal.getNumber());
                });
            } catch (IllegalArgumentException e) {
                log.warn("Cannot handle SIG{} ({}); the shutdown hook stops the bot", name, e.getMessage());
            }
        }
    }

    public static Bot start(Config config) throws StartupFailure {
        return start(config, Clock.systemUTC(), null);
    }

    /**
     * With a clock, and how the talk of the day retries (null: {@link TalkOfTheDay.Settings#of}), for tests. What
     * needs nothing else starts first, each on a thread of its own: the database and the notes, the scheduler, Jetty's
     * classes. Slack's client and Bolt are built here meanwhile, so start-up takes the longest of these, not their sum.
     */
    public static Bot start(Config config, Clock clock, SlackCalls.Policy dailyRetries) throws StartupFailure {
        log.info("Starting qcon-bot: {}", config);
        BoltHttpServer.loadClassesInBackground();
        CompletableFuture<Metrics> metrics = new CompletableFuture<>();
        CompletableFuture<Core> opening = onThread("open-database", () -> Core.open(config, clock, metrics::join));
        CompletableFuture<Scheduler> quartz = onThread("make-scheduler", Main::newQuartz);
        Slack slack;
        SlackApp.BotIdentity identity;
        App app;
        try {
            metrics.complete(new Metrics());
            slack = SlackApp.slack(config.slackApiUrl(), config.slackTimeout(), metrics.join());
            identity = new SlackApp.BotIdentity(config.botToken(), slack);
            app = SlackApp.create(config.botToken(), config.signingSecret(), slack, identity, metrics.join());
        } catch (RuntimeException e) {
            metrics.completeExceptionally(e);
            opening.thenAccept(Core::close);
            throw e;
        }
        try {
            return serve(config, clock, dailyRetries, await(opening), slack, identity, app, quartz);
        } catch (StartupFailure | RuntimeException e) {
            quartz.thenAccept(Main::shutdownQuietly);
            throw e;
        }
    }

    /** Builds the parts that need the database, then starts serving: HTTP (or Socket Mode), then the scheduler. */
    private static Bot serve(Config config, Clock clock, SlackCalls.Policy dailyRetries, Core core, Slack slack,
                             SlackApp.BotIdentity identity, App app, CompletableFuture<Scheduler> quartz)
            throws StartupFailure {
        // After the ack: answers apart from announcements, so a slow DM never delays an answer.
        AfterAck responses = new AfterAck("responses", 4, 1000);
        AfterAck announcements = new AfterAck("announcements", 4, 1000);
        ScheduledExecutorService background = background(core);
        MethodsClient methods = slack.methods(config.botToken());
        SlackCalls calls = new SlackCalls(core.metrics());
        Announcer announcer = new Announcer(methods, calls);
        TalkOfTheDay.Settings daily = TalkOfTheDay.Settings.of(config.digestChannel(), config.schedule());
        TalkOfTheDay talkOfTheDay = new TalkOfTheDay(dailyRetries == null ? daily
                : new TalkOfTheDay.Settings(daily.channel(), daily.schedule(), dailyRetries),
                core.posts(), core.digests(), core.talks(), methods, calls, announcer, clock, core.metrics());
        new SlackHandlers(core.interpreter(talkOfTheDay, ANSWER_WITHIN, config), announcer, calls,
                responses, announcements, new SlackFiles(config.botToken(), config.slackApiUrl(), config.slackTimeout()))
                .register(app);
        app.start();
        identity.warmUp(calls, background);
        SlackApp.SocketMode socketMode = socketMode(config, app);
        BoltHttpServer server = listen(config, app, () -> Health.check(core.db(), core.talks(), core.notes(), core.meaning(), identity,
                talkOfTheDay, socketMode == null ? () -> null : socketMode::state), core.metrics());
        if (socketMode != null) {
            socketMode.connect(calls, background);
        }
        log.info("qcon-bot is up: {} on {} port {}{}", config.socketMode() ? "Socket Mode, /health" : "POST /slack/events",
                config.bind().getHostAddress(), server.port(),
                server.managementPort() < 0 ? "" : "; /health and /metrics on 127.0.0.1 port " + server.managementPort());
        Bot bot = new Bot(server, socketMode, null, calls, core, List.of(responses, announcements), background);
        try {
            bot = bot.withQuartz(startQuartz(await(quartz), talkOfTheDay));
            core.meaning().everything(); // the model loads and the vectors are worked out once the bot answers
            return bot;
        } catch (StartupFailure e) {
            bot.close();
            throw e;
        }
    }

    /** A part of start-up that needs nothing else, on a thread of its own; {@link #await} takes its result. */
    private static <T> CompletableFuture<T> onThread(String name, Callable<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                result.complete(work.call());
            } catch (Exception | Error e) {
                result.completeExceptionally(e);
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
        return result;
    }

    /** The result of {@link #onThread}; its StartupFailure, or its other failure as one. */
    private static <T> T await(CompletableFuture<T> part) throws StartupFailure {
        try {
            return part.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof StartupFailure failure) {
                throw failure;
            }
            throw e.getCause() instanceof RuntimeException runtime ? runtime : e;
        }
    }

    /** Retry loops (auth.test, Socket Mode) and housekeeping: one thread each, so none waits behind another. */
    private static ScheduledExecutorService background(Core core) {
        ScheduledExecutorService background = Executors.newScheduledThreadPool(3, named("background"));
        background.scheduleAtFixedRate(() -> forgetOldRequests(core.items()), 0, 6, TimeUnit.HOURS);
        // What other replicas changed (a reload, a point added, an import) is answered here within FOLLOW; a bot alone
        // on its database has nobody to follow, and the call returns at once.
        background.scheduleWithFixedDelay(() -> followOthers(core.notes()), FOLLOW.toMillis(), FOLLOW.toMillis(),
                TimeUnit.MILLISECONDS);
        return background;
    }

    private static SlackApp.SocketMode socketMode(Config config, App app) throws StartupFailure {
        if (!config.socketMode()) {
            return null;
        }
        try {
            return new SlackApp.SocketMode(config.appToken(), app);
        } catch (IOException e) {
            throw new StartupFailure("Cannot set up Socket Mode: " + e.getMessage(), e);
        }
    }

    private static BoltHttpServer listen(Config config, App app, Supplier<BoltHttpServer.Health> health,
                                         Metrics metrics) throws StartupFailure {
        try {
            String secret = config.signingSecret() != null ? config.signingSecret() : UUID.randomUUID().toString();
            InetSocketAddress management = config.managementPort() == null ? null
                    : new InetSocketAddress(InetAddress.getLoopbackAddress(), config.managementPort());
            return new BoltHttpServer(app, secret, new InetSocketAddress(config.bind(), config.port()), management,
                    BoltHttpServer.Limits.standard(), health, metrics::scrape).start();
        } catch (IOException e) {
            throw new StartupFailure("Cannot listen on " + config.bind().getHostAddress() + " port " + config.port()
                    + (config.managementPort() == null ? "" : " or 127.0.0.1 port " + config.managementPort())
                    + ": " + e.getMessage() + ". Set PORT (and QCON_MANAGEMENT_PORT) to free ports.", e);
        }
    }

    /** How often a replica looks whether another changed the talks: one indexed read of one row. */
    static final Duration FOLLOW = Duration.ofSeconds(2);

    private static void followOthers(NotesLoader notes) {
        try {
            notes.followOthers();
        } catch (SQLException | RuntimeException e) {
            log.warn("Could not read the talks other replicas changed (will try again): {}", e.toString());
        }
    }

    /** Slack retries an event for minutes at most; two days of handled ids is plenty, and keeps the table small. */
    private static void forgetOldRequests(ActionItems items) {
        try {
            items.forgetHandledBefore(Instant.now().minus(Duration.ofDays(2)));
        } catch (SQLException e) {
            log.warn("Could not forget old handled requests: {}", e.toString());
        }
    }

    /** Quartz in memory, one thread, a name of its own (tests run several bots in one JVM); not started yet. */
    private static Scheduler newQuartz() throws StartupFailure {
        Properties properties = new Properties();
        properties.setProperty("org.quartz.scheduler.instanceName", "qcon-bot-" + UUID.randomUUID());
        properties.setProperty("org.quartz.threadPool.threadCount", "1");
        properties.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
        properties.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        properties.setProperty("org.quartz.threadPool.makeThreadsDaemons", "true");
        try {
            return new StdSchedulerFactory(properties).getScheduler();
        } catch (SchedulerException e) {
            throw new StartupFailure("Cannot start the scheduler: " + e.getMessage(), e);
        }
    }

    private static void shutdownQuietly(Scheduler scheduler) {
        try {
            scheduler.shutdown(false);
        } catch (SchedulerException e) {
            log.warn("Quartz did not stop cleanly: {}", e.toString());
        }
    }

    private static Scheduler startQuartz(Scheduler scheduler, TalkOfTheDay talkOfTheDay) throws StartupFailure {
        try {
            talkOfTheDay.start(scheduler);
            scheduler.start();
            return scheduler;
        } catch (SchedulerException e) {
            throw new StartupFailure("Cannot start the scheduler: " + e.getMessage(), e);
        }
    }

    /** The same bot without Slack: commands typed in the terminal, as the user "console". Nothing is posted. */
    static void console(Config config) throws StartupFailure {
        Clock clock = Clock.systemUTC();
        try (Core core = Core.open(config, clock)) {
            PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
            new Console(offline(core, config, clock, Duration.ofDays(1)), dir -> Tools.export(core, config, dir)).run(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)), out);
        } catch (IOException e) {
            throw new StartupFailure("Console failed: " + e.getMessage(), e);
        }
    }

    /** The bot without Slack: the talk of the day has no channel, so today and digest preview the rotation. */
    static Interpreter offline(Core core, Config config, Clock clock, Duration answerWithin) {
        TalkOfTheDay daily = new TalkOfTheDay(TalkOfTheDay.Settings.of(null, config.schedule()), core.posts(),
                core.digests(), core.talks(), null, null, null, clock, core.metrics());
        return core.interpreter(daily, answerWithin, config);
    }

    private static void closeQuietly(Db db) {
        try {
            db.close();
        } catch (SQLException e) {
            log.warn("Database did not close cleanly: {}", e.toString());
        }
    }

    /**
     * What the JDK makes slowly and the bot needs soon: the default TLS context with the trusted certificates read
     * (Slack's HTTP client makes its own from them at once) and the platform MBean server (the JVM metrics). Neither
     * logs through SLF4J, so both may run before logback is set up. A failure here is met again, and reported, where
     * the thing is needed.
     */
    private static void warmUpJdk() {
        try {
            SSLContext.getDefault();
            TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm()).init((KeyStore) null);
            ManagementFactory.getPlatformMBeanServer();
        } catch (GeneralSecurityException | RuntimeException notNow) {
            // made again where it is needed, which fails with its own message
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
