package qconbot;

import com.fasterxml.jackson.databind.ObjectMapper;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;

/** Sends requests to the bot the way Slack does: form or JSON bodies signed with the app's signing secret. */
public final class SlackRequests implements AutoCloseable {

    public static final String SECRET = "test-signing-secret";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final HttpClient http = HttpClient.newBuilder()
            .proxy(HttpClient.Builder.NO_PROXY)
            .executor(executor)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    public SlackRequests(int port) {
        this.baseUrl = "http://127.0.0.1:" + port;
    }

    /** A signed /qcon request, as Slack sends it when someone types "/qcon {text}". */
    public HttpResponse<String> command(String text) throws IOException, InterruptedException {
        return post(commandBody(text), "application/x-www-form-urlencoded", now(), true);
    }

    /** "/qcon {text}" typed by {@code user} in #general, with replies to {@code responseUrl}. */
    public HttpResponse<String> command(String text, String user, String responseUrl) throws IOException, InterruptedException {
        String body = commandBody(text).replace("user_id=U0ALICE", "user_id=" + user)
                .replace("response_url=" + URLEncoder.encode("http://127.0.0.1:9/unused", StandardCharsets.UTF_8),
                        "response_url=" + URLEncoder.encode(responseUrl, StandardCharsets.UTF_8))
                .replace("trigger_id=1.2.3", "trigger_id=" + System.nanoTime());
        return post(body, "application/x-www-form-urlencoded", now(), true);
    }

    /** A click on an action item's button (or a pick in its user select) in #general. */
    public HttpResponse<String> itemClick(String actionId, String blockId, String user, String responseUrl,
                                          String actionTs, String selectedUser) throws IOException, InterruptedException {
        Map<String, Object> action = new LinkedHashMap<>();
        action.put("type", selectedUser == null ? "button" : "users_select");
        action.put("action_id", actionId);
        action.put("block_id", blockId);
        action.put("action_ts", actionTs);
        if (selectedUser == null) {
            action.put("value", blockId.split(":")[1]);
        } else {
            action.put("selected_user", selectedUser);
        }
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("type", "block_actions");
        payload.put("team", Map.of("id", "T0TEST", "domain", "qcon-test"));
        payload.put("user", Map.of("id", user, "username", user.toLowerCase(), "team_id", "T0TEST"));
        payload.put("api_app_id", "A0QCON");
        payload.put("token", "unused-legacy-token");
        payload.put("trigger_id", "1.2.3");
        payload.put("container", Map.of("type", "message", "message_ts", "1700000000.000009", "channel_id", "C0GENERAL", "is_ephemeral", true));
        payload.put("channel", Map.of("id", "C0GENERAL", "name", "general"));
        payload.put("response_url", responseUrl);
        payload.put("actions", java.util.List.of(action));
        return post("payload=" + URLEncoder.encode(JSON.writeValueAsString(payload), StandardCharsets.UTF_8),
                "application/x-www-form-urlencoded", now(), true);
    }

    /** An Events API delivery; {@code retryNum} > 0 marks it as Slack's retry of an earlier one. */
    public HttpResponse<String> event(Map<String, Object> event, String eventId, int retryNum) throws IOException, InterruptedException {
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("token", "unused-legacy-token");
        envelope.put("team_id", "T0TEST");
        envelope.put("api_app_id", "A0QCON");
        envelope.put("event", event);
        envelope.put("type", "event_callback");
        envelope.put("event_id", eventId);
        envelope.put("event_time", now());
        String body = JSON.writeValueAsString(envelope);
        long timestamp = now();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + "/slack/events"))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .header("X-Slack-Request-Timestamp", String.valueOf(timestamp))
                .header("X-Slack-Signature", signature(SECRET, timestamp, body))
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (retryNum > 0) {
            request.header("X-Slack-Retry-Num", String.valueOf(retryNum)).header("X-Slack-Retry-Reason", "http_timeout");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    public static String commandBody(String text) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("token", "unused-legacy-token");
        form.put("team_id", "T0TEST");
        form.put("team_domain", "qcon-test");
        form.put("channel_id", "C0GENERAL");
        form.put("channel_name", "general");
        form.put("user_id", "U0ALICE");
        form.put("user_name", "alice");
        form.put("command", "/qcon");
        form.put("text", text);
        form.put("api_app_id", "A0QCON");
        form.put("response_url", "http://127.0.0.1:9/unused");
        form.put("trigger_id", "1.2.3");
        return form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    /** A signed block_actions request for a button click, answered through {@code responseUrl}. */
    public HttpResponse<String> click(String actionId, String value, String responseUrl) throws IOException, InterruptedException {
        Map<String, Object> payload = Map.of(
                "type", "block_actions",
                "team", Map.of("id", "T0TEST", "domain", "qcon-test"),
                "user", Map.of("id", "U0ALICE", "username", "alice", "team_id", "T0TEST"),
                "api_app_id", "A0QCON",
                "token", "unused-legacy-token",
                "trigger_id", "1.2.3",
                "channel", Map.of("id", "C0GENERAL", "name", "general"),
                "response_url", responseUrl,
                "actions", java.util.List.of(Map.of("type", "button", "action_id", actionId, "block_id", "b1",
                        "value", value, "action_ts", "1700000000.000001")));
        String body = "payload=" + URLEncoder.encode(JSON.writeValueAsString(payload), StandardCharsets.UTF_8);
        return post(body, "application/x-www-form-urlencoded", now(), true);
    }

    /** A signed interactive payload (a shortcut, a view submission), form-encoded as Slack sends it. */
    public HttpResponse<String> interactive(Map<String, Object> payload) throws IOException, InterruptedException {
        String body = "payload=" + URLEncoder.encode(JSON.writeValueAsString(payload), StandardCharsets.UTF_8);
        return post(body, "application/x-www-form-urlencoded", now(), true);
    }

    /** A click by {@code user} on a button (action id, block id, value) in {@code channel}, answered through {@code responseUrl}. */
    public HttpResponse<String> buttonClick(String user, String channel, String actionId, String blockId, String value,
                                            String responseUrl) throws IOException, InterruptedException {
        return interactive(clickPayload(user, channel, actionId, blockId, value, String.valueOf(System.nanoTime()),
                responseUrl, null));
    }

    /**
     * A block_actions payload: {@code user} clicked {@code actionId} (a feedback button for "answer_feedback") in
     * {@code blockId} of a message in {@code channel}; with {@code messageBlocks}, the ephemeral message it was on.
     * The same {@code actionTs} again is Slack's replay of the same click.
     */
    public static Map<String, Object> clickPayload(String user, String channel, String actionId, String blockId, String value,
                                                   String actionTs, String responseUrl,
                                                   java.util.List<Map<String, Object>> messageBlocks) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("type", "block_actions");
        payload.put("team", Map.of("id", "T0TEST", "domain", "qcon-test"));
        payload.put("user", Map.of("id", user, "username", user.toLowerCase(), "team_id", "T0TEST"));
        payload.put("api_app_id", "A0QCON");
        payload.put("trigger_id", "5.5.5");
        payload.put("channel", Map.of("id", channel, "name", channel.toLowerCase()));
        payload.put("response_url", responseUrl);
        if (messageBlocks != null) {
            payload.put("container", Map.of("type", "message", "is_ephemeral", true));
            payload.put("message", Map.of("type", "message", "ts", "1700000000.000900", "blocks", messageBlocks));
        }
        payload.put("actions", java.util.List.of(Map.of("type", actionId.equals("answer_feedback") ? "feedback_buttons" : "button",
                "action_id", actionId, "block_id", blockId, "value", value, "action_ts", actionTs)));
        return payload;
    }

    /** A modal submitted by {@code user}: its view id, callback_id, private metadata and state values by block. */
    public static Map<String, Object> viewSubmission(String user, String viewId, String callbackId, String privateMetadata,
                                                     Map<String, Object> values) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", viewId);
        view.put("type", "modal");
        view.put("callback_id", callbackId);
        view.put("private_metadata", privateMetadata);
        view.put("state", Map.of("values", values));
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("type", "view_submission");
        payload.put("team", Map.of("id", "T0TEST", "domain", "qcon-test"));
        payload.put("user", Map.of("id", user, "name", user.toLowerCase()));
        payload.put("api_app_id", "A0QCON");
        payload.put("trigger_id", "9.8.8");
        payload.put("view", view);
        return payload;
    }

    /** A file {@code user} sent the bot by direct message, as Slack's message event with subtype file_share. */
    public static Map<String, Object> fileShare(String user, String name, int size, String url) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("type", "message");
        event.put("subtype", "file_share");
        event.put("channel", "D0" + user.substring(2));
        event.put("channel_type", "im");
        event.put("user", user);
        event.put("text", "");
        event.put("ts", "1700000001.000100");
        event.put("files", java.util.List.of(Map.of("id", "F0" + name.hashCode(), "name", name, "size", size,
                "mimetype", "text/plain", "filetype", "text", "url_private_download", url)));
        return event;
    }

    /** A plain-text input's state in a submitted modal (block and action id alike, as the bot's forms use them). */
    public static Map<String, Object> textInput(String id, String value) {
        return Map.of(id, Map.of("type", "plain_text_input", "value", value));
    }

    public HttpResponse<String> json(String body) throws IOException, InterruptedException {
        return post(body, "application/json", now(), true);
    }

    /** Posts a body to /slack/events; signed with the right secret when {@code sign}, else with no signature at all. */
    public HttpResponse<String> post(String body, String contentType, long timestamp, boolean sign)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + "/slack/events"))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (sign) {
            request.header("X-Slack-Request-Timestamp", String.valueOf(timestamp))
                    .header("X-Slack-Signature", signature(SECRET, timestamp, body));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    /** Posts with explicit signature headers, for forged-signature tests. */
    public HttpResponse<String> postWith(String body, String contentType, String timestamp, String signature)
            throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/slack/events"))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", contentType)
                .header("X-Slack-Request-Timestamp", timestamp)
                .header("X-Slack-Signature", signature)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(10)).GET().build();
        return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    /**
     * The JSON body with its escapes decoded: Bolt writes "<" as "\\u003c", so a raw-body check for "<!channel>"
     * would pass whatever the bot did. Assert on this instead.
     */
    public static String decoded(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body()).toString();
    }

    /** Slack's v0 signature, computed here independently of the bot's own code. */
    public static String signature(String secret, long timestamp, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "v0=" + HexFormat.of().formatHex(
                    mac.doFinal(("v0:" + timestamp + ":" + body).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static long now() {
        return System.currentTimeMillis() / 1000;
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
