package qconbot;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Slack failing on every Web API method the bot uses (HTTP 500, 429 with Retry-After, ok:false, a timeout, a closed
 * connection): no state lost, nothing posted twice, and the person who acted told when something could not be.
 */
class SlackFaultsTest {

    static final Duration TIMEOUT = Duration.ofMillis(700);
    static final String CHANNEL = "C0DIGEST";

    @TempDir
    Path dir;
    FakeSlackApi slack;
    Main.Bot bot;
    SlackRequests requests;

    /** Every way a call can fail, by name. */
    static Map<String, FakeSlackApi.Answer> faults() {
        return Map.of(
                "HTTP 500", FakeSlackApi.Answer.status(500, Map.of()),
                "HTTP 429", FakeSlackApi.Answer.status(429, Map.of("Retry-After", "1")),
                "ok:false", FakeSlackApi.Answer.ok("{\"ok\":false,\"error\":\"internal_error\"}"),
                "timeout", FakeSlackApi.Answer.slow(TIMEOUT.toMillis() * 3, "{\"ok\":true,\"ts\":\"1.1\"}"),
                "closed connection", FakeSlackApi.Answer.closeConnection());
    }

    @BeforeEach
    void start() throws Exception {
        slack = new FakeSlackApi();
        ZonedDateTime never = ZonedDateTime.now(ZoneId.of("UTC")).plusYears(1);
        bot = TestBot.with(dir, slack).set(Config.SLACK_TIMEOUT_MS, String.valueOf(TIMEOUT.toMillis()))
                .set(Config.QCON_DIGEST_CHANNEL, CHANNEL).set(Config.QCON_DIGEST_CRON, "0 0 0 1 1 ? " + never.getYear())
                .dailyRetries(Duration.ofMillis(100), Duration.ofSeconds(2), Duration.ofSeconds(30)).start();
        requests = new SlackRequests(bot.port());
        slack.await("auth.test", 1, FakeSlackApi.seconds(5));
    }

    @AfterEach
    void stop() {
        requests.close();
        bot.close();
        slack.close();
    }

    private String command(String text, String user, String reply) throws Exception {
        return SlackRequests.decoded(requests.command(text, user, slack.responseUrl(reply)));
    }

    private long postsTo(String channel) {
        return slack.posted().stream().filter(message -> message.channel().equals(channel)).count();
    }

    @Test
    void a_failed_assignment_dm_keeps_the_assignment_posts_no_second_copy_and_tells_who_assigned() throws Exception {
        int n = 0;
        for (Map.Entry<String, FakeSlackApi.Answer> fault : faults().entrySet()) {
            n++;
            String assignee = "U0BOB" + n;
            // The fault, then (for 429, which says nothing was done) the same fault once more, then success.
            slack.script("chat.postMessage", fault.getValue(), fault.getValue());
            String reply = command("assign A" + n + " <@" + assignee + ">", "U0ANN", "assign-" + n);

            assertTrue(reply.contains("You assigned A" + n), fault.getKey() + ": " + reply);
            assertTrue(command("actions A" + n, "U0ANN", "x").contains("claimed by <@" + assignee + ">"), fault.getKey() + ": state kept");
            if (fault.getKey().equals("HTTP 429")) {
                slack.await("chat.postMessage", 3 * n, FakeSlackApi.seconds(10));
                Thread.sleep(300);
                assertEquals(1, postsTo(assignee), "429 is retried after Retry-After, and delivered once");
            } else {
                List<FakeSlackApi.Call> told = slack.await("respond/assign-" + n, 1, FakeSlackApi.seconds(10));
                assertEquals(1, told.size(), fault.getKey() + ": told");
                assertTrue(told.get(0).json().path("text").asText().contains("could not send <@" + assignee + "> a direct message"),
                        fault.getKey() + ": " + told.get(0).json());
                assertTrue(postsTo(assignee) <= 1, fault.getKey() + ": never two copies");
            }
            slack.clearScript("chat.postMessage");
        }
    }

    @Test
    void a_failed_discussion_post_records_no_thread_and_says_try_again() throws Exception {
        int item = 1;
        for (Map.Entry<String, FakeSlackApi.Answer> fault : faults().entrySet()) {
            item++;
            slack.clearScript("chat.postMessage");
            slack.script("chat.postMessage", fault.getValue());
            long before = postsTo("C0GENERAL");
            command("discuss A" + item, "U0ANN", "discuss-" + item);
            String told = slack.await("respond/discuss-" + item, 1, FakeSlackApi.seconds(10)).get(0).json().path("text").asText();
            String shown = command("actions A" + item, "U0ANN", "x");
            long posted = postsTo("C0GENERAL") - before;
            if (told.contains("Posted A" + item + " for discussion")) {
                // 429 is retried; a dropped connection may be retried by the HTTP client. Either way: one post.
                assertEquals(1, posted, fault.getKey());
                assertTrue(shown.contains(":speech_balloon:"), fault.getKey() + ": thread recorded");
            } else {
                assertTrue(told.contains("Slack would not take the discussion post") && told.contains("Try again"), fault.getKey() + ": " + told);
                assertFalse(shown.contains(":speech_balloon:"), fault.getKey() + ": no thread recorded");
                assertTrue(posted <= 1, fault.getKey() + ": never two posts");
            }
        }
        slack.clearScript("chat.postMessage");
        command("discuss A7", "U0ANN", "discuss-ok");
        assertTrue(slack.await("respond/discuss-ok", 1, FakeSlackApi.seconds(10)).get(0).json().path("text").asText()
                .contains("Posted A7 for discussion"), "with Slack well again, it works");
    }

    @Test
    void a_failed_permalink_still_records_the_thread() throws Exception {
        slack.script("chat.getPermalink", FakeSlackApi.Answer.status(500, Map.of()));
        command("discuss A3", "U0ANN", "p");

        JsonNode told = slack.await("respond/p", 1, FakeSlackApi.seconds(10)).get(0).json();
        assertTrue(told.path("text").asText().contains("Posted A3 for discussion"), told.toString());
        assertTrue(command("actions A3", "U0ANN", "x").contains("no replies yet · in <#C0GENERAL>"), "recorded, linked by channel");
    }

    @Test
    void a_failed_home_publish_or_response_url_loses_no_state() throws Exception {
        for (FakeSlackApi.Answer fault : faults().values()) {
            slack.script("views.publish", fault);
        }
        for (int i = 0; i < faults().size(); i++) {
            requests.event(Map.of("type", "app_home_opened", "user", "U0ANN", "tab", "home"), "EvHome" + i, 0);
        }
        slack.await("views.publish", faults().size(), FakeSlackApi.seconds(15));
        requests.event(Map.of("type", "app_home_opened", "user", "U0ANN", "tab", "home"), "EvHomeOk", 0);
        slack.await("views.publish", faults().size() + 1, FakeSlackApi.seconds(15));

        slack.script("respond", FakeSlackApi.Answer.status(500, Map.of()), FakeSlackApi.Answer.closeConnection());
        requests.itemClick("item_claim", "item:4:outstanding", "U0ANN", slack.responseUrl("broken"), "7.1", null);
        slack.await("respond/broken", 1, FakeSlackApi.seconds(10));
        assertTrue(command("actions A4", "U0ANN", "x").contains("claimed by <@U0ANN>"), "the claim stands though the redraw failed");
        assertEquals(200, requests.get("/health").statusCode());
    }

    @Test
    void the_talk_of_the_day_is_posted_exactly_once_whatever_fails() throws Exception {
        int expected = 0;
        for (Map.Entry<String, FakeSlackApi.Answer> fault : faults().entrySet()) {
            slack.script("chat.postMessage", fault.getValue());
            slack.script("conversations.history", FakeSlackApi.Answer.status(500, Map.of()));
            String reply = command("post-now", "U0ADMIN", "now-" + fault.getKey().hashCode());
            assertTrue(reply.contains("Posting the next talk"), reply);
            expected++;
            JsonNode told = slack.await("respond/now-" + fault.getKey().hashCode(), 1, FakeSlackApi.seconds(20)).get(0).json();
            assertTrue(told.path("text").asText().startsWith("Posted *"), fault.getKey() + ": " + told);
            // The first history check fails (500) so the bot posts again: only where Slack never got the first post.
            long posted = postsTo(CHANNEL);
            boolean firstWentThrough = fault.getKey().equals("timeout");
            assertTrue(posted == expected || firstWentThrough && posted == expected + 1, fault.getKey() + ": " + posted);
            expected = (int) posted;
            slack.clearScript("conversations.history");
        }
    }

    @Test
    void slow_direct_messages_never_delay_an_answer() throws Exception {
        FakeSlackApi.Answer slowDm = FakeSlackApi.Answer.slow(3000, "{\"ok\":true,\"ts\":\"1.1\"}");
        slack.script("chat.postMessage", slowDm, slowDm, slowDm, slowDm, slowDm, slowDm);
        for (int item = 1; item <= 6; item++) {
            command("assign A" + item + " <@U0BOB" + item + ">", "U0ANN", "assign-" + item); // a DM each, each 3 s
        }
        slack.await("chat.postMessage", 4, FakeSlackApi.seconds(5)); // the announcement pool is busy

        long clicked = System.nanoTime();
        requests.click("show_talk", "qcon-2020.txt/day-2/quarkus", slack.responseUrl("show"));
        List<FakeSlackApi.Call> shown = slack.await("respond/show", 1, FakeSlackApi.seconds(10));
        long millis = (System.nanoTime() - clicked) / 1_000_000;

        assertEquals(1, shown.size());
        assertTrue(millis < 1500, "the Show answer waited " + millis + " ms behind the DMs");
    }

    @Test
    void a_timeout_after_slack_posted_is_found_in_history_and_not_posted_again() throws Exception {
        slack.script("chat.postMessage", FakeSlackApi.Answer.slow(TIMEOUT.toMillis() * 3, "{\"ok\":true,\"ts\":\"1.1\"}"));
        command("post-now", "U0ADMIN", "slow");

        JsonNode told = slack.await("respond/slow", 1, FakeSlackApi.seconds(20)).get(0).json();
        assertTrue(told.path("text").asText().startsWith("Posted *"), told.toString());
        assertEquals(1, postsTo(CHANNEL), "one post, found by its metadata after the timeout");
    }
}
