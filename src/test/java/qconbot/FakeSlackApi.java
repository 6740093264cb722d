package qconbot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Slack's Web API as far as the bot uses it, served over HTTP on 127.0.0.1: methods under /api/, response_urls
 * under /respond/. Records every call; answers ok unless a test scripted something else.
 */
public final class FakeSlackApi implements AutoCloseable {

    /** One call the bot made: the method ("chat.postMessage" or "respond/1"), its form fields or JSON body. */
    public record Call(String method, Map<String, String> form, JsonNode json, String authorization) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(8);
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final AtomicInteger timestamps = new AtomicInteger();
    /** Scripted answers per method, used in order before the default ok answer. */
    private final Map<String, java.util.Deque<Answer>> scripted = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * An HTTP answer: status, JSON body, extra headers (e.g. Retry-After). {@code delivered}: for chat.postMessage,
     * the message is kept (and shows in conversations.history) although the answer says it failed, as when Slack
     * posts and the answer is lost.
     */
    public record Answer(int status, String body, Map<String, String> headers, boolean delivered, long delayMillis,
                         boolean hangUp) {
        public Answer(int status, String body, Map<String, String> headers, boolean delivered) {
            this(status, body, headers, delivered, 0, false);
        }

        public Answer(int status, String body, Map<String, String> headers) {
            this(status, body, headers, false);
        }

        /**
         * Does the work at once (a chat.postMessage is delivered) but answers only after {@code millis}: longer than
         * the bot's timeout, it is a timeout after Slack already posted.
         */
        public static Answer slow(long millis, String json) {
            return new Answer(200, json, Map.of(), true, millis, false);
        }

        /** Closes the connection without answering. */
        public static Answer closeConnection() {
            return new Answer(0, "", Map.of(), false, 0, true);
        }

        public static Answer ok(String json) {
            return new Answer(200, json, Map.of());
        }

        public static Answer status(int status, Map<String, String> headers) {
            return new Answer(status, "{\"ok\":false,\"error\":\"http_" + status + "\"}", headers);
        }
    }

    /** Drops any scripted answers not used yet. */
    public void clearScript(String method) {
        scripted.remove(method);
    }

    /** A message the fake has "posted": what conversations.history returns. */
    public record Posted(String channel, String ts, String threadTs, String text, String metadata) {
    }

    private final List<Posted> posted = new CopyOnWriteArrayList<>();

    private final Map<String, String> zones = new java.util.concurrent.ConcurrentHashMap<>();

    private final Map<String, String> names = new java.util.concurrent.ConcurrentHashMap<>();

    /** users.info says {@code user}'s display name is {@code name}; users not given have none. */
    public FakeSlackApi name(String user, String name) {
        names.put(user, name);
        return this;
    }

    /** users.info says {@code user} is in {@code tz} (an IANA name); users not given have no tz. */
    public FakeSlackApi zone(String user, String tz) {
        zones.put(user, tz);
        return this;
    }

    /** The first message delivered to {@code channel} (a user id for a DM) in {@code threadTs} (null: not in a thread). */
    public Posted awaitPosted(String channel, String threadTs, Duration timeout) throws InterruptedException {
        long until = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < until) {
            for (Posted message : posted) {
                if (message.channel().equals(channel) && java.util.Objects.equals(message.threadTs(), threadTs)) {
                    return message;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("nothing posted to " + channel + ": " + posted);
    }

    /** Waits for a message posted to {@code channel} whose text has {@code words}. */
    public Posted awaitPostedWith(String channel, String words, Duration timeout) throws InterruptedException {
        long until = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < until) {
            for (Posted message : posted) {
                if (message.channel().equals(channel) && message.text() != null && message.text().contains(words)) {
                    return message;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("nothing with '" + words + "' posted to " + channel + ": " + posted);
    }

    /** Waits for a call to {@code path} (e.g. a response_url's) whose JSON has {@code words}. */
    public void awaitSaid(String path, String words, Duration timeout) throws InterruptedException {
        long until = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < until) {
            if (calls(path).stream().anyMatch(call -> String.valueOf(call.json()).contains(words))) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("nothing with '" + words + "' sent to " + path + ": " + calls(path));
    }

    /** Messages chat.postMessage delivered, in order. */
    public List<Posted> posted() {
        return List.copyOf(posted);
    }

    /** The next calls of {@code method} get these answers, in order; then the default ok answer again. */
    public FakeSlackApi script(String method, Answer... answers) {
        scripted.computeIfAbsent(method, m -> new java.util.concurrent.ConcurrentLinkedDeque<>()).addAll(List.of(answers));
        return this;
    }

    public FakeSlackApi() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(executor);
        server.createContext("/api/", this::method);
        server.createContext("/respond/", this::respond);
        server.createContext("/files/", this::file);
        server.start();
    }

    /** What SLACK_API_URL should be. */
    public String apiUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/api/";
    }

    public String responseUrl(String id) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/respond/" + id;
    }

    /** Every call so far, in order. */
    public List<Call> calls() {
        return List.copyOf(calls);
    }

    public List<Call> calls(String method) {
        return calls.stream().filter(call -> call.method().equals(method)).toList();
    }

    /** Waits, at most the given time, until the method has been called at least n times; returns its calls. */
    public List<Call> await(String method, int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (calls(method).size() < n && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return calls(method);
    }

    private void method(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestURI().getPath().substring("/api/".length());
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String contentType = String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type"));
            Map<String, String> form = contentType.startsWith("application/json") ? Map.of() : form(body);
            JsonNode json = contentType.startsWith("application/json") ? JSON.readTree(body) : null;
            calls.add(new Call(method, form, json, exchange.getRequestHeaders().getFirst("Authorization")));
            java.util.Deque<Answer> queue = scripted.get(method);
            Answer next = queue == null ? null : queue.pollFirst();
            if (next != null) {
                if (next.delivered() && method.equals("chat.postMessage")) {
                    deliver(form);
                }
                if (!behave(next)) {
                    return;
                }
                next.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
                send(exchange, next.status(), next.body());
            } else {
                send(exchange, 200, answer(method, form));
            }
        }
    }

    private void respond(HttpExchange exchange) throws IOException {
        try (exchange) {
            String id = exchange.getRequestURI().getPath().substring("/respond/".length());
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            calls.add(new Call("respond/" + id, Map.of(), JSON.readTree(body), null));
            java.util.Deque<Answer> queue = scripted.get("respond");
            Answer next = queue == null ? null : queue.pollFirst();
            if (next != null) {
                if (behave(next)) {
                    send(exchange, next.status(), next.body());
                }
                return;
            }
            send(exchange, 200, "ok");
        }
    }

    private final Map<String, byte[]> files = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, Long> fileDelays = new java.util.concurrent.ConcurrentHashMap<>();

    private final Map<String, String> fileTypes = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile boolean filesRead = true;

    /**
     * Serves {@code bytes} as a file someone sent (its url_private_download), after {@code delayMillis}, as
     * text/plain. As Slack does, only to a request with the bot token ({@link TestBot#TOKEN}) of an app with the
     * files:read scope: anything else gets Slack's HTML sign-in page, with status 200.
     */
    public String serveFile(String name, byte[] bytes, long delayMillis) {
        return serveFile(name, bytes, delayMillis, "text/plain; charset=utf-8");
    }

    /** The same, with the Content-Type Slack would give it ("application/pdf"). */
    public String serveFile(String name, byte[] bytes, long delayMillis, String contentType) {
        files.put(name, bytes);
        fileDelays.put(name, delayMillis);
        fileTypes.put(name, contentType);
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/files/" + name;
    }

    /** The app as installed without the files:read scope: every file URL answers with the sign-in page. */
    public FakeSlackApi withoutFilesRead() {
        filesRead = false;
        return this;
    }

    /** What Slack's file host answers a request it will not serve: a page to sign in with, and 200. */
    static final String SIGN_IN_PAGE = "<!DOCTYPE html>\n<html lang=\"en-US\"><head><title>Slack</title></head>"
            + "<body><form action=\"/signin\">Sign in to your workspace</form></body></html>\n";

    /** A file download: recorded as the call "files/NAME" with the Authorization header it came with. */
    private void file(HttpExchange exchange) throws IOException {
        try (exchange) {
            String name = exchange.getRequestURI().getPath().substring("/files/".length());
            calls.add(new Call("files/" + name, Map.of(), null, exchange.getRequestHeaders().getFirst("Authorization")));
            if (!behave(new Answer(200, "", Map.of(), true, fileDelays.getOrDefault(name, 0L), false))) {
                return;
            }
            byte[] bytes = files.get(name);
            if (bytes == null) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            if (!filesRead || !("Bearer " + TestBot.TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                bytes = SIGN_IN_PAGE.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            } else {
                exchange.getResponseHeaders().set("Content-Type", fileTypes.get(name));
            }
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
        } catch (IOException e) {
            // the bot gave up waiting: nothing to tell
        }
    }

    /** Waits or hangs up as an answer says; false when there is nothing left to send. */
    private static boolean behave(Answer answer) {
        if (answer.delayMillis() > 0) {
            try {
                Thread.sleep(answer.delayMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return !answer.hangUp();
    }

    private String answer(String method, Map<String, String> form) {
        return switch (method) {
            case "auth.test" -> "{\"ok\":true,\"url\":\"https://qcon-test.slack.com/\",\"team\":\"QCon test\","
                    + "\"user\":\"qcon\",\"team_id\":\"T0TEST\",\"user_id\":\"UBOT\",\"bot_id\":\"BBOT\"}";
            case "chat.postMessage" -> "{\"ok\":true,\"channel\":\"" + form.getOrDefault("channel", "C1")
                    + "\",\"ts\":\"" + deliver(form).ts() + "\"}";
            case "conversations.history" -> history(form);
            case "users.info" -> "{\"ok\":true,\"user\":{\"id\":\"" + form.getOrDefault("user", "U0") + "\""
                    + (zones.containsKey(form.get("user")) ? ",\"tz\":\"" + zones.get(form.get("user")) + "\"" : "")
                    + (names.containsKey(form.get("user")) ? ",\"name\":\"" + names.get(form.get("user"))
                    + "\",\"profile\":{\"display_name\":\"" + names.get(form.get("user")) + "\"}" : "") + "}}";
            case "chat.getPermalink" -> "{\"ok\":true,\"channel\":\"" + form.getOrDefault("channel", "C1")
                    + "\",\"permalink\":\"https://qcon-test.slack.com/archives/" + form.getOrDefault("channel", "C1")
                    + "/p" + form.getOrDefault("message_ts", "1").replace(".", "") + "\"}";
            default -> "{\"ok\":true}";
        };
    }

    private Posted deliver(Map<String, String> form) {
        Posted message = new Posted(form.getOrDefault("channel", "C1"),
                "1700000000." + String.format("%06d", timestamps.incrementAndGet()), form.get("thread_ts"),
                form.get("text"), form.get("metadata"));
        posted.add(message);
        return message;
    }

    /** The channel's top-level messages, newest first, with their metadata when asked for. */
    private String history(Map<String, String> form) {
        List<String> messages = new ArrayList<>();
        for (Posted message : posted) {
            if (message.channel().equals(form.get("channel")) && message.threadTs() == null) {
                String metadata = message.metadata() != null && List.of("true", "1").contains(form.get("include_all_metadata"))
                        ? ",\"metadata\":" + message.metadata() : "";
                messages.add(0, "{\"type\":\"message\",\"bot_id\":\"BBOT\",\"ts\":\"" + message.ts() + "\"" + metadata + "}");
            }
        }
        return "{\"ok\":true,\"messages\":[" + String.join(",", messages) + "],\"has_more\":false}";
    }

    private static Map<String, String> form(String body) {
        Map<String, String> form = new LinkedHashMap<>();
        if (body.isEmpty()) {
            return form;
        }
        for (String pair : body.split("&")) {
            String[] parts = pair.split("=", 2);
            form.put(URLDecoder.decode(parts[0], StandardCharsets.UTF_8),
                    parts.length > 1 ? URLDecoder.decode(parts[1], StandardCharsets.UTF_8) : "");
        }
        return form;
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    /** Duration helper so tests read well: FakeSlackApi.seconds(5). */
    public static Duration seconds(long seconds) {
        return Duration.ofSeconds(seconds);
    }

    public List<String> methodsCalled() {
        List<String> names = new ArrayList<>();
        calls.forEach(call -> names.add(call.method()));
        return names;
    }
}
