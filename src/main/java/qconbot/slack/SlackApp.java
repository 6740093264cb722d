package qconbot.slack;

import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import com.slack.api.app_backend.SlackSignature;
import com.slack.api.bolt.App;
import com.slack.api.bolt.socket_mode.SocketModeApp;
import com.slack.api.socket_mode.SocketModeClient;
import com.slack.api.bolt.AppConfig;
import com.slack.api.bolt.middleware.Middleware;
import com.slack.api.bolt.middleware.MiddlewareChain;
import com.slack.api.bolt.middleware.builtin.IgnoringSelfEvents;
import com.slack.api.bolt.request.Request;
import com.slack.api.bolt.response.Response;
import com.slack.api.bolt.request.builtin.BlockActionRequest;
import com.slack.api.bolt.request.builtin.EventRequest;
import com.slack.api.bolt.request.builtin.SlashCommandRequest;
import com.slack.api.methods.response.auth.AuthTestResponse;
import com.slack.api.util.http.SlackHttpClient;
import okhttp3.OkHttpClient;
import org.slf4j.MDC;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import qconbot.metrics.Metrics;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URI;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;

import static com.slack.api.bolt.middleware.MiddlewareOps.isNoAuthRequiredRequest;

/**
 * Builds the Bolt app. Two of Bolt's defaults are replaced, for reasons found by testing:
 * <ul>
 * <li>Bolt's signature check hashes the body in the platform charset, so under LANG=C every non-ASCII request is
 * refused. {@link Utf8Signature} hashes UTF-8, as Slack does; verification itself stays on, always.</li>
 * <li>Bolt's default authorization calls auth.test while building the app (so Slack must be up to start) and again
 * on requests until the first answer lands. {@link BotIdentity} calls it once in the background and retries.</li>
 * </ul>
 * It also holds the Socket Mode connection ({@link SocketMode}), whose close needs a workaround.
 */
public final class SlackApp {

    private static final Logger log = LoggerFactory.getLogger(SlackApp.class);

    private SlackApp() {
    }

    /**
     * A Web API client for {@code apiUrl} (SLACK_API_URL) that gives up on any call after {@code timeout}, counting
     * every call in {@code metrics} when given; no proxy for a Slack API on this machine (tests, fakes).
     */
    public static Slack slack(String apiUrl, Duration timeout, Metrics metrics) {
        SlackConfig slackConfig = new SlackConfig();
        // No call may hang a handler or the scheduler: connect, send and read in time (10 s by default), or fail.
        slackConfig.setHttpClientCallTimeoutMillis((int) timeout.toMillis());
        slackConfig.setMethodsEndpointUrlPrefix(apiUrl);
        String host = URI.create(apiUrl).getHost();
        if ("localhost".equals(host) || host.startsWith("127.") || "[::1]".equals(host)) {
            slackConfig.setProxyUrl(null);
        }
        // The SDK's own call statistics resolve the team with an extra auth.test before the first call; we don't use them.
        slackConfig.setStatsEnabled(false);
        if (metrics == null) {
            return Slack.getInstance(slackConfig);
        }
        OkHttpClient http = SlackHttpClient.buildOkHttpClient(slackConfig).newBuilder().addInterceptor(metrics.slackCalls()).build();
        SlackHttpClient client = new SlackHttpClient(http);
        client.setConfig(slackConfig);
        return Slack.getInstance(slackConfig, client);
    }

    /** The Bolt app for one workspace's bot token; the signing secret is null in Socket Mode. */
    public static App create(String botToken, String signingSecret, Slack slack, BotIdentity identity, Metrics metrics) {
        AppConfig appConfig = AppConfig.builder()
                .singleTeamBotToken(botToken)
                .signingSecret(signingSecret)
                .slack(slack)
                // Bolt answers 404 to an event nobody handles, and Slack retries it. Message subtypes we do not
                // care about (edits, joins, deletions) arrive on the same subscription: acknowledge them all.
                .subtypedMessageEventsAutoAckEnabled(true)
                .allEventsApiAutoAckEnabled(true)
                .build();
        List<Middleware> middleware = new ArrayList<>();
        middleware.add(new RequestLog(metrics));
        // No RequestVerification: BoltHttpServer checks every HTTP request's signature before parsing it, and
        // Socket Mode requests are not signed. A second check costs an HMAC per request.
        middleware.add(identity);
        middleware.add(new IgnoringSelfEvents(slack.getConfig(), false));
        App app = new App(appConfig, slack, middleware);
        app.asOAuthApp(false);
        return app;
    }

    /**
     * One log line and one timer sample per request, over HTTP and Socket Mode alike: a request id (also in the MDC,
     * so every line logged while handling it carries it), the kind and name, the outcome and the latency. Never what
     * anyone typed.
     */
    static final class RequestLog implements Middleware {

        private static final java.time.Duration FOR_COMMITS =
                qconbot.store.Deadline.forCommits(qconbot.store.Deadline.SLACK_WAITS);
        private final Metrics metrics;

        RequestLog(Metrics metrics) {
            this.metrics = metrics;
        }

        @Override
        public Response apply(Request request, Response response, MiddlewareChain chain) throws Exception {
            long started = System.nanoTime();
            MDC.put("req", UUID.randomUUID().toString().substring(0, 8));
            String kind = "other";
            String name = String.valueOf(request.getRequestType());
            String outcome = "error";
            try {
                switch (request.getRequestType()) {
                    case Command -> {
                        kind = "command";
                        name = SlackHandlers.commandName(((SlashCommandRequest) request).getPayload().getText());
                    }
                    case BlockAction -> {
                        kind = "action";
                        var actions = ((BlockActionRequest) request).getPayload().getActions();
                        name = actions == null || actions.isEmpty() ? "none" : actions.get(0).getActionId();
                    }
                    case Event -> {
                        kind = "event";
                        name = ((EventRequest) request).getEventType();
                    }
                    default -> {
                        // url_verification, ssl_check and the like: logged under their request type
                    }
                }
                // Over HTTP the front door set the request's deadline at its arrival; in Socket Mode it starts here.
                Response result = qconbot.store.Deadline.within(started, FOR_COMMITS, () -> chain.next(request));
                String failed = MDC.get(FAILED);
                outcome = failed != null ? "error" : result.getStatusCode() == 200 ? "ok" : "http_" + result.getStatusCode();
                return result;
            } finally {
                long nanos = System.nanoTime() - started;
                log.info("{} {} {} in {} ms", kind, name, outcome, nanos / 1_000_000);
                if (metrics != null) {
                    metrics.request(kind, name, outcome, nanos);
                }
                MDC.remove("req");
                MDC.remove(FAILED);
            }
        }
    }

    /** Set in the MDC by a handler that caught an error and answered with an apology, so the log says "error". */
    static final String FAILED = "failed";

    /** Slack's v0 request signature over the UTF-8 bytes of the body, whatever the JVM's default charset. */
    public static final class Utf8Signature extends SlackSignature.Generator {

        private final byte[] secret;

        /** Mac.getInstance looks the algorithm up in the providers each time: one Mac per thread instead. */
        private final ThreadLocal<Mac> macs;

        public Utf8Signature(String signingSecret) {
            super(signingSecret);
            this.secret = signingSecret.getBytes(StandardCharsets.UTF_8);
            this.macs = ThreadLocal.withInitial(() -> {
                try {
                    Mac mac = Mac.getInstance("HmacSHA256");
                    mac.init(new SecretKeySpec(secret, "HmacSHA256"));
                    return mac;
                } catch (GeneralSecurityException e) {
                    throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
                }
            });
        }

        @Override
        public String generate(String timestamp, String body) {
            if (timestamp == null) {
                return null;
            }
            byte[] hash = macs.get().doFinal(("v0:" + timestamp + ":" + body).getBytes(StandardCharsets.UTF_8));
            return "v0=" + HexFormat.of().formatHex(hash);
        }
    }

    /**
     * Gives every request the bot token, and the bot's user id once auth.test has answered. auth.test runs in the
     * background from {@link #warmUp}, retried with backoff, so start-up needs no Slack call and a Slack outage
     * never turns into errors for people typing /qcon.
     */
    public static final class BotIdentity implements Middleware {

        private final String token;
        private final Slack slack;
        private volatile AuthTestResponse auth;
        private volatile String status = "not checked yet";

        public BotIdentity(String token, Slack slack) {
            this.token = token;
            this.slack = slack;
        }

        @Override
        public Response apply(Request request, Response response, MiddlewareChain chain) throws Exception {
            if (!isNoAuthRequiredRequest(request.getRequestType())) {
                request.getContext().setBotToken(token);
                AuthTestResponse known = auth;
                if (known != null) {
                    request.getContext().setAuthTestResponse(known);
                    request.getContext().setBotUserId(known.getUserId());
                }
            }
            return chain.next(request);
        }

        /** "ok as @name in team", or what went wrong; shown on /health. */
        public String status() {
            return status;
        }

        public String botUserId() {
            AuthTestResponse known = auth;
            return known == null ? null : known.getUserId();
        }

        /**
         * Calls auth.test in the background until it answers ok or says something waiting will not mend (a bad
         * token); waits 1 s, 2 s ... up to 5 minutes between tries, by the call policy.
         */
        public void warmUp(SlackCalls calls, ExecutorService executor) {
            executor.execute(() -> {
                SlackCalls.Result<AuthTestResponse> answer = calls.call(
                        SlackCalls.Policy.untilItWorks("auth_test", Duration.ofMinutes(5)),
                        () -> slack.methods(token).authTest(r -> r), Optional::empty,
                        (attempt, failure, wait) -> status = "auth.test failed: " + failure.error());
                if (answer.ok()) {
                    auth = answer.value();
                    status = "ok";
                    log.info("Slack auth.test ok: bot user {} in team {}", auth.getUserId(), auth.getTeamId());
                } else if (!answer.stopped()) {
                    status = "auth.test said " + answer.error();
                    log.error("Slack auth.test failed ({}), and trying again will not mend it. Check SLACK_BOT_TOKEN (copy"
                            + " the Bot User OAuth Token again from OAuth & Permissions) and SLACK_API_URL, then restart.",
                            answer.error());
                }
            });
        }
    }

    /**
     * Socket Mode: connects in the background, so start-up never waits on Slack, retried by the call policy until
     * it works; from then on the SDK reconnects by itself.
     */
    public static final class SocketMode implements AutoCloseable {

        private final SocketModeApp app;

        public SocketMode(String appToken, App app) throws IOException {
            this.app = new SocketModeApp(appToken, app, SocketModeClient.Backend.JavaWebSocket);
        }

        public void connect(SlackCalls calls, ExecutorService background) {
            background.execute(() -> {
                SlackCalls.Result<Object> connected = calls.call(SlackCalls.Policy.untilItWorks("socket_mode_connect",
                        Duration.ofMinutes(1)), () -> {
                    app.startAsync();
                    return "connected";
                });
                if (connected.ok()) {
                    log.info("Socket Mode connecting (the SDK reconnects by itself from here on)");
                }
            });
        }

        /** For /health: "connected" or "not connected". */
        public String state() {
            SocketModeClient client = app.getClient();
            return client != null && client.verifyConnection() ? "connected" : "not connected";
        }

        @Override
        public void close() {
            SocketModeClient client = app.getClient();
            try {
                app.close();
                if (client != null) {
                    // SocketModeApp.close() leaves the client's reconnect monitor running: it would keep calling
                    // apps.connections.open after we are gone.
                    client.close();
                }
            } catch (Exception e) {
                log.warn("Socket Mode did not close cleanly: {}", e.toString());
            }
        }
    }
}
