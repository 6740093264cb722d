package qconbot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import qconbot.store.Questions;
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
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 25, asking the team, end to end: the real bot over HTTP, the fake Slack Web API on 127.0.0.1, a real SQLite
 * file. A question the notes do not cover is asked of the team, answered in its thread, the reply saved as the
 * answer, the asker told, and the same question answered from the notes from then on; with the refusals.
 */
class AskTheTeamTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String QUESTIONS = "C0QUESTIONS";
    static final String MONZO = "qcon-2020.txt/day-3/microservices-at-monzo";
    static final String ASKED = "what is Xylophonia Zebrafest?";

    @TempDir
    Path dir;
    FakeSlackApi slack;
    Main.Bot bot;
    SlackRequests requests;

    @BeforeEach
    void start() throws Exception {
        slack = new FakeSlackApi();
        bot = TestBot.with(dir, slack).set(Config.QCON_QUESTIONS_CHANNEL, QUESTIONS).start();
        requests = new SlackRequests(bot.port());
    }

    @AfterEach
    void stop() {
        requests.close();
        bot.close();
        slack.close();
    }

    @Test
    void a_question_the_notes_miss_goes_to_the_team_and_its_answer_becomes_knowledge() throws Exception {
        JsonNode nothing = JSON.readTree(SlackRequests.decoded(requests.command(ASKED, "U0ANN", slack.responseUrl("q0"))));
        assertTrue(nothing.toString().contains("Nothing in the notes covers"), nothing.toString());
        String value = button(nothing, "ask_team");

        List<Map<String, Object>> message = JSON.convertValue(nothing.path("blocks"), List.class);
        requests.interactive(clickIn("U0ANN", "ask_team", value, message, "1.1", slack.responseUrl("ask")));
        FakeSlackApi.Posted question = awaitPost(QUESTIONS, null);
        assertTrue(question.text().startsWith("Q1 from the team: " + ASKED), question.text());
        String said = slack.await("respond/ask", 3, FakeSlackApi.seconds(5)).toString();
        assertTrue(said.contains("Posted *Q1* to <#C0QUESTIONS>"), said);
        assertTrue(said.contains("Asked the team as *Q1*"), "the Ask row is redrawn: " + said);

        // Bob replies in the thread; Eve, who did neither, may not make his reply the answer
        requests.event(reply(question.ts(), "1700000100.000200", "U0BOB", "Sam from payments, every other week"), "Ev1", 0);
        requests.interactive(shortcut("U0EVE", question.ts(), "1700000100.000200", "U0BOB", "Sam from payments, every other week"));
        FakeSlackApi.Posted refused = awaitPost("U0EVE", null);
        assertTrue(refused.text().contains("Only whoever asked *Q1*"), refused.text());

        requests.interactive(shortcut("U0BOB", question.ts(), "1700000100.000200", "U0BOB", "Sam from payments, every other week"));
        JsonNode form = JSON.readTree(slack.await("views.open", 1, FakeSlackApi.seconds(5)).get(0).form().get("view"));
        String metadata = form.path("private_metadata").asText();
        assertTrue(metadata.startsWith("q:1:U0BOB:https://qcon-test.slack.com/archives/C0QUESTIONS/p1700000100000200"), metadata);
        assertEquals("Sam from payments, every other week", form.findValues("initial_value").get(0).asText());
        assertTrue(form.toString().contains("Answering *Q1*"), form.toString());

        HttpResponse<String> saved = requests.interactive(answer("U0BOB", "VA1", metadata, MONZO,
                "Sam from payments, every other week"));
        assertFalse(saved.body().contains("errors"), saved.body());
        FakeSlackApi.Call edited = slack.await("chat.update", 1, FakeSlackApi.seconds(5)).get(0);
        assertEquals(question.ts(), edited.form().get("ts"));
        assertTrue(JSON.readTree(edited.form().get("blocks")).toString().contains("Answered by <@U0BOB>"), edited.form().toString());
        assertFalse(edited.form().get("blocks").contains("question_answer"), "no buttons once answered");
        FakeSlackApi.Posted toAsker = awaitPost("U0ANN", null);
        assertTrue(toAsker.text().contains("Your question *Q1* has an answer from <@U0BOB>")
                && toAsker.text().contains("Sam from payments")
                && toAsker.text().contains("<https://qcon-test.slack.com/archives/C0QUESTIONS/p1700000100000200|See the thread.>"),
                toAsker.text());

        String again = SlackRequests.decoded(requests.command(ASKED, "U0CAT", slack.responseUrl("q2")));
        assertFalse(again.contains("Nothing in the notes covers"), again);
        assertTrue(again.contains("Sam from payments, every other week") && again.contains("added by <@U0BOB>")
                && again.contains("|from Slack>"), "answered by the saved point, with who answered and a link: " + again);
        assertTrue(again.contains("\"type\":\"feedback_buttons\"") && again.contains("answer_feedback"),
                "an answer to a question asks whether it answered it: " + again);

        // a second answer is refused politely and changes nothing
        HttpResponse<String> second = requests.interactive(answer("U0ANN", "VA2", "q:1:-:", MONZO, "a Gaggia"));
        assertTrue(second.body().contains("has its answer already"), second.body());
        assertFalse(SlackRequests.decoded(requests.command("Xylophonia gaggia")).contains("a Gaggia"));

        String digest = SlackRequests.decoded(requests.command("digest"));
        assertTrue(digest.contains("*Questions for the team:* 0 open · 1 answered this week · median time to an answer"), digest);
        String metrics = bot.core().metrics().scrape();
        assertTrue(metrics.contains("qcon_questions_total{outcome=\"asked\"} 1.0")
                && metrics.contains("qcon_questions_total{outcome=\"answered\"} 1.0"), metrics);

        // Bob takes his answer back: the question is open again, and the notes no longer answer it
        long point = bot.core().questions().get(1).orElseThrow().answerPoint();
        String removed = SlackRequests.decoded(requests.command("remove P" + point, "U0BOB", slack.responseUrl("rm")));
        assertTrue(removed.contains("Removed P" + point) && removed.contains("*Q1*, which it answered, is open again"), removed);
        List<FakeSlackApi.Call> updates = slack.await("chat.update", 2, FakeSlackApi.seconds(5));
        assertEquals(question.ts(), updates.get(1).form().get("ts"));
        assertTrue(updates.get(1).form().get("blocks").contains("question_answer"), "its post has its buttons again");
        assertTrue(SlackRequests.decoded(requests.command("questions")).contains("*Q1*"), "listed as open again");
        assertTrue(SlackRequests.decoded(requests.command(ASKED, "U0CAT", slack.responseUrl("q3"))).contains("Nothing in the notes covers"));
        assertTrue(SlackRequests.decoded(requests.command("questions Q1")).contains("reopened by <@U0BOB>"));
    }

    @Test
    void the_questions_button_saves_a_reply_picked_from_its_thread_by_whoever_may() throws Exception {
        String value = button(JSON.readTree(SlackRequests.decoded(requests.command(ASKED, "U0ANN", slack.responseUrl("q")))), "ask_team");
        requests.buttonClick("U0ANN", "C0GENERAL", "ask_team", "answer_feedback", value, slack.responseUrl("ask"));
        FakeSlackApi.Posted question = awaitPost(QUESTIONS, null);
        slack.awaitSaid("respond/ask", "Posted *Q1*", FakeSlackApi.seconds(5)); // its ts is recorded: replies find it
        requests.event(reply(question.ts(), "1700000300.000300", "U0BOB", "no idea, ask Cat"), "EvB", 0);
        requests.event(reply(question.ts(), "1700000300.000400", "U0CAT", "It is &lt;the&gt; band from the 4th floor"), "EvC", 0);
        // Dan fixes his reply's typo; Eve deletes hers; the bot's own edit of the post is no reply
        requests.event(reply(question.ts(), "1700000300.000500", "U0DAN", "teh band"), "EvD", 0);
        requests.event(Map.of("type", "message", "subtype", "message_changed", "channel", QUESTIONS, "hidden", true,
                "ts", "1700000300.000900", "message", Map.of("type", "message", "user", "U0DAN", "text", "the band, edited",
                        "ts", "1700000300.000500", "thread_ts", question.ts())), "EvD2", 0);
        requests.event(reply(question.ts(), "1700000300.000600", "U0EVE", "wrong thread, sorry"), "EvE", 0);
        requests.event(Map.of("type", "message", "subtype", "message_deleted", "channel", QUESTIONS, "hidden", true,
                "ts", "1700000300.000901", "deleted_ts", "1700000300.000600", "previous_message", Map.of("type", "message",
                        "user", "U0EVE", "text", "wrong thread, sorry", "ts", "1700000300.000600", "thread_ts", question.ts())),
                "EvE2", 0);
        requests.event(Map.of("type", "message", "subtype", "message_changed", "channel", QUESTIONS, "hidden", true,
                "ts", "1700000300.000902", "message", Map.of("type", "message", "bot_id", "B0QCON", "user", "U0BOT",
                        "text", "Q1 edited by the bot", "ts", question.ts(), "thread_ts", question.ts())), "EvQ", 0);

        requests.buttonClick("U0BOB", QUESTIONS, "question_answer", "question:1", "1", slack.responseUrl("bob"));
        JsonNode form = JSON.readTree(slack.await("views.open", 1, FakeSlackApi.seconds(5)).get(0).form().get("view"));
        assertTrue(form.toString().contains("Which reply answers it") && form.toString().contains("no idea, ask Cat")
                && form.toString().contains("It is <the> band from the 4th floor"), form.toString());
        assertTrue(form.toString().contains("the band, edited") && !form.toString().contains("teh band"),
                "a reply as it reads after its author's edit: " + form);
        assertFalse(form.toString().contains("wrong thread"), "a deleted reply is not offered: " + form);
        String metadata = form.path("private_metadata").asText();
        HttpResponse<String> bobPicksCat = requests.interactive(answerPicking("U0BOB", "VB", metadata, "1700000300.000400"));
        assertTrue(bobPicksCat.body().contains("whoever wrote that reply"), "a replier may make only their own reply the answer: "
                + bobPicksCat.body());

        HttpResponse<String> saved = requests.interactive(answerPicking("U0ANN", "VA", metadata, "1700000300.000400"));
        assertFalse(saved.body().contains("errors"), saved.body());
        String again = SlackRequests.decoded(requests.command(ASKED, "U0DAN", slack.responseUrl("q2")));
        assertTrue(again.contains("It is &lt;the&gt; band from the 4th floor") && again.contains("added by <@U0CAT>")
                && again.contains("<https://qcon-test.slack.com/archives/C0QUESTIONS/p1700000300000400?thread_ts="
                + question.ts() + "&cid=C0QUESTIONS|from Slack>"), "the reply's words, its author and its link: " + again);
        assertTrue(JSON.readTree(slack.await("chat.update", 1, FakeSlackApi.seconds(5)).get(0).form().get("blocks")).toString()
                .contains("Answered by <@U0CAT>"));

        // Cat takes her answer back in the edit form (its text emptied): Q1 is open again, its post has its buttons
        String point = "P" + bot.core().questions().get(1).orElseThrow().answerPoint();
        requests.interactive(SlackRequests.viewSubmission("U0CAT", "VE", "edit_points", "",
                Map.of(point, SlackRequests.textInput(point, ""))));
        List<FakeSlackApi.Call> updates = slack.await("chat.update", 2, FakeSlackApi.seconds(5));
        assertNotNull(slack.awaitPostedWith("U0CAT", "Q1", FakeSlackApi.seconds(5)), "Cat is told the question is open again");
        assertTrue(updates.get(1).form().get("blocks").contains("question_answer"), updates.get(1).form().toString());
        assertEquals(Questions.State.OPEN, bot.core().questions().get(1).orElseThrow().state());
    }

    /** The button's answer form submitted with a reply picked and no words of one's own. */
    static Map<String, Object> answerPicking(String user, String viewId, String metadata, String replyTs) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("talk", Map.of("talk", Map.of("type", "static_select", "selected_option",
                Map.of("text", Map.of("type", "plain_text", "text", "t"), "value", MONZO))));
        values.put("reply", Map.of("reply", Map.of("type", "static_select", "selected_option",
                Map.of("text", Map.of("type", "plain_text", "text", "r"), "value", replyTs))));
        values.put("text", SlackRequests.textInput("text", ""));
        return SlackRequests.viewSubmission(user, viewId, "save_to_notes", metadata, values);
    }

    @Test
    void feedback_is_recorded_once_and_not_really_offers_the_team() throws Exception {
        JsonNode answer = JSON.readTree(SlackRequests.decoded(requests.command("why did monzo pick cassandra?", "U0ANN",
                slack.responseUrl("a"))));
        JsonNode buttons = answer.findValue("positive_button").isMissingNode() ? null : answer;
        assertNotNull(buttons, "Slack's feedback buttons under the answer: " + answer);
        String no = answer.findValue("negative_button").path("value").asText();
        String yes = answer.findValue("positive_button").path("value").asText();
        assertTrue(no.startsWith("no\n") && yes.startsWith("yes\n") && no.endsWith("why did monzo pick cassandra?"), no);
        List<Map<String, Object>> message = JSON.convertValue(answer.path("blocks"), List.class);

        requests.interactive(clickIn("U0ANN", "answer_feedback", no, message, "1.1", slack.responseUrl("no")));
        requests.interactive(clickIn("U0ANN", "answer_feedback", no, message, "1.1", slack.responseUrl("no")));
        String redrawn = slack.await("respond/no", 1, FakeSlackApi.seconds(5)).get(0).json().toString();
        assertTrue(redrawn.contains("noted that this did not answer it") && redrawn.contains("ask_team")
                && !redrawn.contains("feedback_buttons") && redrawn.contains("replace_original\":true"), redrawn);
        String ask = button(JSON.readTree(redrawn), "ask_team");
        requests.interactive(clickIn("U0ANN", "ask_team", ask, List.of(), "1.2", slack.responseUrl("ask-near")));
        awaitPost(QUESTIONS, null);
        String post = JSON.readTree(slack.calls("chat.postMessage").stream().filter(c -> QUESTIONS.equals(c.form().get("channel")))
                .findFirst().orElseThrow().form().get("blocks")).toString();
        assertTrue(post.contains("The notes did not answer it. Nearest talks: *microservices at Monzo* (Day 3), *"), post);
        requests.interactive(clickIn("U0BOB", "answer_feedback", yes, message, "2.2", slack.responseUrl("yes")));
        assertTrue(slack.await("respond/yes", 1, FakeSlackApi.seconds(5)).get(0).json().toString().contains("answered it"));

        List<String> recorded = bot.core().db().read(connection -> {
            List<String> rows = new java.util.ArrayList<>();
            try (var select = connection.prepareStatement("SELECT kind, by_user, talk_key, point, question FROM answer_feedback ORDER BY id");
                 var found = select.executeQuery()) {
                while (found.next()) {
                    rows.add(found.getString(1) + " " + found.getString(2) + " " + found.getString(3) + " " + found.getString(4)
                            + " " + found.getString(5));
                }
            }
            return rows;
        });
        assertEquals(2, recorded.size(), recorded.toString());
        assertTrue(recorded.get(0).startsWith("not_really U0ANN qcon-2020.txt/day-3/microservices-at-monzo qcon-2020.txt:")
                && recorded.get(0).endsWith(" why did monzo pick cassandra?"), "against the question and the point shown first: " + recorded);
        assertTrue(recorded.get(1).startsWith("answered U0BOB "), recorded.toString());
        String metrics = bot.core().metrics().scrape();
        assertTrue(metrics.contains("qcon_answer_feedback_total{kind=\"not_really\"} 1.0")
                && metrics.contains("qcon_answer_feedback_total{kind=\"answered\"} 1.0"), "a replayed click counts once: " + metrics);
    }

    @Test
    void a_channel_the_bot_is_not_in_keeps_the_question_open_and_it_can_be_posted_again() throws Exception {
        slack.script("chat.postMessage", FakeSlackApi.Answer.ok("{\"ok\":false,\"error\":\"not_in_channel\"}"));
        String value = button(JSON.readTree(SlackRequests.decoded(requests.command(ASKED, "U0ANN", slack.responseUrl("q")))), "ask_team");
        requests.buttonClick("U0ANN", "C0GENERAL", "ask_team", "answer_feedback", value, slack.responseUrl("ask"));
        String said = slack.await("respond/ask", 2, FakeSlackApi.seconds(5)).toString();
        assertTrue(said.contains("I am not in <#C0QUESTIONS>") && said.contains("*Q1* is kept open"), said);

        String listed = SlackRequests.decoded(requests.command("questions"));
        assertTrue(listed.contains("*Q1*") && listed.contains("not posted: not_in_channel"), listed);
        requests.event(Map.of("type", "app_home_opened", "user", "U0ANN", "channel", "D0ANN", "tab", "home"), "EvHome1", 0);
        requests.event(Map.of("type", "app_home_opened", "user", TestBot.ADMIN, "channel", "D0ADMIN", "tab", "home"), "EvHome2", 0);
        requests.event(Map.of("type", "app_home_opened", "user", "U0BOB", "channel", "D0BOB", "tab", "home"), "EvHome3", 0);
        Map<String, String> homes = new LinkedHashMap<>();
        for (FakeSlackApi.Call call : slack.await("views.publish", 3, FakeSlackApi.seconds(5))) {
            homes.put(call.form().get("user_id"), JSON.readTree(call.form().get("view")).toString());
        }
        assertTrue(homes.get("U0ANN").contains("Your open questions") && homes.get("U0ANN").contains("*Q1*"), homes.get("U0ANN"));
        assertTrue(homes.get(TestBot.ADMIN).contains("Open questions for the team") && homes.get(TestBot.ADMIN).contains("*Q1*"),
                "an editor sees every open question: " + homes.get(TestBot.ADMIN));
        assertFalse(homes.get("U0BOB").contains("*Q1*"), "someone else's question is not on Bob's home");
        JsonNode one = JSON.readTree(SlackRequests.decoded(requests.command("questions Q1", "U0ANN", slack.responseUrl("one"))));
        requests.buttonClick("U0ANN", "C0GENERAL", "ask_team", "repost", button(one, "ask_team"), slack.responseUrl("again"));
        requests.buttonClick("U0ANN", "C0GENERAL", "ask_team", "repost", button(one, "ask_team"), slack.responseUrl("twice"));
        assertNotNull(awaitPost(QUESTIONS, null), "posted once the channel takes it");
        slack.awaitSaid("respond/again", "Posted *Q1*", FakeSlackApi.seconds(5));
        String second = slack.await("respond/twice", 1, FakeSlackApi.seconds(5)).toString();
        assertTrue(second.contains("on its way") || second.contains("not waiting to be posted"), second);
        assertEquals(2, slack.calls("chat.postMessage").stream().filter(c -> QUESTIONS.equals(c.form().get("channel"))).count(),
                "refused once, then posted once however often Post again is pressed");
        String closedBy = SlackRequests.decoded(requests.command("questions Q1"));
        assertTrue(closedBy.contains("post failed") && closedBy.contains("• posted"), "the history says so: " + closedBy);
    }

    @Test
    void only_the_asker_or_an_editor_closes_a_question_and_nothing_echoed_pings_anyone() throws Exception {
        String value = button(JSON.readTree(SlackRequests.decoded(requests.command("<!channel> Xylophonia <@U0BOSS> Zebrafest?",
                "U0ANN", slack.responseUrl("q")))), "ask_team");
        requests.buttonClick("U0ANN", "C0GENERAL", "ask_team", "answer_feedback", value, slack.responseUrl("ask"));
        FakeSlackApi.Posted question = awaitPost(QUESTIONS, null);
        slack.awaitSaid("respond/ask", "Posted *Q1*", FakeSlackApi.seconds(5)); // recorded: closing it edits the post
        String blocks = slack.calls("chat.postMessage").stream().filter(c -> QUESTIONS.equals(c.form().get("channel")))
                .findFirst().orElseThrow().form().get("blocks");
        blocks = JSON.readTree(blocks).toString(); // as Slack reads it: the SDK writes < as \u003c
        for (String posted : List.of(question.text(), blocks)) {
            assertFalse(posted.contains("<!channel>") || posted.contains("<@U0BOSS>"), posted);
        }
        assertTrue(blocks.contains("@channel Xylophonia @U0BOSS Zebrafest?"), "shown as words: " + blocks);

        requests.buttonClick("U0EVE", QUESTIONS, "question_close", "question:1", "1", slack.responseUrl("eve"));
        assertTrue(slack.await("respond/eve", 1, FakeSlackApi.seconds(5)).toString().contains("Only whoever asked"));
        requests.buttonClick("U0EVE", QUESTIONS, "question_answer", "question:1", "1", slack.responseUrl("eve2"));
        assertTrue(slack.await("respond/eve2", 1, FakeSlackApi.seconds(5)).toString().contains("Only whoever asked"));
        assertTrue(slack.calls("views.open").isEmpty(), "no form for someone who may not answer");

        requests.buttonClick("U0ANN", QUESTIONS, "question_close", "question:1", "1", slack.responseUrl("ann"));
        assertTrue(slack.await("respond/ann", 1, FakeSlackApi.seconds(5)).toString().contains("Closed *Q1* as no one knows"));
        assertTrue(slack.await("chat.update", 1, FakeSlackApi.seconds(5)).get(0).form().get("blocks").contains("no one knows"));
        assertTrue(SlackRequests.decoded(requests.command("questions")).contains("No open questions"));
        assertTrue(bot.core().metrics().scrape().contains("qcon_questions_total{outcome=\"no_one_knows\"} 1.0"));
    }

    /** The value of the first button with this action id in a reply. */
    static String button(JsonNode reply, String actionId) {
        for (JsonNode element : reply.findValues("elements")) {
            for (JsonNode button : element) {
                if (actionId.equals(button.path("action_id").asText())) {
                    return button.path("value").asText();
                }
            }
        }
        for (JsonNode accessory : reply.findValues("accessory")) {
            if (actionId.equals(accessory.path("action_id").asText())) {
                return accessory.path("value").asText();
            }
        }
        throw new AssertionError("no " + actionId + " button in " + reply);
    }

    FakeSlackApi.Posted awaitPost(String channel, String thread) throws InterruptedException {
        return slack.awaitPosted(channel, thread, FakeSlackApi.seconds(5));
    }

    static Map<String, Object> reply(String threadTs, String ts, String user, String text) {
        return Map.of("type", "message", "channel", QUESTIONS, "channel_type", "channel", "thread_ts", threadTs, "ts", ts,
                "user", user, "text", text);
    }

    /** "Save to conference notes" by {@code user} on a reply in the question's thread. */
    static Map<String, Object> shortcut(String user, String threadTs, String ts, String author, String text) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("type", "message_action");
        payload.put("callback_id", "save_to_notes");
        payload.put("trigger_id", "9.8.7");
        payload.put("team", Map.of("id", "T0TEST", "domain", "qcon-test"));
        payload.put("user", Map.of("id", user, "name", user.toLowerCase()));
        payload.put("channel", Map.of("id", QUESTIONS, "name", "questions"));
        payload.put("message_ts", ts);
        payload.put("message", Map.of("type", "message", "user", author, "ts", ts, "thread_ts", threadTs, "text", text));
        payload.put("response_url", "http://127.0.0.1:9/unused");
        return payload;
    }

    /** The answer form submitted by {@code user}: the talk picked and the answer. */
    static Map<String, Object> answer(String user, String viewId, String metadata, String talk, String text) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("talk", Map.of("talk", Map.of("type", "static_select", "selected_option",
                Map.of("text", Map.of("type", "plain_text", "text", "t"), "value", talk))));
        values.put("text", SlackRequests.textInput("text", text));
        return SlackRequests.viewSubmission(user, viewId, "save_to_notes", metadata, values);
    }

    /** A click on a button of an ephemeral answer, with the message's blocks, as Slack sends it. */
    static Map<String, Object> clickIn(String user, String actionId, String value, List<Map<String, Object>> blocks,
                                       String actionTs, String responseUrl) {
        return SlackRequests.clickPayload(user, "C0GENERAL", actionId, "answer_feedback", value, actionTs, responseUrl, blocks);
    }
}
