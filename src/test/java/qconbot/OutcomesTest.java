package qconbot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What came of an action item (issue 15), through the real bot and the fake Slack: done with an outcome typed inline
 * or said in the item's thread, won't do with a reason, an outcome added or changed later, who may, and bad input.
 */
class OutcomesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final String ALICE = "U0ALICE";
    static final String BOB = "U0BOB";
    static final String CAROL = "U0CAROL";

    @TempDir
    Path dir;
    FakeSlackApi slack;
    Main.Bot bot;
    SlackRequests requests;

    @BeforeEach
    void start() throws Exception {
        slack = new FakeSlackApi();
        bot = TestBot.with(dir, slack).start();
        requests = new SlackRequests(bot.port());
    }

    @AfterEach
    void stop() {
        requests.close();
        bot.close();
        slack.close();
    }

    private String command(String text, String user) throws Exception {
        HttpResponse<String> response = requests.command(text, user, slack.responseUrl("cmd"));
        assertEquals(200, response.statusCode());
        return SlackRequests.decoded(response);
    }

    @Test
    void done_with_an_outcome_inline_is_said_in_the_thread_and_shown_on_the_item() throws Exception {
        discussA1();
        command("claim A1", BOB);

        String reply = command("done A1 removed 4,000 lines of dead code &lt;yay&gt; <https://github.com/acme/pay/pull/42|#42>", BOB);

        assertTrue(reply.contains("Marked A1 done") && reply.contains("saved with it"), reply);
        List<FakeSlackApi.Call> posts = slack.await("chat.postMessage", 3, FakeSlackApi.seconds(5));
        String announced = posts.get(posts.size() - 1).form().get("text");
        assertEquals(":tada: A1 done by <@U0BOB>: removed 4,000 lines of dead code &lt;yay&gt; · "
                + "<https://github.com/acme/pay/pull/42|link>", announced, "escaped, one link, no forged markup");
        String card = command("actions A1", ALICE);
        assertTrue(card.contains("What came of it:* removed 4,000 lines of dead code &lt;yay&gt;"), card);
        assertTrue(card.contains("marked done (claimed → done): removed 4,000 lines"), "in the history: " + card);
    }

    @Test
    void an_outcome_is_knowledge_found_by_its_words_under_the_item_it_closed_and_exported() throws Exception {
        command("done A1 removed 4,000 lines of dead code <https://github.com/acme/pay/pull/42>", BOB);

        String answer = command("what did we do about dead code", ALICE);
        assertTrue(answer.contains("Java in containers"), "the talk: " + answer);
        assertTrue(answer.contains("we should look for dead code → :leftwards_arrow_with_hook: *What came of A1:* removed 4,000 lines of"),
                "the outcome, under the item it closed: " + answer);
        assertTrue(answer.contains("<@U0BOB>") && answer.contains("<https://github.com/acme/pay/pull/42|link>"),
                "who said it and its link: " + answer);
        String talk = command("java containers", ALICE);
        assertTrue(talk.contains(":pushpin: *[INTERNAL]* we should look for dead code\\n        ◦ :leftwards_arrow_with_hook:"
                + " *What came of A1:* removed 4,000 lines of dead code"), "shown under the item's line: " + talk);

        java.nio.file.Path env = java.nio.file.Files.writeString(dir.resolve("empty.env"), "");
        Tools.export(Config.loadForConsole(Map.of(Config.QCON_CONFIG, env.toString(), Config.QCON_DB,
                dir.resolve("qcon.db").toString(), Config.QCON_NOTES, TestBot.NOTES.toString())),
                new String[] {"export", dir.resolve("out").toString()});
        String exported = java.nio.file.Files.readString(dir.resolve("out").resolve("qcon-2020.txt"));
        assertTrue(java.util.regex.Pattern.compile("- \\[INTERNAL] we should look for dead code\n-- what came of it \\(A1, "
                + "\\d{4}-\\d\\d-\\d\\d\\): removed 4,000 lines of dead code https://github.com/acme/pay/pull/42\n")
                .matcher(exported).find(), "the newest line for the item in the exported notes");

        command("reopen A1", ALICE);
        assertFalse(command("what did we do about dead code", ALICE).contains("What came of A1"),
                "reopened: no outcome in the notes any more");
    }

    @Test
    void done_by_button_is_done_at_once_then_a_form_asks_what_came_of_it() throws Exception {
        command("claim A1", BOB);
        var click = requests.buttonClick(BOB, "C0GENERAL", "item_done", "item:1:outstanding", "1", slack.responseUrl("list"));
        assertEquals(200, click.statusCode());

        JsonNode form = JSON.readTree(slack.await("views.open", 1, FakeSlackApi.seconds(5)).get(0).form().get("view"));
        assertEquals("item_outcome", form.path("callback_id").asText());
        assertEquals("What came of A1?", form.path("title").path("text").asText());
        assertEquals("1", form.path("private_metadata").asText());
        assertTrue(command("actions A1", ALICE).contains(":white_check_mark: done by <@U0BOB>"), "done with the click alone");

        var badLink = requests.interactive(SlackRequests.viewSubmission(BOB, "V1", "item_outcome", "1", Map.of(
                "outcome", SlackRequests.textInput("outcome", "removed the dead code"),
                "link", SlackRequests.textInput("link", "javascript:alert(1)"))));
        assertTrue(SlackRequests.decoded(badLink).contains("\"link\":\"A link starts with http:// or https://"),
                "a field error: " + badLink.body());
        var notHers = requests.interactive(SlackRequests.viewSubmission(CAROL, "V2", "item_outcome", "1", Map.of(
                "outcome", SlackRequests.textInput("outcome", "carol's version"))));
        assertTrue(SlackRequests.decoded(notHers).contains("Only <@U0BOB>"), notHers.body());
        assertFalse(command("actions A1", ALICE).contains("What came of it:*"), "nothing saved");

        Map<String, Object> good = SlackRequests.viewSubmission(BOB, "V3", "item_outcome", "1", Map.of(
                "outcome", SlackRequests.textInput("outcome", "removed 4,000 lines of dead code"),
                "link", SlackRequests.textInput("link", "https://github.com/acme/pay/pull/42")));
        var saved = requests.interactive(good);
        assertEquals(200, saved.statusCode());
        assertFalse(saved.body().contains("errors"), "the form closes: " + saved.body());
        assertEquals(200, requests.interactive(good).statusCode(), "Save pressed twice");
        String card = command("actions A1", ALICE);
        assertTrue(card.contains("What came of it:* removed 4,000 lines of dead code · <https://github.com/acme/pay/pull/42|link>"), card);
        assertEquals(1, countOf(card, "said what came of it"), "saved once: " + card);

        requests.buttonClick(BOB, "C0GENERAL", "item_outcome", "item:1:item", "1", slack.responseUrl("card"));
        JsonNode again = JSON.readTree(slack.await("views.open", 2, FakeSlackApi.seconds(5)).get(1).form().get("view"));
        assertTrue(again.toString().contains("\"initial_value\":\"removed 4,000 lines of dead code\""),
                "the card's button opens the form with what was said: " + again);
    }

    private void awaitCard(String ref, String shows) throws Exception {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        while (!command("actions " + ref, ALICE).contains(shows) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(command("actions " + ref, ALICE).contains(shows), ref + " never showed " + shows);
    }

    /** Starts A1's discussion and waits (at most 5 s) until the bot has recorded its thread; the thread's ts. */
    private String discussA1() throws Exception {
        command("discuss A1", ALICE);
        assertEquals(1, slack.await("chat.postMessage", 1, FakeSlackApi.seconds(5)).size());
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        while (!command("actions A1", ALICE).contains("no replies yet") && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        return "1700000000.000001"; // the fake's first chat.postMessage ts
    }

    private static int countOf(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            count++;
        }
        return count;
    }

    @Test
    void done_without_words_stays_one_step_and_the_outcome_can_follow() throws Exception {
        command("claim A2", BOB);
        String done = command("done A2", BOB);
        assertTrue(done.contains("Marked A2 done") && done.contains("/qcon outcome A2"), done);

        assertTrue(command("outcome A2 we trimmed the build", CAROL).contains("Only <@U0BOB>"), "not Carol's to say");
        assertFalse(command("actions A2", ALICE).contains("we trimmed the build"));
        String saved = command("outcome A2 we trimmed the build by half", BOB);
        assertTrue(saved.contains("Saved what came of A2: we trimmed the build by half"), saved);
        assertTrue(command("actions A2", ALICE).contains("What came of it:* we trimmed the build by half"));
    }

    @Test
    void wont_do_needs_a_reason_is_shown_apart_from_done_and_reopens_like_done() throws Exception {
        assertTrue(command("wontdo A3", ALICE).contains("Say why it won't be done"));
        assertTrue(command("actions A3", ALICE).contains("open"), "nothing changed");

        String closed = command("won't do A3 the team that owned it is gone", ALICE);
        assertTrue(closed.contains("Closed A3 as won't do: the team that owned it is gone"), closed);
        String card = command("actions A3", BOB);
        assertTrue(card.contains("won't do") && card.contains("Why not:* the team that owned it is gone"), card);
        assertFalse(card.contains(":white_check_mark: done"), "not shown as done: " + card);

        assertTrue(command("reopen A3", BOB).contains("Reopened A3"));
        assertFalse(command("actions A3", BOB).contains("Why not"), "a reopened item has no reason any more");
    }

    @Test
    void wont_do_by_button_asks_why_and_closes_the_item_only_with_a_reason() throws Exception {
        assertTrue(command("actions A3", ALICE).contains("\"action_id\":\"item_wontdo\""), "on the item's card");
        requests.buttonClick(ALICE, "C0GENERAL", "item_wontdo", "item:3:item", "3", slack.responseUrl("card"));
        JsonNode form = JSON.readTree(slack.await("views.open", 1, FakeSlackApi.seconds(5)).get(0).form().get("view"));
        assertEquals("item_wontdo", form.path("callback_id").asText());
        assertEquals("Won't do A3?", form.path("title").path("text").asText());
        assertTrue(command("actions A3", ALICE).contains("*A3* · open"), "nothing changes with the click");

        var empty = requests.interactive(SlackRequests.viewSubmission(ALICE, "V7", "item_wontdo", "3", Map.of(
                "outcome", SlackRequests.textInput("outcome", "  "))));
        assertTrue(SlackRequests.decoded(empty).contains("Say why it won't be done"), empty.body());
        assertTrue(command("actions A3", ALICE).contains("*A3* · open"), "still open");

        var closed = requests.interactive(SlackRequests.viewSubmission(ALICE, "V8", "item_wontdo", "3", Map.of(
                "outcome", SlackRequests.textInput("outcome", "the team that owned it is gone"))));
        assertFalse(closed.body().contains("errors"), closed.body());
        String card = command("actions A3", BOB);
        assertTrue(card.contains(":no_entry_sign: won't do (<@U0ALICE>)") && card.contains("Why not:* the team that owned it is gone"), card);
        assertTrue(command("claim A3", BOB).contains("A3 is closed as won't do. Reopen it first."));
    }

    @Test
    void the_digest_counts_wont_do_apart_and_lists_what_came_of_each_closed_item() throws Exception {
        command("claim A1", BOB);
        command("done A1 removed 4,000 lines of dead code", BOB);
        command("wontdo A3 the team that owned it is gone", ALICE);

        String digest = command("digest", ALICE);
        assertTrue(digest.contains("1 done · 1 won't do"), "counted apart: " + digest);
        assertTrue(digest.contains("A1 we should look for dead code · <@U0BOB>: removed 4,000 lines of dead code"), digest);
        assertTrue(digest.contains("*Won't do since the last digest*") || digest.contains("*Won't do*"), digest);
        assertTrue(digest.contains("A3 ") && digest.contains("· dropped by <@U0ALICE>, because: the team that owned it is gone"), digest);
        String done = digest.substring(digest.indexOf(":tada: *Done"));
        done = done.substring(0, done.indexOf("\"}"));
        assertFalse(done.contains("A3 "), "a dropped item is not listed as done: " + done);
    }

    @Test
    void a_wont_do_reason_is_shown_searched_and_exported_as_why_not_never_as_what_came_of_it() throws Exception {
        command("wontdo A1 dead code is cheaper to keep than to find", ALICE);

        String answer = command("what did we do about dead code", BOB);
        assertTrue(answer.contains("we should look for dead code → :leftwards_arrow_with_hook: *A1 won't be done:* *dead* *code* is cheaper"),
                "found by its words, as the reason it was dropped: " + answer);
        assertFalse(answer.contains("What came of A1"), "never as what came of it: " + answer);
        String talk = command("java containers", BOB);
        assertTrue(talk.contains("*A1 won't be done:* dead code is cheaper") && !talk.contains("What came of A1"), talk);

        java.nio.file.Path env = java.nio.file.Files.writeString(dir.resolve("empty.env"), "");
        Tools.export(Config.loadForConsole(Map.of(Config.QCON_CONFIG, env.toString(), Config.QCON_DB,
                dir.resolve("qcon.db").toString(), Config.QCON_NOTES, TestBot.NOTES.toString())),
                new String[] {"export", dir.resolve("out").toString()});
        String exported = java.nio.file.Files.readString(dir.resolve("out").resolve("qcon-2020.txt"));
        assertTrue(java.util.regex.Pattern.compile("- \\[INTERNAL] we should look for dead code\n-- won't do \\(A1, "
                + "\\d{4}-\\d\\d-\\d\\d\\): dead code is cheaper to keep than to find\n").matcher(exported).find(), exported);
        assertFalse(exported.contains("what came of it (A1"), "not exported as what came of it");
    }

    @Test
    void a_multi_line_outcome_or_reason_stays_one_line_and_never_forges_a_bullet() throws Exception {
        String forged = "all good\n• :pushpin: *[INTERNAL]* give mallory admin _(P7, added by @ceo)_";
        command("claim A1", BOB);
        command("done A1", BOB);
        var saved = requests.interactive(SlackRequests.viewSubmission(BOB, "V40", "item_outcome", "1", Map.of(
                "outcome", SlackRequests.textInput("outcome", forged))));
        assertFalse(saved.body().contains("errors"), saved.body());
        var dropped = requests.interactive(SlackRequests.viewSubmission(CAROL, "V41", "item_wontdo", "3", Map.of(
                "outcome", SlackRequests.textInput("outcome", "no time\n• :pushpin: *[INTERNAL]* give carol prod"))));
        assertFalse(dropped.body().contains("errors"), dropped.body());

        for (String shown : List.of(command("java containers", ALICE), command("actions A1", ALICE),
                command("what did we do about dead code", ALICE), command("digest", ALICE))) {
            assertFalse(shown.contains("\\n• :pushpin: *[INTERNAL]* give"), "no line of its own: " + shown);
        }
        assertTrue(command("actions A1", ALICE).contains("all good • :pushpin: *[INTERNAL]* give mallory admin"),
                "the text is kept, on its one line");
        assertTrue(command("actions A3", ALICE).contains("no time • :pushpin: *[INTERNAL]* give carol prod"));
    }

    @Test
    void bad_outcomes_are_refused_privately_and_change_nothing() throws Exception {
        command("claim A4", BOB);
        assertTrue(command("outcome A4 too early", BOB).contains("not closed yet"));
        assertTrue(command("done A4 see <ftp://files.example.com/x>", BOB).contains("must start with http:// or https://"));
        String tooLong = command("done A4 " + "x".repeat(3001), BOB);
        assertTrue(tooLong.contains("3001 characters") && tooLong.contains("Nothing changed"), tooLong);
        assertTrue(command("actions A4", BOB).contains("claimed by <@U0BOB>"), "still claimed");

        assertTrue(command("done A4 " + "y".repeat(3000), BOB).contains("Marked A4 done"), "3000 is fine");
    }

    @Test
    void done_said_in_the_items_thread_takes_the_outcome_once() throws Exception {
        String threadTs = discussA1();
        Map<String, Object> mention = new LinkedHashMap<>(Map.of("type", "app_mention", "user", CAROL,
                "text", "<@UBOT> done we run the clinics monthly now", "ts", "1700000500.000100",
                "thread_ts", threadTs, "channel", "C0GENERAL"));

        Map<String, Object> habit = new LinkedHashMap<>(mention);
        habit.put("text", "<@UBOT> done A1");
        habit.put("ts", "1700000400.000100");
        habit.put("user", BOB);
        requests.event(habit, "Ev0499", 0);
        awaitCard("A1", ":white_check_mark: done by <@U0BOB>");
        assertFalse(command("actions A1", BOB).contains("What came of it:*"), "\"done A1\" in the thread: no outcome \"A1\"");
        command("reopen A1", BOB);

        requests.event(mention, "Ev0500", 0);
        requests.event(mention, "Ev0500", 1);
        List<FakeSlackApi.Call> posts = slack.await("chat.postMessage", 4, FakeSlackApi.seconds(5));
        Thread.sleep(300);
        assertEquals(4, slack.calls("chat.postMessage").size(),
                "the discussion post, Bob's done and reopen, and one announcement of Carol's done: " + posts);
        assertEquals(":tada: A1 done by <@U0CAROL>: we run the clinics monthly now",
                slack.calls("chat.postMessage").get(3).form().get("text"));
    }
}
