package qconbot.slack;

import com.slack.api.app_backend.SlackSignature;
import com.slack.api.bolt.App;
import com.slack.api.bolt.request.Request;
import com.slack.api.bolt.request.RequestHeaders;
import com.slack.api.bolt.response.Response;
import com.slack.api.bolt.util.SlackRequestParser;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import qconbot.commands.Messages;
import qconbot.commands.Reply;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Serves Bolt on the JDK's HTTP server (bolt-jetty stops at 1.45): POST /slack/events for commands, interactivity
 * and events; GET /health; GET /metrics (Prometheus text), on the same port or on a management port of their own.
 * Paths are matched exactly. The signature is checked before anything in the body is parsed.
 */
public final class BoltHttpServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BoltHttpServer.class);

    static {
        // The JDK server writes headers and body separately; with Nagle's algorithm on, the body then waits for the
        // client's delayed ACK, adding up to 40 ms to every answer. Read once, when the server classes first load.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }
    /** Slack's payloads are a few KB; a view submission can reach a few hundred. */
    static final int MAX_BODY = 1024 * 1024;

    /** What /health says: HTTP status and a JSON body. */
    public record Health(int status, String json) {
    }

    private final HttpServer server;
    /** /health and /metrics on 127.0.0.1 alone, when QCON_MANAGEMENT_PORT is set; else null. */
    private final HttpServer management;
    private final App app;
    private final SlackRequestParser parser;
    private final SlackSignature.Verifier verifier;
    private final Supplier<Health> health;
    private final Supplier<String> metrics;

    /**
     * @param address    where Slack's requests come in (QCON_BIND, PORT)
     * @param management where /health and /metrics are served instead, on their own (null: on {@code address} too)
     */
    public BoltHttpServer(App app, String signingSecret, InetSocketAddress address, InetSocketAddress management,
                          ExecutorService executor, Supplier<Health> health, Supplier<String> metrics) throws IOException {
        this.app = app;
        this.parser = new SlackRequestParser(app.config());
        this.verifier = new SlackSignature.Verifier(new SlackApp.Utf8Signature(signingSecret));
        this.health = health;
        this.metrics = metrics;
        this.server = HttpServer.create(address, 128);
        server.setExecutor(executor);
        server.createContext("/", exchange -> route(exchange, management == null));
        if (management == null) {
            this.management = null;
        } else {
            this.management = HttpServer.create(management, 16);
            this.management.setExecutor(executor);
            this.management.createContext("/", exchange -> route(exchange, true));
        }
    }

    public BoltHttpServer start() {
        server.start();
        if (management != null) {
            management.start();
        }
        return this;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The management port, or -1 when /health and /metrics share {@link #port}. */
    public int managementPort() {
        return management == null ? -1 : management.getAddress().getPort();
    }

    /** Exact paths only ("/metrics-secret" is not "/metrics"), and only the method each takes. */
    private void route(HttpExchange exchange, boolean withManagement) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        boolean onSlackPort = exchange.getHttpContext().getServer() == server;
        if (onSlackPort && path.equals("/slack/events")) {
            events(exchange);
        } else if (withManagement && (path.equals("/health") || path.equals("/metrics"))) {
            try (exchange) {
                if (!"GET".equals(method)) {
                    exchange.getResponseHeaders().set("Allow", "GET");
                    send(exchange, 405, "application/json", "{\"error\":\"use GET\"}");
                } else if (path.equals("/health")) {
                    Health now = health.get();
                    send(exchange, now.status(), "application/json", now.json());
                } else {
                    send(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.get());
                }
            }
        } else {
            try (exchange) {
                send(exchange, 404, "application/json", "{\"error\":\"not found\"}");
            }
        }
    }

    /** Requests being handled now; close() waits for them. */
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean closing;

    /**
     * POST /slack/events. Long because its order is the protection: refuse while closing, then a wrong method, then
     * an oversized body, then a bad or stale signature, and only then let Bolt parse and run anything.
     */
    private void events(HttpExchange exchange) throws IOException {
        inFlight.incrementAndGet();
        try (exchange) {
            if (closing) {
                // Slack retries events and shows commands failed: better than a half-handled request.
                send(exchange, 503, "application/json", "{\"error\":\"shutting down\"}");
                return;
            }
            if (!"POST".equals(exchange.getRequestMethod())) {
                send(exchange, 405, "application/json", "{\"error\":\"use POST\"}");
                return;
            }
            byte[] bytes = readBody(exchange.getRequestBody());
            if (bytes == null) {
                send(exchange, 413, "application/json", "{\"error\":\"request body too large\"}");
                return;
            }
            String body = new String(bytes, StandardCharsets.UTF_8);
            Map<String, List<String>> headers = new HashMap<>(exchange.getRequestHeaders());
            RequestHeaders requestHeaders = new RequestHeaders(headers);
            String timestamp = requestHeaders.getFirstValue(SlackSignature.HeaderNames.X_SLACK_REQUEST_TIMESTAMP);
            if (!verifier.isValid(timestamp, body, requestHeaders.getFirstValue(SlackSignature.HeaderNames.X_SLACK_SIGNATURE))
                    || fromTheFuture(timestamp)) {
                send(exchange, 401, "application/json", "{\"error\":\"invalid signature\"}");
                return;
            }
            Request<?> request;
            try {
                request = parser.parse(SlackRequestParser.HttpRequest.builder()
                        .requestUri(exchange.getRequestURI().getPath())
                        .queryString(query(exchange.getRequestURI().getRawQuery()))
                        .headers(requestHeaders)
                        .requestBody(body)
                        .remoteAddress(exchange.getRemoteAddress().getAddress().getHostAddress())
                        .build());
            } catch (RuntimeException e) {
                log.warn("Signed request with a body Bolt cannot read: {}", e.getClass().getSimpleName());
                send(exchange, 400, "application/json", "{\"error\":\"unreadable request\"}");
                return;
            }
            Response response;
            try {
                response = app.run(request);
            } catch (Exception e) {
                // Handlers catch their own errors; this is the last line, so Slack never sees a 500 from us.
                String ref = Messages.reference();
                log.error("Unhandled error in a Slack handler, ref {}", ref, e);
                Reply sorry = Messages.sorry(ref);
                send(exchange, 200, "application/json",
                        "{\"response_type\":\"ephemeral\",\"text\":" + com.fasterxml.jackson.databind.node.TextNode.valueOf(sorry.text()) + "}");
                return;
            }
            response.getHeaders().forEach((name, values) -> exchange.getResponseHeaders().put(name, values));
            send(exchange, response.getStatusCode(), response.getContentType(), response.getBody());
        } finally {
            inFlight.decrementAndGet();
        }
    }

    /** Bolt refuses requests older than 5 minutes; one dated more than 5 minutes ahead is no fresher. */
    private static boolean fromTheFuture(String timestamp) {
        try {
            return Long.parseLong(timestamp) > System.currentTimeMillis() / 1000 + 300;
        } catch (NumberFormatException e) {
            return true;
        }
    }

    /** The body, or null when it is larger than {@link #MAX_BODY}. */
    private static byte[] readBody(InputStream in) throws IOException {
        byte[] bytes = in.readNBytes(MAX_BODY + 1);
        return bytes.length > MAX_BODY ? null : bytes;
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

    private static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        if (contentType != null) {
            exchange.getResponseHeaders().set("Content-Type", contentType);
        }
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /**
     * Stops taking requests (new ones get 503), lets those in flight finish for up to 5 s, then closes the port.
     * (HttpServer.stop(n) alone waits the whole n seconds on Java 17, busy or not.)
     */
    @Override
    public void close() {
        closing = true;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        server.stop(0);
        if (management != null) {
            management.stop(0);
        }
    }
}
