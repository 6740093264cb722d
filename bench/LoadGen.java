import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * Open-model load generator for bench/run.sh: signed {@code /qcon} slash commands over HTTP/1.1 to 127.0.0.1 at a
 * fixed arrival rate. Request i is due at t0 + i/rate and is sent then whether or not earlier ones have answered;
 * its latency is measured from that due time, so a slow server (or a slow client) cannot hide behind a queue.
 * Plain Java 17, one file: {@code java bench/LoadGen.java MODE ...} or compiled.
 *
 * <pre>
 * run     --target NAME --port P --secret S [load options] [--csv FILE --startup-csv FILE] [--at-end CMD] -- COMMAND...
 *         starts COMMAND (environment inherited), times it to the first 200 from GET /health, sends the load,
 *         reads the target's CPU time (/proc/PID/stat, over the measured window only) and peak memory (VmHWM),
 *         runs the shell command CMD if given ({pid} is the target's), then stops the target (SIGTERM, then
 *         SIGKILL after 10 s).
 * startup --target NAME --port P [--startup-csv FILE] -- COMMAND...     start-up time only, then stop it.
 * load    --port P --secret S [--pid PID] [load options]                against a server that is already running.
 * summarize --csv LOAD.csv --startup-csv STARTUP.csv                  Markdown tables: medians (min-max), targets.
 *
 * load options: --rate 300 (requests/s) --warmup 10 (s, discarded) --duration 30 (s, measured) --timeout 5 (s)
 *               --seed 42 --run N --error-marker TEXT (a 200 whose body has TEXT counts as an error)
 *               --threads true (also the target's CPU per request by thread, from /proc/PID/task)
 *               --texts "a|b" (for experiments: texts drawn evenly from these instead of the realistic mix)
 *               --mix questions (texts drawn evenly from 16 questions, issue 12)
 *               --mix claims (claim and unclaim of A1..A7 by one user, issue 14)
 *               --slow N --idle M (issue 11: during the whole run, N connections trickle a request a byte a second,
 *               half its headers and half a body after whole headers, reconnecting when cut; M more connect and
 *               send nothing)
 * </pre>
 *
 * Everything goes to 127.0.0.1 and every wait is bounded. Errors: non-200 answers, timeouts, refused or broken
 * connections, and requests still unanswered when the run ends.
 */
public final class LoadGen {

    /** Queries as people type them: 60% real, 25% typos, 15% matching nothing. */
    static final List<String> REAL = List.of("monzo", "java containers", "micro frontends", "microservices",
            "quarkus", "delegation", "fraud detection", "tesla virtual power plant", "decomposing monoliths",
            "monitoring", "devops", "engineering culture", "debug your team", "keynote", "optimising time",
            "machine learning");
    static final List<String> TYPOS = List.of("quarkas", "delegaton", "monzzo", "microfrontends", "contaners",
            "monolths", "moniterring", "enginering culture");
    static final List<String> NO_MATCH = List.of("xyzzy plugh", "blockchain nft", "lorem ipsum dolor", "zzqv");
    /** --mix questions (issue 12): questions as people ask them, answered point by point. */
    static final List<String> QUESTIONS = List.of("what language does monzo use", "why did monzo pick cassandra",
            "what problem does quarkus solve", "what is CDS", "what did sam newman say about release trains",
            "what does monzo use for tracing", "which database does tesla use", "how big are monzo's services",
            "what is nemawashi", "how much memory does quarkus use", "what is the strangler pattern",
            "how should we measure delivery", "wich book did the day 2 keynote recomend",
            "what does tesla use for service communication", "what is heimdall", "who owns a service at monzo");

    /** --mix claims (issue 14): claim and unclaim of the seven items by one user, about half of them changes. */
    static final List<String> CLAIMS = java.util.stream.IntStream.rangeClosed(1, 7).boxed()
            .flatMap(i -> java.util.stream.Stream.of("claim A" + i, "unclaim A" + i)).toList();

    static final long CLK_TCK = Long.getLong("clk.tck", 100); // USER_HZ; `getconf CLK_TCK` is 100 on Linux

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            usage("no mode");
        }
        Options options = Options.parse(Arrays.copyOfRange(args, 1, args.length));
        switch (args[0]) {
            case "run" -> run(options, true);
            case "startup" -> run(options, false);
            case "load" -> {
                Result result = load(options, options.longOpt("pid", -1));
                System.out.println(result.summary(options.get("target", "server"), -1));
                appendCsv(options, result, -1);
            }
            case "summarize" -> summarize(options);
            default -> usage("unknown mode " + args[0]);
        }
        System.exit(0);
    }

    static void usage(String problem) {
        System.err.println("LoadGen: " + problem + ". Modes: run | startup | load (see the comment at the top of LoadGen.java)");
        System.exit(2);
    }

    // ---- target process: start, time to first /health 200, stop ------------------------------------------------

    static void run(Options options, boolean withLoad) throws Exception {
        if (options.command.isEmpty()) {
            usage("no command after --");
        }
        String target = options.get("target", "server");
        int port = options.intOpt("port", 0);
        Path log = Path.of(options.get("log", "/dev/null"));
        // Let this JVM's own start-up settle (JIT, class loading) so it does not compete with the target's.
        Thread.sleep(options.intOpt("settle-ms", 300));
        ProcessBuilder builder = new ProcessBuilder(options.command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        long started = System.nanoTime();
        Process process = builder.start();
        Thread killer = new Thread(() -> stop(process, 0));
        Runtime.getRuntime().addShutdownHook(killer);
        try {
            long startupNanos = waitForHealth(process, port, options.intOpt("startup-timeout", 60));
            double startupMs = startupNanos / 1e6;
            System.out.printf(Locale.ROOT, "%s: first 200 from /health after %.0f ms (pid %d)%n", target, startupMs, process.pid());
            appendStartupCsv(options, target, startupMs);
            if (withLoad) {
                Result result = load(options, process.pid());
                System.out.println(result.summary(target, startupMs));
                appendCsv(options, result, startupMs);
                atEnd(options.get("at-end", null), process.pid());
            }
        } finally {
            stop(process, 10);
            Runtime.getRuntime().removeShutdownHook(killer);
        }
    }

    /** Runs a shell command ({pid} replaced by the target's) while the target still runs, e.g. jcmd for a memory summary. */
    static void atEnd(String command, long pid) throws Exception {
        if (command == null) {
            return;
        }
        Process process = new ProcessBuilder("/bin/sh", "-c", command.replace("{pid}", String.valueOf(pid)))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.INHERIT).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    /** Nanoseconds from process start to the first 200 from GET /health; polls every 5 ms, for at most {@code limitSeconds}. */
    static long waitForHealth(Process process, int port, int limitSeconds) throws Exception {
        long started = System.nanoTime();
        long deadline = started + TimeUnit.SECONDS.toNanos(limitSeconds);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the target exited with status " + process.exitValue()
                        + " before /health answered 200 (see its log)");
            }
            if (healthOk(port)) {
                return System.nanoTime() - started;
            }
            Thread.sleep(5);
        }
        throw new IllegalStateException("no 200 from /health within " + limitSeconds + " s");
    }

    static boolean healthOk(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            socket.setSoTimeout(2000);
            socket.getOutputStream().write(("GET /health HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            String status = readLine(new BufferedInputStream(socket.getInputStream()));
            return status != null && status.startsWith("HTTP/1.") && status.length() >= 12 && status.startsWith("200", 9);
        } catch (IOException e) {
            return false;
        }
    }

    /** SIGTERM, then SIGKILL after {@code graceSeconds}; the same for anything it started. */
    static void stop(Process process, int graceSeconds) {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(graceSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        children.forEach(ProcessHandle::destroyForcibly);
    }

    // ---- the load ----------------------------------------------------------------------------------------------

    static final class Result {
        String startedAt;
        double rate;
        int warmupSeconds;
        int durationSeconds;
        int measured;
        long[] latencies; // nanoseconds, of the answered, error-free requests in the measured window
        int ok;
        Map<String, Integer> errors = new TreeMap<>();
        double cpuMsPerRequest = Double.NaN;
        double peakRssMb = Double.NaN;
        double clientCpuMsPerRequest;
        double maxSendLagMs;
        int connectionsOpened;
        String connectionNotes = "";
        String threadCpu;
        String load1;

        int errorCount() {
            return errors.values().stream().mapToInt(Integer::intValue).sum();
        }

        /** Nearest-rank percentile in ms, errors excluded (they are counted apart). */
        double percentileMs(double p) {
            if (latencies.length == 0) {
                return Double.NaN;
            }
            int rank = (int) Math.ceil(p / 100.0 * latencies.length);
            return latencies[Math.max(0, Math.min(latencies.length - 1, rank - 1))] / 1e6;
        }

        String errorKinds() {
            StringBuilder kinds = new StringBuilder();
            errors.forEach((kind, count) -> kinds.append(kinds.length() == 0 ? "" : " ").append(kind).append('=').append(count));
            return kinds.toString();
        }

        String summary(String target, double startupMs) {
            return (threadCpu == null ? "" : "CPU ms/request by thread (" + target + "): " + threadCpu + "\n")
                    + String.format(Locale.ROOT, "RESULT %-10s requests=%d ok=%d errors=%d%s p50=%.2fms p90=%.2fms p99=%.2fms"
                            + " max=%.2fms cpu/req=%.3fms peakRSS=%.0fMB startup=%.0fms | client cpu/req=%.3fms"
                            + " max send lag=%.2fms connections=%d (%s) load1=%s",
                    target, measured, ok, errorCount(), errors.isEmpty() ? "" : " (" + errorKinds() + ")",
                    percentileMs(50), percentileMs(90), percentileMs(99), percentileMs(100), cpuMsPerRequest, peakRssMb,
                    startupMs, clientCpuMsPerRequest, maxSendLagMs, connectionsOpened, connectionNotes, load1);
        }
    }

    static Result load(Options options, long pid) throws Exception {
        int port = options.intOpt("port", 0);
        String secret = options.get("secret", null);
        if (port <= 0 || secret == null) {
            usage("load needs --port and --secret");
        }
        double rate = Double.parseDouble(options.get("rate", "300"));
        int warmup = options.intOpt("warmup", 10);
        int duration = options.intOpt("duration", 30);
        int timeoutMs = options.intOpt("timeout", 5) * 1000;
        String marker = options.get("error-marker", null);
        int warmCount = (int) Math.round(warmup * rate);
        int total = warmCount + (int) Math.round(duration * rate);

        Client client = new Client(port, secret, timeoutMs, marker, options.get("path", "/slack/events"));
        Attack attack = new Attack(port, options.intOpt("slow", 0), options.intOpt("idle", 0));
        String[] texts = options.get("texts", null) != null
                ? uniform(total, options.get("texts", null).split("\\|"), options.longOpt("seed", 42))
                : "questions".equals(options.get("mix", null))
                ? uniform(total, QUESTIONS.toArray(String[]::new), options.longOpt("seed", 42))
                : "claims".equals(options.get("mix", null))
                ? uniform(total, CLAIMS.toArray(String[]::new), options.longOpt("seed", 42))
                : mix(total, options.longOpt("seed", 42));
        long[] latencies = new long[total];
        String[] outcomes = new String[total]; // null: still unanswered
        ThreadPoolExecutor workers = new ThreadPoolExecutor(0, 1024, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), runnable -> {
            Thread thread = new Thread(runnable, "loadgen-worker");
            thread.setDaemon(true);
            return thread;
        });

        Result result = new Result();
        result.startedAt = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        result.rate = rate;
        result.warmupSeconds = warmup;
        result.durationSeconds = duration;
        long cpuBefore = -1;
        long selfBefore = -1;
        boolean perThread = pid > 0 && Boolean.parseBoolean(options.get("threads", "false"));
        CompletableFuture<Map<String, Long>> threadsBefore = CompletableFuture.completedFuture(Map.of());
        long maxLag = 0;
        double periodNanos = 1e9 / rate;
        long t0 = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
        for (int i = 0; i < total; i++) {
            long due = t0 + Math.round(i * periodNanos);
            long wait;
            while ((wait = due - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            if (i == warmCount) {
                cpuBefore = pid > 0 ? cpuTicks(pid) : -1;
                selfBefore = cpuTicks(ProcessHandle.current().pid());
                if (perThread) {
                    threadsBefore = CompletableFuture.supplyAsync(() -> threadTicks(pid));
                }
            }
            if (i >= warmCount) {
                maxLag = Math.max(maxLag, System.nanoTime() - due);
            }
            int index = i;
            try {
                workers.execute(() -> {
                    String outcome = client.send(texts[index], due);
                    latencies[index] = System.nanoTime() - due;
                    outcomes[index] = outcome;
                });
            } catch (RejectedExecutionException e) {
                outcomes[i] = "client_saturated";
            }
        }
        workers.shutdown();
        if (!workers.awaitTermination(timeoutMs + 5000L, TimeUnit.MILLISECONDS)) {
            workers.shutdownNow();
        }
        long cpuAfter = pid > 0 ? cpuTicks(pid) : -1;
        if (perThread) {
            result.threadCpu = perThreadMsPerRequest(threadsBefore.get(), threadTicks(pid), total - warmCount);
        }
        long selfAfter = cpuTicks(ProcessHandle.current().pid());
        client.closeAll();
        String attackNotes = attack.stop();

        result.measured = total - warmCount;
        long[] good = new long[result.measured];
        int goodCount = 0;
        for (int i = warmCount; i < total; i++) {
            String outcome = outcomes[i];
            if (outcome == null) {
                result.errors.merge("unanswered", 1, Integer::sum);
            } else if (outcome.equals("ok")) {
                good[goodCount++] = latencies[i];
            } else {
                result.errors.merge(outcome, 1, Integer::sum);
            }
        }
        result.ok = goodCount;
        result.latencies = Arrays.copyOf(good, goodCount);
        Arrays.sort(result.latencies);
        if (pid > 0 && cpuBefore >= 0 && cpuAfter >= 0) {
            result.cpuMsPerRequest = (cpuAfter - cpuBefore) * 1000.0 / CLK_TCK / result.measured;
            result.peakRssMb = vmHwmKb(pid) / 1024.0;
        }
        result.clientCpuMsPerRequest = (selfAfter - selfBefore) * 1000.0 / CLK_TCK / result.measured;
        result.maxSendLagMs = maxLag / 1e6;
        result.connectionsOpened = client.opened.intValue();
        result.connectionNotes = "retried=" + client.retried + " expired=" + client.expired + " closedByServer=" + client.serverClosed
                + attackNotes;
        result.load1 = load1();
        return result;
    }

    /**
     * Slow and idle connections held open for the whole run: {@code slow} trickle a request at a byte a second each
     * (even ones their headers, odd ones a 400-byte body after whole headers) and reconnect when the server cuts
     * them; {@code idle} connect and send nothing. One thread; connections that fail to open are counted.
     */
    static final class Attack {
        final int port;
        final List<java.nio.channels.SocketChannel> idle = new ArrayList<>();
        final Socket[] slow;
        final int[] sent;
        final byte[][] requests;
        int reconnects;
        int idleReconnects;
        int failed;
        final Thread thread;

        Attack(int port, int slowCount, int idleCount) {
            this.port = port;
            this.slow = new Socket[slowCount];
            this.sent = new int[slowCount];
            this.requests = new byte[slowCount][];
            String headers = "POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n";
            for (int i = 0; i < slowCount; i++) {
                String request = i % 2 == 0 ? headers + "X-Padding: " + "x".repeat(2000) + "\r\n\r\n"
                        : headers + "Content-Length: 400\r\n\r\n" + "x".repeat(400);
                requests[i] = request.getBytes(StandardCharsets.US_ASCII);
                connect(i);
            }
            for (int i = 0; i < idleCount; i++) {
                idle.add(openIdle());
            }
            thread = new Thread(this::trickle, "loadgen-attack");
            thread.setDaemon(true);
            if (slowCount + idleCount > 0) {
                thread.start();
            }
        }

        java.nio.channels.SocketChannel openIdle() {
            try {
                java.nio.channels.SocketChannel channel = java.nio.channels.SocketChannel.open(
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                channel.configureBlocking(false);
                return channel;
            } catch (IOException e) {
                failed++;
                return null;
            }
        }

        /** (Re)opens slow connection i; a body trickler sends its whole headers at once. */
        void connect(int i) {
            try {
                if (slow[i] != null) {
                    slow[i].close();
                }
                slow[i] = new Socket();
                slow[i].connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
                sent[i] = 0;
                if (i % 2 == 1) {
                    String request = new String(requests[i], StandardCharsets.US_ASCII);
                    sent[i] = request.indexOf("\r\n\r\n") + 4;
                    slow[i].getOutputStream().write(requests[i], 0, sent[i]);
                }
            } catch (IOException e) {
                failed++;
            }
        }

        void trickle() {
            while (!Thread.currentThread().isInterrupted()) {
                for (int i = 0; i < slow.length; i++) {
                    try {
                        if (sent[i] >= requests[i].length) {
                            sent[i] = 0; // the whole request went out a byte at a time: start another on the same connection
                        }
                        OutputStream out = slow[i].getOutputStream();
                        out.write(requests[i][sent[i]++]);
                        out.flush();
                    } catch (IOException | RuntimeException cut) {
                        reconnects++;
                        connect(i);
                    }
                }
                // An idle connection the server closed is opened again, so there are always this many.
                java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(1024);
                for (int i = 0; i < idle.size(); i++) {
                    java.nio.channels.SocketChannel channel = idle.get(i);
                    try {
                        buffer.clear();
                        if (channel == null || channel.read(buffer) < 0) {
                            throw new IOException("closed");
                        }
                    } catch (IOException closed) {
                        close(channel);
                        idleReconnects++;
                        idle.set(i, openIdle());
                    }
                }
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        /** Stops trickling, closes every connection, and says what happened to them. */
        String stop() throws InterruptedException {
            thread.interrupt();
            thread.join(5000);
            for (Socket socket : slow) {
                close(socket);
            }
            idle.forEach(Attack::close);
            return slow.length + idle.size() == 0 ? "" : " attack: slow=" + slow.length + " idle=" + idle.size()
                    + " slowReconnects=" + reconnects + " idleReconnects=" + idleReconnects + " failedToOpen=" + failed;
        }

        static void close(java.io.Closeable connection) {
            try {
                if (connection != null) {
                    connection.close();
                }
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    /** The query of each request: a seeded, reproducible draw from the mix. */
    static String[] mix(int count, long seed) {
        Random random = new Random(seed);
        String[] texts = new String[count];
        for (int i = 0; i < count; i++) {
            int roll = random.nextInt(100);
            List<String> pool = roll < 60 ? REAL : roll < 85 ? TYPOS : NO_MATCH;
            texts[i] = pool.get(random.nextInt(pool.size()));
        }
        return texts;
    }

    /** For experiments: every request's text drawn evenly from the given ones (--texts "help|monzo"). */
    static String[] uniform(int count, String[] choices, long seed) {
        Random random = new Random(seed);
        String[] texts = new String[count];
        for (int i = 0; i < count; i++) {
            texts[i] = choices[random.nextInt(choices.length)];
        }
        return texts;
    }

    // ---- HTTP/1.1 client on plain sockets, with kept-alive connections -----------------------------------------

    /**
     * A pool of kept-alive connections, used last-in first-out so the busy ones stay warm; a request that finds
     * none idle opens another, so the client never makes a request wait for an earlier one. A connection idle for
     * over 2 s is closed rather than reused (Node closes idle ones after 5 s). A server may also close a kept-alive
     * connection without saying so (the JDK's keeps at most 200 idle): a request that finds its reused connection
     * closed before any answer is sent once more, on a new connection, and its latency includes both tries.
     */
    static final class Client {
        private final int port;
        private final byte[] secret;
        private final int timeoutMs;
        private final byte[] marker;
        private final String path;
        private final ConcurrentLinkedDeque<Connection> idle = new ConcurrentLinkedDeque<>();
        private final Map<String, byte[]> bodies = new ConcurrentHashMap<>();
        private final ThreadLocal<Mac> macs;
        final LongAdder opened = new LongAdder();
        final LongAdder retried = new LongAdder();
        final LongAdder expired = new LongAdder();
        final LongAdder serverClosed = new LongAdder();

        Client(int port, String secret, int timeoutMs, String marker, String path) {
            this.port = port;
            this.secret = secret.getBytes(StandardCharsets.UTF_8);
            this.timeoutMs = timeoutMs;
            this.marker = marker == null ? null : marker.getBytes(StandardCharsets.UTF_8);
            this.path = path;
            this.macs = ThreadLocal.withInitial(() -> {
                try {
                    Mac mac = Mac.getInstance("HmacSHA256");
                    mac.init(new SecretKeySpec(this.secret, "HmacSHA256"));
                    return mac;
                } catch (GeneralSecurityException e) {
                    throw new IllegalStateException(e);
                }
            });
        }

        /** Sends one signed /qcon request; "ok" or what went wrong. */
        String send(String text, long due) {
            byte[] request = request(text);
            for (int attempt = 0; ; attempt++) {
                Connection connection = null;
                boolean reused = false;
                try {
                    connection = attempt == 0 ? take() : open(); // a retry never trusts another pooled connection
                    reused = connection.uses > 0;
                    connection.out.write(request);
                    connection.out.flush();
                    Answer answer = connection.read();
                    connection.uses++;
                    if (!answer.keepAlive) {
                        serverClosed.increment();
                    }
                    if (answer.keepAlive) {
                        connection.lastUsed = System.nanoTime();
                        idle.offerFirst(connection);
                    } else {
                        connection.close();
                    }
                    if (answer.status != 200) {
                        return "http_" + answer.status;
                    }
                    if (marker != null && contains(answer.body, marker)) {
                        return "apology";
                    }
                    return "ok";
                } catch (StaleConnection e) {
                    connection.close();
                    if (!reused || attempt > 0) {
                        debug(e);
                        return "closed";
                    }
                    // the server closed a kept-alive connection as we reused it: once more, on a new one
                    retried.increment();
                } catch (SocketTimeoutException e) {
                    close(connection);
                    return "timeout";
                } catch (ConnectException e) {
                    close(connection);
                    return "connect";
                } catch (IOException e) {
                    close(connection);
                    if (!reused || attempt > 0) {
                        debug(e);
                        return "io";
                    }
                }
            }
        }

        private final java.util.concurrent.atomic.AtomicInteger debugged = new java.util.concurrent.atomic.AtomicInteger();

        /** With -Dloadgen.debug=true, the first few unexpected errors in full. */
        private void debug(IOException e) {
            if (Boolean.getBoolean("loadgen.debug") && debugged.incrementAndGet() <= 5) {
                e.printStackTrace();
            }
        }

        private static void close(Connection connection) {
            if (connection != null) {
                connection.close();
            }
        }

        private Connection take() throws IOException {
            Connection connection;
            while ((connection = idle.pollFirst()) != null) {
                if (System.nanoTime() - connection.lastUsed < TimeUnit.SECONDS.toNanos(2)) {
                    return connection;
                }
                expired.increment();
                connection.close();
            }
            return open();
        }

        private Connection open() throws IOException {
            Socket socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
            socket.setSoTimeout(timeoutMs);
            opened.increment();
            return new Connection(socket);
        }

        /** The whole request in one write: headers with a v0 signature over "v0:timestamp:body", then the form body. */
        private byte[] request(String text) {
            byte[] body = bodies.computeIfAbsent(text, Client::commandBody);
            String timestamp = String.valueOf(System.currentTimeMillis() / 1000);
            Mac mac = macs.get();
            mac.update(("v0:" + timestamp + ":").getBytes(StandardCharsets.UTF_8));
            String signature = "v0=" + HexFormat.of().formatHex(mac.doFinal(body));
            byte[] head = ("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nUser-Agent: Slackbot 1.0 (+https://api.slack.com/robots)"
                    + "\r\nContent-Type: application/x-www-form-urlencoded"
                    + "\r\nX-Slack-Request-Timestamp: " + timestamp
                    + "\r\nX-Slack-Signature: " + signature
                    + "\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
            byte[] request = Arrays.copyOf(head, head.length + body.length);
            System.arraycopy(body, 0, request, head.length, body.length);
            return request;
        }

        /** A slash command form as Slack posts it. */
        static byte[] commandBody(String text) {
            Map<String, String> form = new LinkedHashMap<>();
            form.put("token", "unused-legacy-token");
            form.put("team_id", "T0BENCH");
            form.put("team_domain", "bench");
            form.put("channel_id", "C0GENERAL");
            form.put("channel_name", "general");
            form.put("user_id", "U0ALICE");
            form.put("user_name", "alice");
            form.put("command", "/qcon");
            form.put("text", text);
            form.put("api_app_id", "A0QCON");
            form.put("is_enterprise_install", "false");
            form.put("response_url", "http://127.0.0.1:9/unused");
            form.put("trigger_id", "1.2.3");
            StringBuilder body = new StringBuilder();
            form.forEach((name, value) -> body.append(body.length() == 0 ? "" : "&")
                    .append(URLEncoder.encode(name, StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
            return body.toString().getBytes(StandardCharsets.UTF_8);
        }

        void closeAll() {
            Connection connection;
            while ((connection = idle.pollFirst()) != null) {
                connection.close();
            }
        }
    }

    /** The server closed the connection before any byte of an answer: safe to send again on a new one. */
    static final class StaleConnection extends IOException {
        private static final long serialVersionUID = 1L;

        StaleConnection() {
            super("connection closed before an answer began");
        }
    }

    record Answer(int status, boolean keepAlive, byte[] body) {
    }

    static final class Connection {
        final Socket socket;
        final InputStream in;
        final OutputStream out;
        int uses;
        long lastUsed = System.nanoTime();

        Connection(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
            this.out = socket.getOutputStream();
        }

        /** One response: status line, headers, then a Content-Length, chunked or read-to-close body. */
        Answer read() throws IOException {
            String statusLine;
            try {
                statusLine = readLine(in);
            } catch (IOException e) {
                if (e instanceof SocketTimeoutException) {
                    throw e;
                }
                throw new StaleConnection();
            }
            if (statusLine == null) {
                throw new StaleConnection();
            }
            if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12) {
                throw new IOException("not an HTTP answer: " + statusLine);
            }
            int status = Integer.parseInt(statusLine.substring(9, 12));
            boolean keepAlive = statusLine.startsWith("HTTP/1.1");
            long length = -1;
            boolean chunked = false;
            String line;
            while ((line = readLine(in)) != null && !line.isEmpty()) {
                int colon = line.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = line.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
                switch (name) {
                    case "content-length" -> length = Long.parseLong(value);
                    case "transfer-encoding" -> chunked = value.contains("chunked");
                    case "connection" -> keepAlive = value.contains("keep-alive") || (keepAlive && !value.contains("close"));
                    default -> {
                    }
                }
            }
            if (line == null) {
                throw new EOFException("connection closed in the headers");
            }
            byte[] body;
            if (chunked) {
                ByteArrayOutputStream collected = new ByteArrayOutputStream();
                while (true) {
                    String size = readLine(in);
                    if (size == null) {
                        throw new EOFException("connection closed in a chunk");
                    }
                    int semicolon = size.indexOf(';');
                    int chunk = Integer.parseInt((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
                    if (chunk == 0) {
                        while ((line = readLine(in)) != null && !line.isEmpty()) {
                            // trailers
                        }
                        break;
                    }
                    collected.write(readExactly(chunk));
                    readLine(in);
                }
                body = collected.toByteArray();
            } else if (length >= 0) {
                body = readExactly((int) length);
            } else if (status == 204 || status == 304 || status / 100 == 1) {
                body = new byte[0];
            } else {
                body = in.readAllBytes();
                keepAlive = false;
            }
            return new Answer(status, keepAlive, body);
        }

        private byte[] readExactly(int length) throws IOException {
            byte[] bytes = in.readNBytes(length);
            if (bytes.length < length) {
                throw new EOFException("connection closed in the body");
            }
            return bytes;
        }

        void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    /** A CRLF- (or LF-) terminated line in ISO-8859-1; null at end of stream before any byte. */
    static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder(64);
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                int end = line.length();
                if (end > 0 && line.charAt(end - 1) == '\r') {
                    line.setLength(end - 1);
                }
                return line.toString();
            }
            line.append((char) c);
            if (line.length() > 64 * 1024) {
                throw new IOException("header line too long");
            }
        }
        if (line.length() == 0) {
            return null;
        }
        throw new EOFException("connection closed in a line");
    }

    static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    // ---- /proc ----------------------------------------------------------------------------------------------------

    /** utime + stime of a process, in clock ticks (fields 14 and 15 of /proc/PID/stat, counted after the ")"). */
    static long cpuTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** CPU ticks per thread of a process, by thread name with any trailing number made "N" (http-3 is http-N). */
    static Map<String, Long> threadTicks(long pid) {
        Map<String, Long> ticks = new TreeMap<>();
        File[] tasks = new File("/proc/" + pid + "/task").listFiles();
        if (tasks == null) {
            return ticks;
        }
        for (File task : tasks) {
            try {
                String stat = Files.readString(task.toPath().resolve("stat"));
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                // one entry per thread id, so threads that come and go are still subtracted right
                ticks.put(name.replaceAll("[-#]?\\d+$", "-N") + "\t" + task.getName(),
                        Long.parseLong(fields[11]) + Long.parseLong(fields[12]));
            } catch (IOException | RuntimeException e) {
                // the thread ended
            }
        }
        return ticks;
    }

    /** CPU ms per request by thread group over the window, largest first, as "name=ms" pairs. */
    static String perThreadMsPerRequest(Map<String, Long> before, Map<String, Long> after, int requests) {
        Map<String, Long> byGroup = new TreeMap<>();
        after.forEach((key, ticks) -> byGroup.merge(key.substring(0, key.indexOf('\t')), ticks - before.getOrDefault(key, 0L), Long::sum));
        StringBuilder out = new StringBuilder();
        byGroup.entrySet().stream().filter(e -> e.getValue() > 0)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> out.append(out.length() == 0 ? "" : " ").append(e.getKey().replace(' ', '_')).append('=')
                        .append(String.format(Locale.ROOT, "%.3f", e.getValue() * 1000.0 / CLK_TCK / requests)));
        return out.toString();
    }

    /** Peak resident memory (VmHWM) in kB, or -1. */
    static long vmHwmKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone
        }
        return -1;
    }

    static String load1() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "?";
        }
    }

    // ---- output ---------------------------------------------------------------------------------------------------

    static final String CSV_HEADER = "started_at,target,run,rate,warmup_s,duration_s,requests,ok,errors,error_kinds,"
            + "p50_ms,p90_ms,p99_ms,max_ms,cpu_ms_per_req,peak_rss_mb,startup_ms,client_cpu_ms_per_req,max_send_lag_ms,"
            + "connections,load1";

    static void appendCsv(Options options, Result r, double startupMs) throws IOException {
        String file = options.get("csv", null);
        if (file == null) {
            return;
        }
        append(file, CSV_HEADER, String.format(Locale.ROOT, "%s,%s,%s,%.0f,%d,%d,%d,%d,%d,%s,%.3f,%.3f,%.3f,%.3f,%.4f,%.1f,%.0f,%.4f,%.3f,%d,%s",
                r.startedAt, options.get("target", "server"), options.get("run", "1"), r.rate, r.warmupSeconds,
                r.durationSeconds, r.measured, r.ok, r.errorCount(), r.errorKinds().replace(' ', ';'), r.percentileMs(50),
                r.percentileMs(90), r.percentileMs(99), r.percentileMs(100), r.cpuMsPerRequest, r.peakRssMb, startupMs,
                r.clientCpuMsPerRequest, r.maxSendLagMs, r.connectionsOpened, r.load1));
    }

    static void appendStartupCsv(Options options, String target, double startupMs) throws IOException {
        String file = options.get("startup-csv", null);
        if (file == null) {
            return;
        }
        append(file, "started_at,target,run,kind,startup_ms,load1", String.format(Locale.ROOT, "%s,%s,%s,%s,%.1f,%s",
                Instant.now().truncatedTo(ChronoUnit.SECONDS), target, options.get("run", "1"),
                options.get("kind", "startup"), startupMs, load1()));
    }

    static synchronized void append(String file, String header, String row) throws IOException {
        Path path = Path.of(file);
        if (!Files.exists(path) || Files.size(path) == 0) {
            Files.writeString(path, header + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
        Files.writeString(path, row + "\n", StandardOpenOption.APPEND);
    }

    // ---- summary ----------------------------------------------------------------------------------------------------

    /** Markdown: per target the median and (min-max) over runs of each figure, then the targets for every bot. */
    static void summarize(Options options) throws IOException {
        List<Map<String, String>> load = readCsv(options.get("csv", null));
        List<Map<String, String>> startup = readCsv(options.get("startup-csv", null));
        Map<String, List<Map<String, String>>> byTarget = new LinkedHashMap<>();
        load.forEach(row -> byTarget.computeIfAbsent(row.get("target"), t -> new ArrayList<>()).add(row));
        StringBuilder out = new StringBuilder();
        if (!load.isEmpty()) {
            Map<String, String> first = load.get(0);
            out.append(String.format(Locale.ROOT, "Load: %s requests/s, %s s warm-up (discarded) + %s s measured per run;"
                    + " median of the runs, (min-max) below it.%n%n", first.get("rate"), first.get("warmup_s"), first.get("duration_s")));
            out.append("| target | runs | requests/run | errors (all runs) | p50 ms | p90 ms | p99 ms | max ms | CPU ms/request"
                    + " | peak RSS MB | start-up ms | load1 |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n");
            byTarget.forEach((target, rows) -> {
                int errors = rows.stream().mapToInt(row -> Integer.parseInt(row.get("errors"))).sum();
                Map<String, Integer> byKind = new TreeMap<>();
                rows.stream().map(row -> row.get("error_kinds")).filter(k -> !k.isEmpty())
                        .flatMap(k -> Arrays.stream(k.split(";")))
                        .forEach(k -> byKind.merge(k.substring(0, k.indexOf('=')), Integer.parseInt(k.substring(k.indexOf('=') + 1)), Integer::sum));
                StringBuilder listed = new StringBuilder();
                byKind.forEach((kind, count) -> listed.append(listed.length() == 0 ? " (" : ", ").append(kind).append(' ').append(count));
                String kinds = listed.length() == 0 ? "" : listed + ")";
                out.append("| ").append(target).append(" | ").append(rows.size()).append(" | ")
                        .append(rows.get(0).get("requests")).append(" | ").append(errors).append(kinds);
                for (String column : List.of("p50_ms", "p90_ms", "p99_ms", "max_ms", "cpu_ms_per_req", "peak_rss_mb", "startup_ms", "load1")) {
                    boolean caveat = errors > 0 && !column.equals("peak_rss_mb") && !column.equals("startup_ms") && !column.equals("load1");
                    out.append(" | ").append(spread(rows, column)).append(caveat ? " †" : "");
                }
                out.append(" |\n");
            });
            if (load.stream().anyMatch(row -> Integer.parseInt(row.get("errors")) > 0)) {
                out.append("\n† The target had errors: its latencies are those of the requests it answered in time (a run with"
                        + " none has no figures), and its CPU is per request sent, while a server that fell behind did less"
                        + " than it was sent. Neither is comparable with an error-free target's.\n");
            }
            out.append(String.format(Locale.ROOT, "%nThe client's own CPU: %s ms/request (median over all runs); the"
                            + " scheduler's worst lateness in sending: %s ms.%n",
                    spread(load, "client_cpu_ms_per_req"), spread(load, "max_send_lag_ms")));
        }
        Map<String, List<Map<String, String>>> startupByTarget = new LinkedHashMap<>();
        startup.forEach(row -> startupByTarget.computeIfAbsent(row.get("target"), t -> new ArrayList<>()).add(row));
        if (!startup.isEmpty()) {
            out.append("\nStart-up: process start to the first 200 from GET /health; median, (min-max) below it.\n\n"
                    + "| target | runs | start-up ms | load1 |\n|---|---|---|---|\n");
            startupByTarget.forEach((target, rows) -> out.append("| ").append(target).append(" | ").append(rows.size())
                    .append(" | ").append(spread(rows, "startup_ms")).append(" | ").append(spread(rows, "load1")).append(" |\n"));
        }
        List<String> bots = new ArrayList<>(byTarget.keySet());
        startupByTarget.keySet().forEach(t -> {
            if (!bots.contains(t)) {
                bots.add(t);
            }
        });
        bots.removeIf(t -> !t.startsWith("bot"));
        if (!bots.isEmpty()) {
            out.append("\nTargets (issue 6), on medians: a ratio is the bot's figure over the baseline's.\n\n"
                    + "| bot | target | bot | baseline | ratio | met? |\n|---|---|---|---|---|---|\n");
            double javaP99 = median(byTarget.get("bolt-java"), "p99_ms");
            double jsP99 = median(byTarget.get("bolt-js"), "p99_ms");
            double javaCpu = median(byTarget.get("bolt-java"), "cpu_ms_per_req");
            double jsRss = median(byTarget.get("bolt-js"), "peak_rss_mb");
            double javaStart = median(startupByTarget.get("bolt-java"), "startup_ms");
            for (String bot : bots) {
                List<Map<String, String>> rows = byTarget.get(bot);
                if (rows != null) {
                    int errors = rows.stream().mapToInt(row -> Integer.parseInt(row.get("errors"))).sum();
                    out.append(String.format(Locale.ROOT, "| %s | zero errors | %d | 0 | | %s |%n", bot, errors, errors == 0 ? "met" : "MISSED"));
                    if (errors > 0) {
                        // failed requests have no latency: a p99 of the rest would flatter a server that fell behind
                        out.append(String.format(Locale.ROOT, "| %s | p99 <= 1.2x Bolt Java's, <= Bolt JS's | (%d requests failed) | | | MISSED |%n", bot, errors));
                    } else {
                        check(out, bot, "p99 <= 1.2x Bolt Java's", median(rows, "p99_ms"), 1.2 * javaP99, javaP99, "ms");
                        check(out, bot, "p99 <= Bolt JS's", median(rows, "p99_ms"), jsP99, jsP99, "ms");
                    }
                    check(out, bot, "CPU/request <= Bolt Java's", median(rows, "cpu_ms_per_req"), javaCpu, javaCpu, "ms");
                    check(out, bot, "peak RSS <= Bolt JS's", median(rows, "peak_rss_mb"), jsRss, jsRss, "MB");
                }
                if (startupByTarget.containsKey(bot)) {
                    check(out, bot, "start-up <= Bolt Java's", median(startupByTarget.get(bot), "startup_ms"), javaStart, javaStart, "ms");
                }
            }
        }
        System.out.print(out);
    }

    private static void check(StringBuilder out, String bot, String what, double value, double limit, double baseline, String unit) {
        if (Double.isNaN(value) || Double.isNaN(limit)) {
            out.append(String.format(Locale.ROOT, "| %s | %s | %s | (not measured) | | |%n", bot, what, number(value)));
            return;
        }
        out.append(String.format(Locale.ROOT, "| %s | %s | %s %s | %s %s | %.2fx | %s |%n", bot, what, number(value), unit,
                number(baseline), unit, value / baseline, value <= limit ? "met" : "MISSED"));
    }

    static String number(double value) {
        return Double.isNaN(value) ? "-" : Math.abs(value) >= 100 ? String.format(Locale.ROOT, "%.0f", value)
                : Math.abs(value) >= 10 ? String.format(Locale.ROOT, "%.1f", value) : String.format(Locale.ROOT, "%.2f", value);
    }

    static double median(List<Map<String, String>> rows, String column) {
        if (rows == null || rows.isEmpty()) {
            return Double.NaN;
        }
        double[] values = rows.stream().map(row -> row.get(column)).filter(v -> v != null && !v.isEmpty())
                .mapToDouble(Double::parseDouble).filter(v -> !Double.isNaN(v)).sorted().toArray();
        if (values.length == 0) {
            return Double.NaN;
        }
        int middle = values.length / 2;
        return values.length % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }

    /** "median (min-max)" of one column. */
    static String spread(List<Map<String, String>> rows, String column) {
        double[] values = rows.stream().map(row -> row.get(column)).filter(v -> v != null && !v.isEmpty())
                .mapToDouble(Double::parseDouble).filter(v -> !Double.isNaN(v)).sorted().toArray();
        if (values.length == 0) {
            return "-";
        }
        return number(median(rows, column)) + " (" + number(values[0]) + "-" + number(values[values.length - 1]) + ")";
    }

    static List<Map<String, String>> readCsv(String file) throws IOException {
        List<Map<String, String>> rows = new ArrayList<>();
        if (file == null || !Files.exists(Path.of(file))) {
            return rows;
        }
        List<String> lines = Files.readAllLines(Path.of(file));
        if (lines.isEmpty()) {
            return rows;
        }
        String[] header = lines.get(0).split(",", -1);
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            String[] cells = line.split(",", -1);
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < header.length && i < cells.length; i++) {
                row.put(header[i], cells[i]);
            }
            rows.add(row);
        }
        return rows;
    }

    /** --name value pairs, then an optional "--" and the command to start. */
    static final class Options {
        final Map<String, String> values = new LinkedHashMap<>();
        final List<String> command = new ArrayList<>();

        static Options parse(String[] args) {
            Options options = new Options();
            for (int i = 0; i < args.length; i++) {
                if (args[i].equals("--")) {
                    options.command.addAll(Arrays.asList(args).subList(i + 1, args.length));
                    break;
                }
                if (!args[i].startsWith("--") || i + 1 >= args.length) {
                    usage("expected --name value, got " + args[i]);
                }
                options.values.put(args[i].substring(2), args[++i]);
            }
            return options;
        }

        String get(String name, String fallback) {
            return values.getOrDefault(name, fallback);
        }

        int intOpt(String name, int fallback) {
            return Integer.parseInt(get(name, String.valueOf(fallback)));
        }

        long longOpt(String name, long fallback) {
            return Long.parseLong(get(name, String.valueOf(fallback)));
        }
    }
}
