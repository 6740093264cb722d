package qconbot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Claim, assign, discuss and close the [INTERNAL] items through the real HTTP endpoint, with a fake Slack API. */
class ActionItemsEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final String ALICE = "U0ALICE";
    static final String BOB = "U0BOB";
    static final String CAROL = "U0CAROL";
    /** A1 on the outstanding list, as /qcon actions draws it. */
    static final String A1_ON_LIST = "item:1:outstanding";

    @TempDir
    Path dir;
    FakeSlackApi slack;
    Main.Bot bot;
    SlackRequests requests;

    @BeforeEach
    void start() throws Exception {
        slack = new FakeSlackApi();
        startBot();
    }

    private void startBot() throws Exception {
        bot = TestBot.with(dir, slack).start();
        requests = new SlackRequests(bot.port());
    }

    private void stopBot() {
        requests.close();
        bot.close();
    }

    @AfterEach
    void stop() {
        stopBot();
        slack.close();
    }

    private String command(String text, String user) throws Exception {
        HttpResponse<String> response = requests.command(text, user, slack.responseUrl("cmd"));
        assertEquals(200, response.statusCode());
        return SlackRequests.decoded(response);
    }

    /** The item as /qcon actions A1 shows it (waits a little for work done after an ack). */
    private String awaitItem(String contains) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        String body = "";
        while (System.nanoTime() < deadline) {
            body = command("actions A1", ALICE);
            if (body.contains(contains)) {
                return body;
            }
            Thread.sleep(50);
        }
        fail("A1 never showed \"" + contains + "\": " + body);
        return body;
    }

    private JsonNode onlyCall(String method) throws Exception {
        List<FakeSlackApi.Call> calls = slack.await(method, 1, FakeSlackApi.seconds(5));
        assertEquals(1, calls.size(), method + " calls: " + slack.methodsCalled());
        FakeSlackApi.Call call = calls.get(0);
        return call.json() != null ? call.json() : JSON.valueToTree(call.form());
    }

    @Test
    void actions_lists_the_seven_items_with_claim_buttons() throws Exception {
        String body = command("actions", ALICE);

        assertTrue(body.contains("Action items still to do (7)"), body);
        assertTrue(body.contains("we should look for dead code"));
        assertTrue(body.contains("\"block_id\":\"" + A1_ON_LIST + "\""));
        assertTrue(body.contains("\"action_id\":\"item_claim\""));
        assertTrue(body.contains("\"action_id\":\"item_assign\""));
    }

    @Test
    void claim_button_makes_the_clicker_owner_and_redraws_the_message_in_place() throws Exception {
        HttpResponse<String> ack = requests.itemClick("item_claim", A1_ON_LIST, ALICE, slack.responseUrl("c1"), "1.1", null);

        assertEquals(200, ack.statusCode());
        JsonNode redrawn = onlyCall("respond/c1");
        assertTrue(redrawn.path("replace_original").asBoolean());
        assertTrue(redrawn.toString().contains("claimed by <@U0ALICE>"), redrawn.toString());
        assertTrue(redrawn.toString().contains("item_unclaim"), "now offers Unclaim");
        assertTrue(awaitItem("claimed by <@U0ALICE>").contains("claimed (open → claimed)"), "history shows it");
    }

    @Test
    void assign_picker_gives_the_item_to_the_teammate_and_sends_them_a_dm() throws Exception {
        requests.itemClick("item_assign", A1_ON_LIST, ALICE, slack.responseUrl("a1"), "1.2", BOB);

        JsonNode dm = onlyCall("chat.postMessage");
        assertEquals(BOB, dm.path("channel").asText());
        assertTrue(dm.path("text").asText().contains("<@U0ALICE> assigned you A1"), dm.toString());
        assertTrue(dm.path("blocks").asText().contains("we should look for dead code"));
        awaitItem("claimed by <@U0BOB> (assigned by <@U0ALICE>)");
    }

    @Test
    void typed_assign_takes_a_slack_mention_and_says_whom_when_missing() throws Exception {
        assertTrue(command("assign A1", ALICE).contains("Whom to?"));
        assertTrue(command("assign A1 <@U0BOB|bob>", ALICE).contains("You assigned A1 to <@U0BOB>"));
        assertEquals(BOB, onlyCall("chat.postMessage").path("channel").asText());
    }

    @Test
    void unclaim_and_done_by_someone_else_are_refused_and_change_nothing() throws Exception {
        command("claim A1", ALICE);

        String unclaim = command("unclaim A1", CAROL);
        assertTrue(unclaim.contains("Only <@U0ALICE>") && unclaim.contains("Nothing changed"), unclaim);
        assertTrue(command("done A1", CAROL).contains("Only <@U0ALICE>"));
        assertTrue(command("actions A1", CAROL).contains("claimed by <@U0ALICE>"));

        assertTrue(command("done A1", BotEndToEndTest.ADMIN).contains("Marked A1 done"), "an admin may");
        assertTrue(command("reopen A1", CAROL).contains("Reopened A1"), "anyone may reopen");
        assertTrue(command("claim A1", CAROL).contains("You claimed A1"));
        assertTrue(command("unclaim A1", CAROL).contains("You unclaimed A1"), "the owner may");
    }

    @Test
    void a_refused_click_is_explained_to_the_clicker_only() throws Exception {
        command("claim A1", ALICE);
        requests.itemClick("item_done", A1_ON_LIST, CAROL, slack.responseUrl("d1"), "1.3", null);

        List<FakeSlackApi.Call> answers = slack.await("respond/d1", 2, FakeSlackApi.seconds(5));
        assertEquals(2, answers.size(), "the redraw and the explanation");
        JsonNode explanation = answers.stream().map(FakeSlackApi.Call::json)
                .filter(json -> !json.path("replace_original").asBoolean()).findFirst().orElseThrow();
        assertEquals("ephemeral", explanation.path("response_type").asText());
        assertTrue(explanation.path("text").asText().contains("Only <@U0ALICE>"), explanation.toString());
    }

    @Test
    void discuss_posts_the_item_once_per_channel_and_records_its_thread() throws Exception {
        assertTrue(command("discuss A1", ALICE).contains("Starting a discussion of A1"));
        JsonNode post = onlyCall("chat.postMessage");
        assertEquals("C0GENERAL", post.path("channel").asText());
        assertTrue(post.path("blocks").asText().contains("started a discussion of A1"));
        JsonNode told = onlyCall("respond/cmd");
        assertTrue(told.path("text").asText().contains("Posted A1 for discussion"), told.toString());

        command("discuss A1", BOB);
        List<FakeSlackApi.Call> answers = slack.await("respond/cmd", 2, FakeSlackApi.seconds(5));
        assertTrue(answers.get(1).json().path("text").asText().contains("already being discussed here"));
        assertEquals(1, slack.calls("chat.postMessage").size(), "posted once");
        assertTrue(awaitItem("no replies yet").contains("open the thread"));
    }

    @Test
    void thread_replies_are_counted_once_and_changes_are_announced_in_the_thread() throws Exception {
        String threadTs = discussA1();

        for (int retry = 0; retry < 2; retry++) {
            assertEquals(200, requests.event(message(BOB, "I can look at this", "1700000100.000200", threadTs), "Ev0001", retry).statusCode());
        }
        requests.event(message(CAROL, "me too", "1700000200.000300", threadTs), "Ev0002", 0);
        requests.event(message(CAROL, "not in a thread", "1700000300.000400", null), "Ev0003", 0);
        awaitItem("2 replies from <@U0BOB>, <@U0CAROL>");

        command("claim A1", BOB);
        List<FakeSlackApi.Call> posts = slack.await("chat.postMessage", 2, FakeSlackApi.seconds(5));
        JsonNode announcement = JSON.valueToTree(posts.get(1).form());
        assertEquals(threadTs, announcement.path("thread_ts").asText());
        assertEquals("<@U0BOB> claimed A1.", announcement.path("text").asText());
    }

    @Test
    void mentioning_the_bot_in_an_item_thread_acts_on_that_item_once() throws Exception {
        String threadTs = discussA1();
        Map<String, Object> mention = new LinkedHashMap<>(Map.of("type", "app_mention", "user", CAROL,
                "text", "<@UBOT> claim", "ts", "1700000500.000100", "thread_ts", threadTs, "channel", "C0GENERAL"));

        requests.event(mention, "Ev0010", 0);
        requests.event(mention, "Ev0010", 1);
        awaitItem("claimed by <@U0CAROL>");
        List<FakeSlackApi.Call> posts = slack.await("chat.postMessage", 2, FakeSlackApi.seconds(5));
        Thread.sleep(300);
        assertEquals(2, slack.calls("chat.postMessage").size(), "the post and one announcement: " + posts);
        assertEquals("<@U0CAROL> claimed A1.", slack.calls("chat.postMessage").get(1).form().get("text"));
        assertEquals(1, countOf(command("actions A1", ALICE), "claimed (open → claimed)"));
    }

    @Test
    void app_home_shows_your_follow_ups_and_open_items() throws Exception {
        command("claim A2", ALICE);
        requests.event(Map.of("type", "app_home_opened", "user", ALICE, "channel", "D0ALICE", "tab", "home"), "Ev0020", 0);

        JsonNode publish = onlyCall("views.publish");
        assertEquals(ALICE, publish.path("user_id").asText());
        String view = publish.path("view").asText();
        assertTrue(view.contains("Your follow-ups") && view.contains("Open items"), view);
        assertTrue(view.indexOf("like our clinics") < view.indexOf("Open items"), "A2 is under Your follow-ups");
    }

    @Test
    void twenty_people_clicking_claim_at_once_leave_exactly_one_owner() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(20);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> clicks = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String user = String.format("U%02dFAN", i);
            clicks.add(pool.submit(() -> {
                start.await();
                return requests.itemClick("item_claim", A1_ON_LIST, user, slack.responseUrl("r-" + user), "2." + user, null).statusCode();
            }));
        }
        start.countDown();
        for (Future<Integer> click : clicks) {
            assertEquals(200, click.get(30, TimeUnit.SECONDS));
        }
        pool.shutdown();

        String item = awaitItem("claimed by <@U");
        assertEquals(1, countOf(item, "claimed (open → claimed)"), item);
        long told = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (told < 19 && System.nanoTime() < deadline) {
            told = slack.methodsCalled().stream().filter(m -> m.startsWith("respond/r-")).count() - 20;
            Thread.sleep(50);
        }
        assertEquals(19, told, "each of the 19 others is told who has it, besides the 20 redraws");
    }

    @Test
    void a_replayed_click_changes_nothing_twice() throws Exception {
        requests.itemClick("item_claim", A1_ON_LIST, ALICE, slack.responseUrl("x"), "3.1", null);
        awaitItem("claimed by <@U0ALICE>");
        requests.itemClick("item_unclaim", "item:1:item", ALICE, slack.responseUrl("x"), "3.2", null);
        awaitItem("· open");

        requests.itemClick("item_claim", A1_ON_LIST, ALICE, slack.responseUrl("x"), "3.1", null);
        Thread.sleep(500);
        String item = command("actions A1", ALICE);
        assertTrue(item.contains("· open"), item);
        assertEquals(1, countOf(item, "claimed (open → claimed)"));
    }

    @Test
    void state_survives_restarting_the_bot_on_the_same_database() throws Exception {
        command("assign A3 <@U0BOB>", ALICE);
        command("done A5", CAROL);
        stopBot();
        startBot();

        assertTrue(command("actions A3", CAROL).contains("claimed by <@U0BOB> (assigned by <@U0ALICE>)"));
        assertTrue(command("actions A5", CAROL).contains("done by <@U0CAROL>"));
        assertTrue(command("actions", CAROL).contains("Action items still to do (6)"));
    }

    @Test
    void slack_failing_to_deliver_the_dm_keeps_the_assignment_and_says_so() throws Exception {
        slack.script("chat.postMessage", new FakeSlackApi.Answer(200, "{\"ok\":false,\"error\":\"channel_not_found\"}", Map.of()));

        assertTrue(command("assign A1 <@U0BOB>", ALICE).contains("You assigned A1"));
        JsonNode told = onlyCall("respond/cmd");
        assertTrue(told.path("text").asText().contains("could not send <@U0BOB> a direct message"), told.toString());
        assertTrue(command("actions A1", ALICE).contains("claimed by <@U0BOB>"), "the assignment stands");
    }

    @Test
    void events_the_bot_does_not_act_on_are_acknowledged_not_404() throws Exception {
        Map<String, Object> edited = Map.of("type", "message", "subtype", "message_changed", "channel", "C0GENERAL",
                "ts", "1700000900.000100", "message", Map.of("type", "message", "user", BOB, "text", "x", "ts", "1.1"));
        assertEquals(200, requests.event(edited, "Ev0030", 0).statusCode());
        assertEquals(200, requests.event(Map.of("type", "message", "subtype", "channel_join", "channel", "C0GENERAL",
                "user", BOB, "ts", "1700000901.000100"), "Ev0031", 0).statusCode());
        assertEquals(200, requests.event(Map.of("type", "reaction_added", "user", BOB, "reaction", "tada",
                "item", Map.of("type", "message", "channel", "C0GENERAL", "ts", "1.1")), "Ev0032", 0).statusCode());
    }

    @Test
    void a_click_on_the_home_tab_republishes_it() throws Exception {
        requests.itemClick("item_claim", "item:4:home", ALICE, slack.responseUrl("home"), "5.1", null);

        JsonNode publish = onlyCall("views.publish");
        assertEquals(ALICE, publish.path("user_id").asText());
        assertTrue(publish.path("view").asText().contains("Should stop p1 manual testing"));
        assertTrue(command("actions A4", ALICE).contains("claimed by <@U0ALICE>"));
    }

    @Test
    void metrics_count_commands_slack_calls_transitions_and_the_jvm() throws Exception {
        command("monzo", ALICE);
        command("claim A1", ALICE);
        command("claim A1", BOB);
        slack.await("auth.test", 1, FakeSlackApi.seconds(5));

        String metrics = requests.get("/metrics").body();
        assertTrue(metrics.contains("qcon_requests_seconds_count{kind=\"command\",name=\"search\",outcome=\"ok\"} 1"), metrics);
        assertTrue(metrics.contains("qcon_requests_seconds_count{kind=\"command\",name=\"claim\",outcome=\"ok\"} 2"), metrics);
        assertTrue(metrics.contains("qcon_requests_seconds_bucket{kind=\"command\",name=\"claim\",outcome=\"ok\",le=\"0.5\"} 2"),
                "a latency histogram");
        assertTrue(metrics.contains("qcon_action_item_transitions_total{action=\"claim\",outcome=\"changed\"} 1"), metrics);
        assertTrue(metrics.contains("qcon_action_item_transitions_total{action=\"claim\",outcome=\"taken\"} 1"), metrics);
        assertTrue(metrics.contains("qcon_slack_api_calls_total{method=\"auth.test\",outcome=\"http_200\"} 1"), metrics);
        assertTrue(metrics.contains("jvm_memory_used_bytes"), metrics);
    }

    /** The whole life of an item, printed as the transcript of what Slack received (kept in the test's output). */
    @Test
    void an_item_goes_open_claimed_assigned_discussed_and_done() throws Exception {
        StringBuilder transcript = new StringBuilder();
        transcript.append("alice: /qcon actions A1\n  ").append(firstLine(command("actions A1", ALICE))).append('\n');
        transcript.append("alice: /qcon claim A1\n  ").append(replyText(command("claim A1", ALICE))).append('\n');
        transcript.append("alice: /qcon assign A1 @bob\n  ").append(replyText(command("assign A1 <@U0BOB|bob>", ALICE))).append('\n');
        String dm = slack.await("chat.postMessage", 1, FakeSlackApi.seconds(5)).get(0).form().get("text");
        transcript.append("  (DM to bob) ").append(dm).append('\n');
        transcript.append("bob: /qcon discuss A1\n  ").append(replyText(command("discuss A1", BOB))).append('\n');
        List<FakeSlackApi.Call> posts = slack.await("chat.postMessage", 2, FakeSlackApi.seconds(5));
        transcript.append("  (posted in #general) ").append(posts.get(1).form().get("text")).append('\n');
        transcript.append("  (to bob) ").append(slack.await("respond/cmd", 1, FakeSlackApi.seconds(5)).get(0).json().path("text").asText()).append('\n');
        awaitItem("no replies yet");
        requests.event(message(CAROL, "happy to pair on this", "1700000100.000200", "1700000000.000002"), "Ev0040", 0);
        transcript.append("carol replies in the thread\n");
        awaitItem("1 reply from <@U0CAROL>");
        transcript.append("bob: /qcon done A1\n  ").append(replyText(command("done A1", BOB))).append('\n');
        posts = slack.await("chat.postMessage", 3, FakeSlackApi.seconds(5));
        transcript.append("  (in the thread) ").append(posts.get(2).form().get("text")).append('\n');
        String item = command("actions A1", ALICE);
        transcript.append("alice: /qcon actions A1\n  ").append(firstLine(item)).append('\n');
        System.out.println("--- transcript ---\n" + transcript + "---");

        assertTrue(item.contains("done by <@U0BOB>") && item.contains("1 reply from <@U0CAROL>"), item);
        assertEquals(List.of("claimed (open → claimed)", "assigned to <@U0BOB> (claimed → claimed)", "marked done (claimed → done)"),
                List.of("claimed (open → claimed)", "assigned to <@U0BOB> (claimed → claimed)", "marked done (claimed → done)")
                        .stream().filter(item::contains).toList(), "history has every step");
        assertEquals("<@U0BOB> marked A1 done. :tada:", posts.get(2).form().get("text"));
    }

    private static String replyText(String body) throws Exception {
        return JSON.readTree(body).path("text").asText();
    }

    private static String firstLine(String body) throws Exception {
        return JSON.readTree(body).path("blocks").get(1).path("text").path("text").asText().replace("\n", " / ");
    }

    /** Starts A1's discussion in #general and returns the thread's ts. */
    private String discussA1() throws Exception {
        command("discuss A1", ALICE);
        assertEquals(1, slack.await("chat.postMessage", 1, FakeSlackApi.seconds(5)).size());
        awaitItem("no replies yet");
        return "1700000000.000001"; // the fake's first chat.postMessage ts
    }

    private static Map<String, Object> message(String user, String text, String ts, String threadTs) {
        Map<String, Object> event = new LinkedHashMap<>(Map.of("type", "message", "channel", "C0GENERAL", "user", user,
                "text", text, "ts", ts, "channel_type", "channel"));
        if (threadTs != null) {
            event.put("thread_ts", threadTs);
        }
        return event;
    }

    private static int countOf(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            count++;
        }
        return count;
    }
}
