package qconbot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.java_websocket.WebSocket;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.server.WebSocketServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real bot over Socket Mode: apps.connections.open on a {@link FakeSlackApi} hands out the address of a fake
 * Socket Mode server on 127.0.0.1, which sends envelopes the way Slack does and collects the bot's acks.
 */
class SocketModeTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String APP_TOKEN = "xapp-1-A0QCON-1-test";
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    static Path dir;
    static FakeSlackApi slack;
    static FakeSocketMode socketMode;
    static Main.Bot bot;

    @BeforeAll
    static void start() throws Exception {
        slack = new FakeSlackApi();
        socketMode = new FakeSocketMode();
        socketMode.answerConnectionsOpen(slack);
        bot = Main.start(socketModeConfig(slack.apiUrl(), dir.resolve("qcon.db")));
        socketMode.awaitConnection(WAIT);
    }

    @AfterAll
    static void stop() throws Exception {
        // The bot first, while it is still connected: only then does the SDK disconnect and stop reconnecting.
        if (bot != null) {
            bot.close();
        }
        if (socketMode != null) {
            socketMode.close();
        }
        if (slack != null) {
            slack.close();
        }
    }

    /**
     * Socket Mode settings as an operator gives them: an app token and no signing secret. Loaded from a map, with
     * QCON_CONFIG naming an empty file so that a developer's config/qcon.env stays out of the test.
     */
    static Config socketModeConfig(String apiUrl, Path db) throws IOException {
        Path noConfigFile = Files.writeString(dir.resolve("empty.env"), "");
        return Config.load(Map.of(
                Config.SLACK_BOT_TOKEN, "xoxb-test-token",
                Config.SLACK_APP_TOKEN, APP_TOKEN,
                Config.SLACK_API_URL, apiUrl,
                Config.PORT, "0",
                Config.QCON_DB, db.toString(),
                Config.QCON_NOTES, TestBot.NOTES.toString(),
                Config.QCON_CONFIG, noConfigFile.toString(), Config.QCON_SEMANTIC, "off",
                Config.QCON_QUESTIONS_CHANNEL, AskTheTeamTest.QUESTIONS));
    }

    @Test
    void slash_command_over_socket_mode_is_acked_with_the_talk_summary() throws Exception {
        Map<String, Object> command = Map.ofEntries(
                Map.entry("token", "unused-legacy-token"),
                Map.entry("team_id", "T0TEST"),
                Map.entry("team_domain", "qcon-test"),
                Map.entry("channel_id", "C0GENERAL"),
                Map.entry("channel_name", "general"),
                Map.entry("user_id", "U0ALICE"),
                Map.entry("user_name", "alice"),
                Map.entry("command", "/qcon"),
                Map.entry("text", "monzo"),
                Map.entry("api_app_id", "A0QCON"),
                Map.entry("is_enterprise_install", "false"),
                Map.entry("response_url", slack.responseUrl("sm-unused")),
                Map.entry("trigger_id", "1.2.3"));

        socketMode.send("env-command-1", "slash_commands", true, command);
        JsonNode ack = socketMode.awaitAck("env-command-1", WAIT);

        assertEquals("env-command-1", ack.path("envelope_id").asText());
        JsonNode reply = ack.path("payload");
        assertEquals("ephemeral", reply.path("response_type").asText(), ack.toString());
        JsonNode first = reply.path("blocks").path(0);
        assertEquals("header", first.path("type").asText(), ack.toString());
        assertEquals("microservices at Monzo", first.path("text").path("text").asText());
        assertTrue(reply.toString().contains("\"action_id\":\"share_talk\""), "has a Share in channel button");

        List<FakeSlackApi.Call> opens = slack.calls("apps.connections.open");
        assertFalse(opens.isEmpty(), slack.methodsCalled().toString());
        opens.forEach(open -> assertEquals("Bearer " + APP_TOKEN, open.authorization(),
                "apps.connections.open takes the app-level token, not the bot token"));
    }

    @Test
    void block_action_over_socket_mode_posts_through_the_response_url() throws Exception {
        Map<String, Object> click = Map.of(
                "type", "block_actions",
                "team", Map.of("id", "T0TEST", "domain", "qcon-test"),
                "user", Map.of("id", "U0ALICE", "username", "alice", "team_id", "T0TEST"),
                "api_app_id", "A0QCON",
                "token", "unused-legacy-token",
                "trigger_id", "1.2.3",
                "channel", Map.of("id", "C0GENERAL", "name", "general"),
                "response_url", slack.responseUrl("sm-1"),
                "actions", List.of(Map.of("type", "button", "action_id", "share_talk", "block_id", "b1",
                        "value", "qcon-2020.txt/day-3/microservices-at-monzo", "action_ts", "1700000000.000001")));

        socketMode.send("env-click-1", "interactive", false, click);

        JsonNode ack = socketMode.awaitAck("env-click-1", WAIT);
        assertTrue(ack.path("payload").isMissingNode(), "a button click is acked with nothing to show: " + ack);
        List<FakeSlackApi.Call> posted = slack.await("respond/sm-1", 1, WAIT);
        assertEquals(1, posted.size(), slack.methodsCalled().toString());
        JsonNode message = posted.get(0).json();
        assertEquals("in_channel", message.path("response_type").asText());
        assertEquals("microservices at Monzo", message.path("blocks").path(0).path("text").path("text").asText());
        assertTrue(message.toString().contains("Shared by <@U0ALICE>"), message.toString());
    }

    @Test
    void asking_the_team_goes_round_the_whole_loop_over_socket_mode() throws Exception {
        socketMode.send("env-ask-1", "slash_commands", true, command(AskTheTeamTest.ASKED, "U0ANN", slack.responseUrl("sm-q")));
        String value = AskTheTeamTest.button(socketMode.awaitAck("env-ask-1", WAIT).path("payload"), "ask_team");
        socketMode.send("env-ask-2", "interactive", false, AskTheTeamTest.clickIn("U0ANN", "ask_team", value, List.of(),
                "7.7", slack.responseUrl("sm-ask")));
        FakeSlackApi.Posted question = posted(AskTheTeamTest.QUESTIONS);
        // the bot records the post's ts, then says so; a reply before that would be no question's
        slack.awaitSaid("respond/sm-ask", "Posted *Q", WAIT);

        String replyTs = "1700000200.000300";
        socketMode.send("env-ask-3", "events_api", false, Map.of("token", "unused-legacy-token", "team_id", "T0TEST",
                "api_app_id", "A0QCON", "type", "event_callback", "event_id", "EvSocket1", "event_time", 1700000200,
                "event", AskTheTeamTest.reply(question.ts(), replyTs, "U0BOB", "Sam from payments, every other week")));
        socketMode.awaitAck("env-ask-3", WAIT);
        socketMode.send("env-ask-4", "interactive", false, AskTheTeamTest.shortcut("U0BOB", question.ts(), replyTs, "U0BOB",
                "Sam from payments, every other week"));
        List<FakeSlackApi.Call> opened = slack.await("views.open", 1, WAIT);
        String metadata = JSON.readTree(opened.get(opened.size() - 1).form().get("view")).path("private_metadata").asText();
        assertTrue(metadata.startsWith("q:"), metadata);
        socketMode.send("env-ask-5", "interactive", false, AskTheTeamTest.answer("U0BOB", "VSOCKET1", metadata,
                AskTheTeamTest.MONZO, "Sam from payments, every other week"));
        socketMode.awaitAck("env-ask-5", WAIT);
        assertTrue(posted("U0ANN").text().contains("has an answer from <@U0BOB>"), "the asker is told");

        socketMode.send("env-ask-6", "slash_commands", true, command(AskTheTeamTest.ASKED, "U0CAT", slack.responseUrl("sm-q2")));
        String again = socketMode.awaitAck("env-ask-6", WAIT).toString();
        assertTrue(again.contains("Sam from payments, every other week") && again.contains("added by <@U0BOB>"), again);
    }

    private static Map<String, Object> command(String text, String user, String responseUrl) {
        return Map.ofEntries(Map.entry("token", "unused-legacy-token"), Map.entry("team_id", "T0TEST"),
                Map.entry("team_domain", "qcon-test"), Map.entry("channel_id", "C0GENERAL"),
                Map.entry("channel_name", "general"), Map.entry("user_id", user), Map.entry("user_name", user.toLowerCase()),
                Map.entry("command", "/qcon"), Map.entry("text", text), Map.entry("api_app_id", "A0QCON"),
                Map.entry("is_enterprise_install", "false"), Map.entry("response_url", responseUrl),
                Map.entry("trigger_id", "1.2.3"));
    }

    private static FakeSlackApi.Posted posted(String channel) throws InterruptedException {
        return slack.awaitPosted(channel, null, WAIT);
    }

    @Test
    void health_over_http_is_ok_in_socket_mode() throws Exception {
        HttpClient http = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY)
                .connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + bot.port() + "/health"))
                .timeout(Duration.ofSeconds(5)).GET().build();

        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());

        assertEquals(200, response.statusCode(), response.body());
        assertEquals("ok", JSON.readTree(response.body()).path("status").asText(), response.body());
    }

    @Test
    void socket_mode_keeps_retrying_when_apps_connections_open_fails_and_then_connects() throws Exception {
        try (FakeSlackApi flaky = new FakeSlackApi(); FakeSocketMode server = new FakeSocketMode()) {
            flaky.script("apps.connections.open", FakeSlackApi.Answer.ok("{\"ok\":false,\"error\":\"internal_error\"}"));
            server.answerConnectionsOpen(flaky);

            try (Main.Bot retrying = Main.start(socketModeConfig(flaky.apiUrl(), dir.resolve("retry.db")))) {
                server.awaitConnection(WAIT);

                List<FakeSlackApi.Call> opens = flaky.calls("apps.connections.open");
                assertTrue(opens.size() >= 2, "asked again after internal_error: " + flaky.methodsCalled());
                server.send("env-retry-1", "slash_commands", true, Map.of("command", "/qcon", "text", "quarkas",
                        "user_id", "U0ALICE", "channel_id", "C0GENERAL", "team_id", "T0TEST",
                        "response_url", flaky.responseUrl("unused")));
                JsonNode ack = server.awaitAck("env-retry-1", WAIT);
                assertEquals("quarkus", ack.path("payload").path("blocks").path(0).path("text").path("text").asText(),
                        ack.toString());
            }
        }
    }

    /**
     * Slack's Socket Mode server as far as the bot sees it: says hello on connect, sends envelopes, and keeps each
     * ack ({"envelope_id":..., "payload":...}) by its envelope id.
     */
    static final class FakeSocketMode extends WebSocketServer implements AutoCloseable {

        private final int port;
        private final CountDownLatch connected = new CountDownLatch(1);
        private final Map<String, CompletableFuture<JsonNode>> acks = new ConcurrentHashMap<>();
        private final List<String> problems = new CopyOnWriteArrayList<>();
        private volatile WebSocket current;

        FakeSocketMode() throws IOException {
            this(bindLoopback());
        }

        private FakeSocketMode(ServerSocketChannel channel) throws IOException {
            super(channel);
            this.port = ((InetSocketAddress) channel.getLocalAddress()).getPort();
            setDaemon(true);
            setReuseAddr(true);
            start();
        }

        private static ServerSocketChannel bindLoopback() throws IOException {
            ServerSocketChannel channel = ServerSocketChannel.open();
            channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return channel;
        }

        /** apps.connections.open answers with this server's URL; a few extra for the SDK's reconnects. */
        void answerConnectionsOpen(FakeSlackApi api) {
            FakeSlackApi.Answer url = FakeSlackApi.Answer.ok("{\"ok\":true,\"url\":\"ws://127.0.0.1:" + port + "/link\"}");
            for (int i = 0; i < 10; i++) {
                api.script("apps.connections.open", url);
            }
        }

        void awaitConnection(Duration timeout) throws InterruptedException, TimeoutException {
            if (!connected.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new TimeoutException("the bot did not open a Socket Mode connection within " + timeout
                        + "; server problems: " + problems);
            }
        }

        /** Sends one envelope, as Slack does, on the bot's current connection. */
        void send(String envelopeId, String type, boolean acceptsResponsePayload, Map<String, Object> payload)
                throws IOException {
            current.send(JSON.writeValueAsString(Map.of("envelope_id", envelopeId, "type", type,
                    "accepts_response_payload", acceptsResponsePayload, "payload", payload)));
        }

        /** The bot's ack for the envelope; Slack gives a bot 3 seconds, the test gives it {@code timeout}. */
        JsonNode awaitAck(String envelopeId, Duration timeout) throws Exception {
            try {
                return ackFor(envelopeId).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw new TimeoutException("no ack for envelope " + envelopeId + " within " + timeout
                        + "; acks so far: " + acks.keySet() + "; server problems: " + problems);
            }
        }

        private CompletableFuture<JsonNode> ackFor(String envelopeId) {
            return acks.computeIfAbsent(envelopeId, id -> new CompletableFuture<>());
        }

        @Override
        public void onOpen(WebSocket connection, ClientHandshake handshake) {
            current = connection;
            connection.send("{\"type\":\"hello\",\"num_connections\":1,\"debug_info\":{\"host\":\"fake-socket-mode\","
                    + "\"build_number\":1,\"approximate_connection_time\":18060},\"connection_info\":{\"app_id\":\"A0QCON\"}}");
            connected.countDown();
        }

        @Override
        public void onMessage(WebSocket connection, String message) {
            try {
                JsonNode ack = JSON.readTree(message);
                ackFor(ack.path("envelope_id").asText()).complete(ack);
            } catch (IOException e) {
                problems.add("not JSON: " + message);
            }
        }

        @Override
        public void onClose(WebSocket connection, int code, String reason, boolean remote) {
            // The bot closing its end is normal at the end of a test; an unexpected close shows up as a missing ack.
        }

        @Override
        public void onError(WebSocket connection, Exception e) {
            problems.add(e.toString());
        }

        @Override
        public void onStart() {
            // Nothing to wait for: the port was bound before start().
        }

        @Override
        public void close() throws InterruptedException {
            stop(1000);
        }
    }
}
