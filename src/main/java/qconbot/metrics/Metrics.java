package qconbot.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import okhttp3.Interceptor;
import okhttp3.Response;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The bot's metrics, named in one place, served as Prometheus text on GET /metrics, and used from every layer (a
 * package of its own so that any may). Every method is cheap enough for the request path (Micrometer caches meters
 * by name and tags).
 */
public final class Metrics {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();

    public Metrics() {
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        // Present from the start at zero, so a dashboard or an alert on failed posts has a series to watch.
        Counter.builder("qcon_digest_posts").tag("result", "posted").register(registry);
        Counter.builder("qcon_digest_posts").tag("result", "failed").register(registry);
        for (String outcome : java.util.List.of("asked", "posted", "post_failed", "answered", "no_one_knows")) {
            Counter.builder("qcon_questions").tag("outcome", outcome).register(registry);
        }
        Counter.builder("qcon_answer_feedback").tag("kind", "answered").register(registry);
        Counter.builder("qcon_answer_feedback").tag("kind", "not_really").register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** Prometheus text exposition of every meter. */
    public String scrape() {
        return registry.scrape();
    }

    /** A request from Slack: kind is command, action or event; name the subcommand, action id or event type. */
    public void request(String kind, String name, String outcome, long nanos) {
        timers.computeIfAbsent(kind + '\u0000' + name + '\u0000' + outcome, key -> requestTimer(kind, name, outcome))
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Built and registered once per kind, name and outcome: the builder and the registry lookup cost more than the record. */
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    private Timer requestTimer(String kind, String name, String outcome) {
        return Timer.builder("qcon_requests").description("Requests from Slack, by kind, name and outcome")
                .tags("kind", kind, "name", name, "outcome", outcome)
                .publishPercentileHistogram()
                .serviceLevelObjectives(Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(3))
                .register(registry);
    }

    /** One Web API call or response_url post, by method and outcome ("http_200", "http_429", "io_error"...). */
    public void slackCall(String method, String outcome) {
        Counter.builder("qcon_slack_api_calls").description("Calls to Slack's Web API by method and outcome")
                .tags("method", method, "outcome", outcome).register(registry).increment();
    }

    /** A Slack call given up on by the call policy, by caller and why: not_retried (it would not help) or gave_up. */
    public void slackFailure(String call, String reason) {
        Counter.builder("qcon_slack_failures").description("Slack calls that failed after the call policy's retries")
                .tags("call", call, "reason", reason).register(registry).increment();
    }

    /** A request the interpreter answered, by kind (asked, submitted, suggest, file_sent, fetched, ...). */
    public void answered(String kind) {
        Counter.builder("qcon_interpreter_requests").description("Requests answered by the interpreter, by kind")
                .tag("kind", kind).register(registry).increment();
    }

    /** An action item change attempted: claim, assign... and how it ended (changed, taken, not_allowed...). */
    public void transition(String action, String outcome) {
        Counter.builder("qcon_action_item_transitions").description("Action item actions by outcome")
                .tags("action", action, "outcome", outcome).register(registry).increment();
    }

    /** A question asked of the team, and what became of it: asked, posted, post_failed, answered, no_one_knows. */
    public void question(String outcome) {
        Counter.builder("qcon_questions").description("Questions asked of the team, by outcome")
                .tag("outcome", outcome).register(registry).increment();
    }

    /** "Answered it" (answered) or "Not really" (not_really) clicked on an answer to a question. */
    public void answerFeedback(String kind) {
        Counter.builder("qcon_answer_feedback").description("Feedback on answers to questions, by kind")
                .tag("kind", kind).register(registry).increment();
    }

    /** A talk-of-the-day post: posted, failed, already_recorded, expired. */
    public void digestPost(String result) {
        Counter.builder("qcon_digest_posts").description("Talk of the day posts by result")
                .tag("result", result).register(registry).increment();
    }

    /** Counts every HTTP call the Slack SDK makes, by API method (the last path segment) and outcome. */
    public Interceptor slackCalls() {
        return chain -> {
            String path = chain.request().url().encodedPath();
            String method = path.contains("/api/") ? path.substring(path.lastIndexOf('/') + 1) : "response_url";
            try {
                Response response = chain.proceed(chain.request());
                slackCall(method, "http_" + response.code());
                return response;
            } catch (IOException e) {
                slackCall(method, "io_error");
                throw e;
            }
        };
    }
}
