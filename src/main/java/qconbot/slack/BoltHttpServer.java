package qconbot.slack;

import com.fasterxml.jackson.databind.node.TextNode;
import com.slack.api.app_backend.SlackSignature;
import com.slack.api.bolt.App;
import com.slack.api.bolt.request.Request;
import com.slack.api.bolt.request.RequestHeaders;
import com.slack.api.bolt.response.Response;
import com.slack.api.bolt.util.SlackRequestParser;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import qconbot.commands.Messages;
import qconbot.store.Deadline;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Serves Bolt over HTTP on Jetty 12 (bolt-jetty stops at 1.45): POST /slack/events for commands, interactivity
 * and events; GET /health; GET /metrics (Prometheus text), on the same port or on a management port of their own.
 * Paths are matched exactly. The signature is checked before anything in the body is parsed.
 * <p>
 * Jetty reads headers and bodies without holding a thread, so a connection that trickles bytes or sits idle costs
 * a connection slot and a small buffer, never a worker. Only a whole request joins the bot's queue: a bounded
 * queue in front of a fixed set of workers. A full queue answers 503 at once; a request that waited there longer
 * than Slack waits for an answer is dropped with a log line rather than run late.
 */
public final class BoltHttpServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BoltHttpServer.class);

    /** Slack's payloads are a few KB; a view submission can reach a few hundred. */
    static final int MAX_BODY = 1024 * 1024;

    /** What /health says: HTTP status and a JSON body. */
    public record Health(int status, String json) {
    }

    /**
     * How much the server takes on. {@code bodies} bounds the bytes of request bodies held while they arrive, over
     * all connections: with {@code connections} it is what an attacker can make the bot hold in memory.
     */
    public record Limits(int workers, int queue, Duration maxWait, int connections, long bodies, Duration readWithin,
                         Duration idle) {
        /** Slack gives up on an answer after 3 s; what waited that long in the queue is of no use to anyone. */
        public static Limits standard() {
            return new Limits(16, 256, Duration.ofSeconds(3), 4000, 32L * MAX_BODY, Duration.ofSeconds(10),
                    Duration.ofSeconds(30));
        }
    }

    private final Server server;
    private final ServerConnector slackPort;
    /** /health and /metrics on 127.0.0.1 alone, when QCON_MANAGEMENT_PORT is set; else null. */
    private final ServerConnector managementPort;
    private final ThreadPoolExecutor workers;
    private final Limits limits;
    private final App app;
    private final SlackRequestParser parser;
    private final SlackSignature.Verifier verifier;
    private final Supplier<Health> health;
    private final Supplier<String> metrics;
    /** Bytes of request bodies promised to requests being read now; see {@link Limits#bodies}. */
    private final AtomicLong bodyBytes = new AtomicLong();
    /** Requests taken and not yet answered; close() waits for them. */
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean closing;

    /**
     * @param address    where Slack's requests come in (QCON_BIND, PORT)
     * @param management where /health and /metrics are served instead, on their own (null: on {@code address} too)
     */
    public BoltHttpServer(App app, String signingSecret, InetSocketAddress address, InetSocketAddress management,
                          Limits limits, Supplier<Health> health, Supplier<String> metrics) {
        this.app = app;
        this.parser = new SlackRequestParser(app.config());
        this.verifier = new SlackSignature.Verifier(new SlackApp.Utf8Signature(signingSecret));
        this.health = health;
        this.metrics = metrics;
        this.limits = limits;
        this.workers = workers(limits);
        this.server = new Server(ioThreads());
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setRequestHeaderSize(16 * 1024);
        this.slackPort = connector(address, http);
        this.managementPort = management == null ? null : connector(management, http);
        server.addBean(new NetworkConnectionLimit(limits.connections(), server.getConnectors()));
        server.setErrorHandler(errors());
        server.setHandler(new Handler.Abstract.NonBlocking() {
            @Override
            public boolean handle(org.eclipse.jetty.server.Request request, org.eclipse.jetty.server.Response response,
                                  Callback callback) {
                route(new Exchange(request, response, callback, System.nanoTime()));
                return true;
            }
        });
    }

    /** The bot's own workers: a fixed number, and a bounded queue in front of them. */
    private static ThreadPoolExecutor workers(Limits limits) {
        AtomicInteger workerNumber = new AtomicInteger();
        return new ThreadPoolExecutor(limits.workers(), limits.workers(), 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(limits.queue()), runnable -> {
                    Thread thread = new Thread(runnable, "http-" + workerNumber.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
    }

    /** Jetty's own threads only accept, read and write; they never wait on the bot's work. */
    private static QueuedThreadPool ioThreads() {
        QueuedThreadPool io = new QueuedThreadPool(16, 2);
        io.setReservedThreads(0);
        io.setName("jetty");
        io.setDaemon(true);
        return io;
    }

    /** Jetty's own error pages: JSON, never a stack trace or a cause. */
    private static ErrorHandler errors() {
        ErrorHandler errors = new ErrorHandler();
        errors.setShowStacks(false);
        errors.setShowCauses(false);
        errors.setDefaultResponseMimeType("application/json");
        return errors;
    }

    /**
     * Loads and initialises Jetty's classes on another thread, so that this work (about 60 ms with the class-data
     * archive) overlaps the notes loading in and the rest of start-up instead of following it. Builds a server that
     * is never started: no port, no threads.
     */
    public static void loadClassesInBackground() {
        Thread loader = new Thread(() -> {
            try {
                Server unused = new Server(new QueuedThreadPool(2, 1));
                new ServerConnector(unused, 0, 1, new HttpConnectionFactory(new HttpConfiguration()));
                new ErrorHandler();
            } catch (RuntimeException e) {
                log.debug("Loading Jetty's classes early failed; they load when the server is built", e);
            }
        }, "load-jetty");
        loader.setDaemon(true);
        loader.start();
    }

    private ServerConnector connector(InetSocketAddress address, HttpConfiguration http) {
        // No acceptor thread (the selector accepts) and one selector: neither ever blocks.
        ServerConnector connector = new ServerConnector(server, 0, 1, new HttpConnectionFactory(http));
        connector.setHost(address.getAddress().getHostAddress());
        connector.setPort(address.getPort());
        connector.setIdleTimeout(limits.idle().toMillis());
        connector.setAcceptQueueSize(128);
        server.addConnector(connector);
        return connector;
    }

    /** Starts listening; a port that cannot be bound is an IOException naming the cause. */
    public BoltHttpServer start() throws IOException {
        try {
            server.start();
        } catch (IOException e) {
            stopQuietly();
            throw e;
        } catch (Exception e) {
            stopQuietly();
            throw new IOException(e.getMessage(), e);
        }
        return this;
    }

    public int port() {
        return slackPort.getLocalPort();
    }

    /** The management port, or -1 when /health and /metrics share {@link #port}. */
    public int managementPort() {
        return managementPort == null ? -1 : managementPort.getLocalPort();
    }

    /** One request and how to answer it. Answers are written without blocking; completing it ends the request. */
    /** A request and its answer; {@code arrived} (System.nanoTime()) when its headers were read. */
    private record Exchange(org.eclipse.jetty.server.Request request, org.eclipse.jetty.server.Response response,
                            Callback callback, long arrived) {
        void send(int status, String contentType, String body) {
            response.setStatus(status);
            if (contentType != null) {
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
            }
            Content.Sink.write(response, true, body == null ? "" : body, callback);
        }

        void json(int status, String error) {
            send(status, "application/json", "{\"error\":" + TextNode.valueOf(error) + "}");
        }

        boolean isGet() {
            return "GET".equals(request.getMethod());
        }
    }

    /** Exact paths only ("/metrics-secret" is not "/metrics"), and only the method each takes. */
    private void route(Exchange exchange) {
        String path = exchange.request().getHttpURI().getPath();
        Connector on = exchange.request().getConnectionMetaData().getConnector();
        boolean withManagement = managementPort == null || on == managementPort;
        if (on == slackPort && "/slack/events".equals(path)) {
            events(exchange);
        } else if (withManagement && ("/health".equals(path) || "/metrics".equals(path))) {
            if (!exchange.isGet()) {
                exchange.response().getHeaders().put(HttpHeader.ALLOW, "GET");
                exchange.json(405, "use GET");
            } else {
                // Through the queue like everything else: a health check may touch the database.
                enqueue(exchange, () -> {
                    if ("/health".equals(path)) {
                        Health now = health.get();
                        exchange.send(now.status(), "application/json", now.json());
                    } else {
                        exchange.send(200, "text/plain; version=0.0.4; charset=utf-8", metrics.get());
                    }
                });
            }
        } else {
            exchange.json(404, "not found");
        }
    }

    /**
     * POST /slack/events. Its order is the protection: refuse while closing, then a wrong method, then an oversized
     * body; read the body without a thread; check the signature; and only then let Bolt parse and run anything.
     */
    private void events(Exchange exchange) {
        if (closing) {
            // Slack retries events and shows commands failed: better than a half-handled request.
            exchange.json(503, "shutting down");
            return;
        }
        if (!"POST".equals(exchange.request().getMethod())) {
            exchange.json(405, "use POST");
            return;
        }
        long declared = exchange.request().getLength();
        if (declared > MAX_BODY) {
            exchange.json(413, "request body too large");
            return;
        }
        long promised = declared >= 0 ? declared : MAX_BODY;
        if (bodyBytes.addAndGet(promised) > limits.bodies()) {
            bodyBytes.addAndGet(-promised);
            exchange.json(503, "too many requests arriving at once");
            return;
        }
        // A body must arrive within readWithin of its headers: Slack sends it at once; a trickle is cut off.
        var deadline = server.getScheduler().schedule(() -> exchange.request().fail(new TimeoutException()),
                limits.readWithin().toMillis(), TimeUnit.MILLISECONDS);
        Content.Source.asByteArrayAsync(exchange.request(), MAX_BODY).whenComplete((bytes, failure) -> {
            deadline.cancel();
            bodyBytes.addAndGet(-promised);
            Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
            if (cause == null) {
                enqueue(exchange, () -> answer(exchange, new String(bytes, StandardCharsets.UTF_8)));
            } else if (cause instanceof TimeoutException) { // ours, or Jetty's idle timeout
                exchange.json(408, "request body not received in time");
            } else if (cause instanceof IllegalArgumentException) { // longer than its Content-Length said
                exchange.json(413, "request body too large");
            } else {
                exchange.callback().failed(cause); // the client went away: nobody to answer
            }
        });
    }

    /**
     * Into the bot's queue: 503 at once when it is full. One deadline from the request's arrival ({@link Deadline}):
     * dropped with a log line when it is past before a worker takes it; else the work runs under it, so no change it
     * makes commits after Slack has stopped waiting.
     */
    private void enqueue(Exchange exchange, Runnable work) {
        inFlight.incrementAndGet();
        Duration forCommits = Deadline.forCommits(limits.maxWait());
        try {
            workers.execute(() -> {
                try {
                    long waited = System.nanoTime() - exchange.arrived();
                    if (waited > forCommits.toNanos()) {
                        log.warn("Dropped {} {} after it waited {} ms from its arrival: Slack has stopped waiting"
                                        + " for it", exchange.request().getMethod(),
                                exchange.request().getHttpURI().getPath(), TimeUnit.NANOSECONDS.toMillis(waited));
                        exchange.json(503, "busy: waited too long to be answered");
                        return;
                    }
                    Deadline.within(exchange.arrived(), forCommits, work);
                } catch (RuntimeException e) {
                    // The last line (Slack's requests have their own in answer()): no stack trace leaves the bot.
                    String ref = Messages.reference();
                    log.error("Unhandled error answering a request, ref {}", ref, e);
                    exchange.json(503, "something went wrong, ref " + ref);
                } finally {
                    inFlight.decrementAndGet();
                }
            });
        } catch (RejectedExecutionException e) {
            inFlight.decrementAndGet();
            exchange.json(503, closing ? "shutting down" : "busy: too many requests waiting");
        }
    }

    /** A request verified (signature and age), read by Bolt, and answered by the app; never a 500. */
    private void answer(Exchange exchange, String body) {
        org.eclipse.jetty.server.Request http = exchange.request();
        Map<String, List<String>> headers = new HashMap<>();
        for (HttpField field : http.getHeaders()) {
            headers.computeIfAbsent(field.getName(), name -> new ArrayList<>()).add(field.getValue());
        }
        RequestHeaders requestHeaders = new RequestHeaders(headers);
        String timestamp = requestHeaders.getFirstValue(SlackSignature.HeaderNames.X_SLACK_REQUEST_TIMESTAMP);
        if (!verifier.isValid(timestamp, body, requestHeaders.getFirstValue(SlackSignature.HeaderNames.X_SLACK_SIGNATURE))
                || fromTheFuture(timestamp)) {
            exchange.json(401, "invalid signature");
            return;
        }
        Request<?> request;
        try {
            request = parser.parse(SlackRequestParser.HttpRequest.builder()
                    .requestUri(http.getHttpURI().getPath())
                    .queryString(query(http.getHttpURI().getQuery()))
                    .headers(requestHeaders)
                    .requestBody(body)
                    .remoteAddress(org.eclipse.jetty.server.Request.getRemoteAddr(http))
                    .build());
        } catch (RuntimeException e) {
            log.warn("Signed request with a body Bolt cannot read: {}", e.getClass().getSimpleName());
            exchange.json(400, "unreadable request");
            return;
        }
        run(exchange, request);
    }

    /** Bolt's answer to a verified request, headers and all. */
    private void run(Exchange exchange, Request<?> request) {
        Response response;
        try {
            response = app.run(request);
        } catch (Exception e) {
            // Handlers catch their own errors; this is the last line, so Slack never sees a 500 from us.
            String ref = Messages.reference();
            log.error("Unhandled error in a Slack handler, ref {}", ref, e);
            exchange.send(200, "application/json",
                    "{\"response_type\":\"ephemeral\",\"text\":" + TextNode.valueOf(Messages.sorry(ref).text()) + "}");
            return;
        }
        response.getHeaders().forEach((name, values) -> values.forEach(value ->
                exchange.response().getHeaders().add(name, value)));
        exchange.send(response.getStatusCode(), response.getContentType(), response.getBody());
    }

    /** Bolt refuses requests older than 5 minutes; one dated more than 5 minutes ahead is no fresher. */
    private static boolean fromTheFuture(String timestamp) {
        try {
            return Long.parseLong(timestamp) > System.currentTimeMillis() / 1000 + 300;
        } catch (NumberFormatException e) {
            return true;
        }
    }

    private static Map<String, List<String>> query(String rawQuery) {
        Map<String, List<String>> query = new HashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return query;
        }
        for (String pair : rawQuery.split("&")) {
            String[] parts = pair.split("=", 2);
            try {
                String name = URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
                String value = parts.length > 1 ? URLDecoder.decode(parts[1], StandardCharsets.UTF_8) : "";
                query.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
            } catch (IllegalArgumentException ignored) {
                // a malformed query parameter is dropped; Slack never sends one
            }
        }
        return query;
    }

    /**
     * Stops taking requests (new ones get 503), lets those taken finish for up to 5 s, then closes the ports.
     */
    @Override
    public void close() {
        closing = true;
        workers.shutdown();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        stopQuietly();
    }

    private void stopQuietly() {
        try {
            server.stop();
        } catch (Exception e) {
            log.warn("HTTP server did not stop cleanly: {}", e.toString());
        }
    }
}
