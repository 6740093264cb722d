import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import com.slack.api.bolt.App;
import com.slack.api.bolt.AppConfig;
import com.slack.api.bolt.request.Request;
import com.slack.api.bolt.request.RequestHeaders;
import com.slack.api.bolt.response.Response;
import com.slack.api.bolt.util.SlackRequestParser;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * Baseline for bench/run.sh: the minimal Bolt for Java app a team might write instead of qcon-bot. It answers
 * /qcon with a fixed text and does no work. Bolt 1.51 on the JDK's HTTP server through a small adapter (bolt-jetty
 * stops at 1.45), with Bolt's defaults: its own signature check (RequestVerification) and single-team
 * authorization (auth.test, answered by bench/NoopServer.java --slack). GET /health answers 200, for the start-up
 * measurement. Environment: SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_API_URL, PORT. Listens on 127.0.0.1 only.
 * Its one line of tuning, sun.net.httpserver.nodelay, is explained where it is set: without it this baseline would
 * be 40 ms slower per request for a reason that has nothing to do with Bolt.
 */
public final class BoltBaseline {

    public static void main(String[] args) throws IOException {
        // The JDK's HTTP server leaves Nagle's algorithm on and writes an answer's headers and body separately, so
        // on a kept-alive connection the body waits for the client's delayed ACK: 40 ms a request on Linux.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        SlackConfig slackConfig = new SlackConfig();
        if (System.getenv("SLACK_API_URL") != null) {
            slackConfig.setMethodsEndpointUrlPrefix(System.getenv("SLACK_API_URL"));
        }
        App app = new App(AppConfig.builder()
                .singleTeamBotToken(System.getenv("SLACK_BOT_TOKEN"))
                .signingSecret(System.getenv("SLACK_SIGNING_SECRET"))
                .slack(Slack.getInstance(slackConfig))
                .build());
        app.command("/qcon", (req, ctx) -> ctx.ack("Baseline: a fixed answer, no search."));
        app.start();

        SlackRequestParser parser = new SlackRequestParser(app.config());
        int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "3000"));
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
        server.setExecutor(Executors.newFixedThreadPool(16));
        server.createContext("/slack/events", exchange -> {
            try (exchange) {
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                Map<String, List<String>> headers = new HashMap<>(exchange.getRequestHeaders());
                Request<?> request = parser.parse(SlackRequestParser.HttpRequest.builder()
                        .requestUri(exchange.getRequestURI().getPath())
                        .headers(new RequestHeaders(headers))
                        .requestBody(body)
                        .remoteAddress(exchange.getRemoteAddress().getAddress().getHostAddress())
                        .build());
                Response response = app.run(request);
                response.getHeaders().forEach((name, values) -> exchange.getResponseHeaders().put(name, values));
                send(exchange, response.getStatusCode(), response.getContentType(), response.getBody());
            } catch (Exception e) {
                send(exchange, 500, "text/plain", "error");
            }
        });
        server.createContext("/health", exchange -> {
            try (exchange) {
                send(exchange, 200, "application/json", "{\"status\":\"ok\"}");
            }
        });
        server.start();
        System.out.println("bolt-java-baseline listening on 127.0.0.1:" + port);
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
}
