package qconbot.slack;

import com.slack.api.methods.MethodsClient;
import com.slack.api.methods.SlackApiException;
import com.slack.api.methods.request.chat.ChatPostMessageRequest;
import com.slack.api.methods.response.chat.ChatPostMessageResponse;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.junit.jupiter.api.Test;
import qconbot.metrics.Metrics;
import qconbot.store.MutableClock;

import java.io.InterruptedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/**
 * The call policy on its own. The Slack client is the edge we do not own, so Mockito plays it: a 429 with
 * Retry-After, a timeout, ok:false answers. Waits take no real time: the sleeper records them and moves the clock.
 */
class SlackCallsTest {

    static final ChatPostMessageRequest POST = ChatPostMessageRequest.builder().channel("C0TEAM").text("hello").build();

    final MethodsClient slack = mock(MethodsClient.class);
    final MutableClock clock = new MutableClock(Instant.parse("2026-11-30T09:30:00Z"));
    final List<Duration> waits = new ArrayList<>();
    final Metrics metrics = new Metrics();
    final SlackCalls calls = new SlackCalls(metrics, clock, wait -> {
        waits.add(wait);
        clock.advance(wait);
        return false;
    });

    static ChatPostMessageResponse ok(boolean ok, String error) {
        ChatPostMessageResponse response = new ChatPostMessageResponse();
        response.setOk(ok);
        response.setError(error);
        response.setTs(ok ? "1.1" : null);
        return response;
    }

    static SlackApiException http(int status, String retryAfter) {
        Response.Builder response = new Response.Builder()
                .request(new Request.Builder().url("https://slack.test/api/chat.postMessage").build())
                .protocol(Protocol.HTTP_1_1).code(status).message("status " + status).body(ResponseBody.create("", null));
        if (retryAfter != null) {
            response.header("Retry-After", retryAfter);
        }
        return new SlackApiException(response.build(), "");
    }

    SlackCalls.Result<ChatPostMessageResponse> post(SlackCalls.Policy policy) {
        return calls.call(policy, () -> slack.chatPostMessage(POST));
    }

    @Test
    void a_429_is_retried_after_what_retry_after_says_then_succeeds() throws Exception {
        when(slack.chatPostMessage(any(ChatPostMessageRequest.class))).thenThrow(http(429, "7")).thenReturn(ok(true, null));

        SlackCalls.Result<ChatPostMessageResponse> outcome = post(SlackCalls.Policy.announcement("dm"));

        assertTrue(outcome.ok());
        assertEquals("1.1", outcome.value().getTs());
        assertEquals(List.of(Duration.ofSeconds(7)), waits);
    }

    @Test
    void retry_after_is_capped_and_a_caller_with_less_patience_gives_up_instead_of_waiting() throws Exception {
        when(slack.chatPostMessage(any(ChatPostMessageRequest.class))).thenThrow(http(429, "3600"));

        SlackCalls.Result<ChatPostMessageResponse> patient = post(new SlackCalls.Policy("daily", Duration.ofSeconds(1),
                Duration.ofMinutes(1), null, 2, SlackCalls.MaybeDone.RETRY));
        SlackCalls.Result<ChatPostMessageResponse> hurried = post(SlackCalls.Policy.announcement("dm"));

        assertEquals(List.of(Duration.ofMinutes(1)), waits, "one hour asked, one minute waited; the announcement did not wait");
        assertFalse(patient.ok());
        assertEquals("HTTP 429", hurried.error());
    }

    @Test
    void a_timeout_may_have_posted_so_an_announcement_is_not_sent_twice() throws Exception {
        when(slack.chatPostMessage(any(ChatPostMessageRequest.class))).thenThrow(new InterruptedIOException("timeout"));

        SlackCalls.Result<ChatPostMessageResponse> outcome = post(SlackCalls.Policy.announcement("dm"));

        assertEquals("timed out", outcome.error());
        verify(slack, times(1)).chatPostMessage(any(ChatPostMessageRequest.class));
        assertTrue(metrics.scrape().contains("qcon_slack_failures_total{call=\"dm\",reason=\"not_retried\"} 1.0"), metrics.scrape());
    }

    @Test
    void after_a_failure_that_may_have_posted_the_check_looks_first_and_finds_it() throws Exception {
        when(slack.chatPostMessage(any(ChatPostMessageRequest.class))).thenThrow(http(503, null)).thenReturn(ok(true, null));
        List<String> looked = new ArrayList<>();
        SlackCalls.Policy policy = new SlackCalls.Policy("daily", Duration.ofSeconds(1), Duration.ofMinutes(1),
                Duration.ofMinutes(15), 0, SlackCalls.MaybeDone.CHECK_FIRST);

        SlackCalls.Result<ChatPostMessageResponse> outcome = calls.call(policy, () -> slack.chatPostMessage(POST), () -> {
            looked.add("history");
            return Optional.of(ok(true, null));
        }, (attempt, failure, wait) -> { });

        assertTrue(outcome.ok());
        assertEquals(List.of("history"), looked);
        verify(slack, times(1)).chatPostMessage(any(ChatPostMessageRequest.class));
    }

    @Test
    void ok_false_is_retried_only_when_slack_says_it_did_nothing_or_may_have_failed() throws Exception {
        when(slack.chatPostMessage(any(ChatPostMessageRequest.class)))
                .thenReturn(ok(false, "ratelimited"), ok(false, "internal_error"), ok(false, "not_in_channel"));
        List<String> told = new ArrayList<>();
        SlackCalls.Policy retrying = new SlackCalls.Policy("daily", Duration.ofSeconds(1), Duration.ofMinutes(1),
                Duration.ofMinutes(15), 0, SlackCalls.MaybeDone.RETRY);

        SlackCalls.Result<ChatPostMessageResponse> outcome = calls.call(retrying, () -> slack.chatPostMessage(POST),
                Optional::empty, (attempt, failure, wait) -> told.add(attempt + " " + failure.kind() + " " + wait.toSeconds()));

        assertEquals("not_in_channel", outcome.error(), "no waiting mends that");
        assertEquals(List.of("1 NOTHING_DONE 1", "2 MAYBE_DONE 2"), told, "doubling waits, each announced before");
        verify(slack, times(3)).chatPostMessage(any(ChatPostMessageRequest.class));
    }

    @Test
    void waits_double_up_to_the_largest_and_the_policy_gives_up_at_its_deadline() throws Exception {
        when(slack.chatPostMessage(any(ChatPostMessageRequest.class))).thenThrow(http(500, null));
        SlackCalls.Policy policy = new SlackCalls.Policy("daily", Duration.ofSeconds(1), Duration.ofSeconds(4),
                Duration.ofSeconds(20), 0, SlackCalls.MaybeDone.RETRY);

        SlackCalls.Result<ChatPostMessageResponse> outcome = post(policy);

        assertEquals("HTTP 500", outcome.error());
        assertEquals(List.of(1L, 2L, 4L, 4L, 4L, 4L), waits.stream().map(Duration::toSeconds).toList());
        assertTrue(metrics.scrape().contains("qcon_slack_failures_total{call=\"daily\",reason=\"gave_up\"} 1.0"));
    }

    @Test
    void stopping_ends_a_wait_at_once_and_the_call_says_so() throws Exception {
        SlackCalls stopping = new SlackCalls(metrics);
        stopping.stop();
        when(slack.chatPostMessage(any(ChatPostMessageRequest.class))).thenThrow(http(503, null));

        long started = System.nanoTime();
        SlackCalls.Result<ChatPostMessageResponse> outcome = stopping.call(
                SlackCalls.Policy.untilItWorks("connect", Duration.ofMinutes(1)), () -> slack.chatPostMessage(POST));

        assertTrue(outcome.stopped());
        assertTrue(System.nanoTime() - started < 1_000_000_000L, "no one-second wait");
    }
}
