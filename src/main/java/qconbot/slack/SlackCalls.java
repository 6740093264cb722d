package qconbot.slack;

import com.slack.api.methods.SlackApiException;
import com.slack.api.methods.SlackApiTextResponse;
import com.slack.api.webhook.WebhookResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import qconbot.metrics.Metrics;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The one policy for calling Slack, used by every caller: announcements and DMs, the talk of the day, auth.test at
 * start-up and the Socket Mode connection. It decides which failures get another try, how long to wait (doubling
 * from the first wait up to the largest, or what Retry-After says, never more than {@link #MAX_RETRY_AFTER}), when to
 * give up, and logs and counts every failure the same way.
 *
 * <p>A failure is of one of three kinds ({@link Kind}). Slack did nothing and said so (HTTP 429, ok:false
 * ratelimited): another try is always safe. Slack may have done it (HTTP 5xx, a timeout, a dropped connection,
 * ok:false internal_error and the like): another try may do it twice, so the caller's policy says whether to give
 * up, try again, or first look whether it was done ({@link MaybeDone}). Anything else (not_in_channel, invalid_auth,
 * HTTP 4xx) no waiting will mend.
 */
public final class SlackCalls {

    private static final Logger log = LoggerFactory.getLogger(SlackCalls.class);

    /** The longest a Retry-After is obeyed for; a caller with less patience gives up instead of waiting. */
    public static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(1);
    private static final Set<String> NOTHING_DONE = Set.of("ratelimited");
    private static final Set<String> MAYBE_DONE = Set.of("internal_error", "fatal_error", "service_unavailable",
            "request_timeout");

    public enum Kind { NOTHING_DONE, MAYBE_DONE, FATAL }

    /** After a failure that may have done what was asked: give up, try again (idempotent calls), or look first. */
    public enum MaybeDone { GIVE_UP, RETRY, CHECK_FIRST }

    /**
     * How one kind of call is retried.
     *
     * @param name        for logs and metrics: "thread_reply", "talk_of_the_day"
     * @param giveUpAfter longest from the first try to the last; null never gives up (auth.test, connecting)
     * @param attempts    most tries in all; 0 for no limit
     */
    public record Policy(String name, Duration firstWait, Duration maxWait, Duration giveUpAfter, int attempts,
                         MaybeDone maybeDone) {

        /** A message someone is told about if it fails (thread reply, DM, discussion post): three tries, never twice. */
        public static Policy announcement(String name) {
            return new Policy(name, Duration.ofMillis(500), Duration.ofSeconds(2), Duration.ofSeconds(30), 3, MaybeDone.GIVE_UP);
        }

        /** A look that is worth one try only (whether a post already landed): a failure is logged, counted, and means "not found". */
        public static Policy once(String name) {
            return new Policy(name, Duration.ZERO, Duration.ZERO, Duration.ofSeconds(30), 1, MaybeDone.GIVE_UP);
        }

        /** A call that is safe to repeat and must work in the end (auth.test, connecting): tries until stopped. */
        public static Policy untilItWorks(String name, Duration maxWait) {
            return new Policy(name, Duration.ofSeconds(1), maxWait, null, 0, MaybeDone.RETRY);
        }
    }

    /** One failed try: its kind, what went wrong in a word or two ("HTTP 500", "not_in_channel", "timed out"). */
    public record Failure(Kind kind, String error, Duration retryAfter) {
    }

    /** How a call ended: the answer when it succeeded (or what the check found), else the last failure. */
    public record Result<T>(T value, Failure failure, boolean stopped) {
        public boolean ok() {
            return failure == null && !stopped;
        }

        public String error() {
            return stopped ? "stopped" : failure == null ? null : failure.error();
        }
    }

    @FunctionalInterface
    public interface Call<T> {
        T call() throws Exception;
    }

    /** Looks for what a call that may have gone through did (the talk of the day searches the channel). */
    @FunctionalInterface
    public interface Check<T> {
        Optional<T> find() throws Exception;
    }

    /** Told before each wait: the talk of the day extends its lease, auth.test updates /health. */
    @FunctionalInterface
    public interface BeforeWait {
        void waiting(int attempt, Failure failure, Duration wait) throws Exception;
    }

    /** Waits, or returns true at once when the bot is stopping. */
    @FunctionalInterface
    public interface Sleeper {
        boolean stopped(Duration wait) throws InterruptedException;
    }

    private final Metrics metrics;
    private final Clock clock;
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final Sleeper sleeper;

    public SlackCalls(Metrics metrics) {
        this.metrics = metrics;
        this.clock = Clock.systemUTC();
        this.sleeper = wait -> stopping.await(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** With a clock and a sleeper of the test's own, so retries take no real time. */
    public SlackCalls(Metrics metrics, Clock clock, Sleeper sleeper) {
        this.metrics = metrics;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    /** Ends every wait now; calls waiting to retry end as stopped. */
    public void stop() {
        stopping.countDown();
    }

    public <T> Result<T> call(Policy policy, Call<T> call) {
        return call(policy, call, Optional::empty, (attempt, failure, wait) -> { });
    }

    /** Calls until it works or the policy gives up: look first (when the last failure may have done it), try, wait. */
    public <T> Result<T> call(Policy policy, Call<T> call, Check<T> check, BeforeWait beforeWait) {
        Instant giveUpAt = policy.giveUpAfter() == null ? null : clock.instant().plus(policy.giveUpAfter());
        Duration backoff = policy.firstWait();
        for (int attempt = 1; ; attempt++) {
            Result<T> tried = attempt(call);
            if (tried.ok() || tried.stopped()) {
                return tried;
            }
            Failure failure = tried.failure();
            boolean retry = failure.kind() == Kind.NOTHING_DONE
                    || failure.kind() == Kind.MAYBE_DONE && policy.maybeDone() != MaybeDone.GIVE_UP;
            Duration wait = failure.retryAfter() != null ? failure.retryAfter() : backoff;
            if (!retry || policy.attempts() > 0 && attempt >= policy.attempts()
                    || giveUpAt != null && clock.instant().plus(wait).isAfter(giveUpAt)) {
                log.warn("Slack {} failed after {} attempt(s): {}", policy.name(), attempt, failure.error());
                metrics.slackFailure(policy.name(), retry ? "gave_up" : "not_retried");
                return tried;
            }
            if (!waited(policy, attempt, failure, wait, beforeWait)) {
                return new Result<>(null, failure, true);
            }
            if (failure.kind() == Kind.MAYBE_DONE && policy.maybeDone() == MaybeDone.CHECK_FIRST) {
                Optional<T> found = look(policy, check);
                if (found.isPresent()) {
                    log.info("Slack {}: found done after attempt {} failed", policy.name(), attempt);
                    return new Result<>(found.get(), null, false);
                }
            }
            backoff = backoff.multipliedBy(2).compareTo(policy.maxWait()) <= 0 ? backoff.multipliedBy(2) : policy.maxWait();
        }
    }

    /** One try: the answer, or the failure it was. */
    private static <T> Result<T> attempt(Call<T> call) {
        try {
            T value = call.call();
            if (value instanceof SlackApiTextResponse response && !response.isOk()) {
                return new Result<>(null, classify(response), false);
            }
            if (value instanceof WebhookResponse webhook && webhook.getCode() != 200) {
                return new Result<>(null, classify(webhook), false);
            }
            return new Result<>(value, null, false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result<>(null, null, true);
        } catch (Exception e) {
            return new Result<>(null, classify(e), false);
        }
    }

    /** Tells the caller, logs, and waits; false when the bot is stopping (or the caller could not go on). */
    private boolean waited(Policy policy, int attempt, Failure failure, Duration wait, BeforeWait beforeWait) {
        try {
            beforeWait.waiting(attempt, failure, wait);
            log.warn("Slack {}: attempt {} failed ({}); trying again in {} ms", policy.name(), attempt, failure.error(),
                    wait.toMillis());
            return !sleeper.stopped(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            log.warn("Slack {}: stopped, could not prepare the next attempt: {}", policy.name(), e.toString());
            return false;
        }
    }

    private static <T> Optional<T> look(Policy policy, Check<T> check) {
        try {
            return check.find();
        } catch (Exception e) {
            log.debug("Slack {}: could not look whether it was done", policy.name(), e);
            return Optional.empty();
        }
    }

    /** An answer with ok:false. */
    static Failure classify(SlackApiTextResponse response) {
        String error = String.valueOf(response.getError());
        Kind kind = NOTHING_DONE.contains(error) ? Kind.NOTHING_DONE : MAYBE_DONE.contains(error) ? Kind.MAYBE_DONE : Kind.FATAL;
        return new Failure(kind, error, retryAfter(response.getHttpResponseHeaders()));
    }

    /** A response_url post that Slack did not take. */
    static Failure classify(WebhookResponse webhook) {
        int status = webhook.getCode() == null ? 0 : webhook.getCode();
        Kind kind = status == 429 ? Kind.NOTHING_DONE : status >= 500 ? Kind.MAYBE_DONE : Kind.FATAL;
        return new Failure(kind, "HTTP " + status, null);
    }

    /** A call that threw: an HTTP error status, a timeout, a dropped connection, or something unexpected. */
    static Failure classify(Exception e) {
        if (e instanceof SlackApiException api) {
            int status = api.getResponse().code();
            Kind kind = status == 429 ? Kind.NOTHING_DONE : status >= 500 ? Kind.MAYBE_DONE : Kind.FATAL;
            return new Failure(kind, "HTTP " + status, retryAfter(api.getResponse().headers().toMultimap()));
        }
        if (e instanceof InterruptedIOException) {
            return new Failure(Kind.MAYBE_DONE, "timed out", null);
        }
        if (e instanceof IOException) {
            return new Failure(Kind.MAYBE_DONE, "connection failed", null);
        }
        // The SDK's own exceptions (Socket Mode's connect throws several kinds): we cannot know what was done.
        return new Failure(Kind.MAYBE_DONE, e.getClass().getSimpleName(), null);
    }

    /** Retry-After in seconds, capped at {@link #MAX_RETRY_AFTER}; null when absent or unreadable. */
    static Duration retryAfter(Map<String, List<String>> headers) {
        if (headers != null) {
            for (Map.Entry<String, List<String>> header : headers.entrySet()) {
                if ("retry-after".equalsIgnoreCase(header.getKey()) && !header.getValue().isEmpty()
                        && header.getValue().get(0).strip().matches("\\d{1,9}")) {
                    Duration asked = Duration.ofSeconds(Long.parseLong(header.getValue().get(0).strip()));
                    return asked.compareTo(MAX_RETRY_AFTER) <= 0 ? asked : MAX_RETRY_AFTER;
                }
            }
        }
        return null;
    }
}
