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
 * Issue 13, adding knowledge from Slack, end to end: the real bot over HTTP, the fake Slack Web API on 127.0.0.1,
 * a real SQLite file. The shortcut and /qcon add open the form; a submitted form is saved before the ack, found by
 * /qcon at once, kept across a reload and a restart, and a bad form gets Slack's field errors and saves nothing.
 */
class AddFromSlackTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MONZO = "qcon-2020.txt/day-3/microservices-at-monzo";

    @TempDir
    Path dir;
    FakeSlackApi slack;
    Main.Bot bot;
    SlackRequests requests;

    @BeforeEach
    void start() throws Exception {
        slack = new FakeSlackApi();
        slack.script("chat.getPermalink", FakeSlackApi.Answer.ok(
                "{\"ok\":true,\"permalink\":\"https://qcon-test.slack.com/archives/C0GENERAL/p1700000000000100\"}"));
        bot = TestBot.with(dir, slack).start();
        requests = new SlackRequests(bot.port());
    }

    @AfterEach
    void stop() {
        requests.close();
        bot.close();
        slack.close();
    }

    @Test
    void the_shortcut_opens_the_form_with_the_message_text_and_its_permalink() throws Exception {
        HttpResponse<String> ack = requests.interactive(shortcut("we should try &lt;b&gt; feature flags &amp; canaries"));

        assertEquals(200, ack.statusCode());
        JsonNode view = JSON.readTree(slack.await("views.open", 1, FakeSlackApi.seconds(5)).get(0).form().get("view"));
        assertEquals("save_to_notes", view.path("callback_id").asText());
        assertEquals("https://qcon-test.slack.com/archives/C0GENERAL/p1700000000000100", view.path("private_metadata").asText());
        String text = view.findValues("initial_value").get(0).asText();
        assertEquals("we should try <b> feature flags & canaries", text, "shown as written, not as Slack escapes it");
        assertEquals("C0GENERAL", slack.calls("chat.getPermalink").get(0).form().get("channel"));
    }

    @Test
    void the_edit_form_of_a_talk_with_many_added_points_stays_within_slacks_limits() throws Exception {
        for (int i = 0; i < 120; i++) {
            requests.interactive(submission("VM" + i, MONZO, "monzo point number " + i, false, Map.of(), ""));
        }
        clickAs(TestBot.ADMIN, "edit_points", MONZO, "ep-many");
        JsonNode form = JSON.readTree(slack.await("views.open", 1, FakeSlackApi.seconds(10)).get(0).form().get("view"));
        assertTrue(form.path("blocks").size() <= 100, "Slack refuses a modal of more than 100 blocks: " + form.path("blocks").size());
        assertTrue(form.toString().contains("These are the 40 newest of 120") && form.toString().contains("monzo point number 119"),
                form.toString());
    }

    @Test
    void sharing_a_talk_in_a_channel_names_no_contributor_with_a_mention() throws Exception {
        requests.interactive(submission("V60", MONZO, "monzo runs chaos days", false, Map.of(),
                "https://qcon-test.slack.com/archives/C0GENERAL/p1700000000000100"));
        requests.interactive(submission("V61", MONZO, "monzo pages the whole team", false, Map.of(), ""));
        assertTrue(body(requests.command("chaos days")).contains("added by <@U0ANN>"), "in a private answer: who added it");

        requests.click("share_talk", MONZO, slack.responseUrl("share-q"));
        String shared = slack.await("respond/share-q", 1, FakeSlackApi.seconds(5)).get(0).json().toString();
        assertTrue(shared.contains("monzo runs chaos days") && shared.contains("monzo pages the whole team"), shared);
        assertFalse(shared.contains("<@U0ANN>"), "a post to a channel does not ping the people who added points: " + shared);
        assertTrue(shared.contains(", added, <https://qcon-test.slack.com/archives/C0GENERAL/p1700000000000100|from Slack>"),
                "the link to the message says who wrote it: " + shared);
    }

    @Test
    void slack_markup_in_a_saved_message_becomes_readable_text() throws Exception {
        slack.name("U0BOB", "bob");
        requests.interactive(shortcut("see <https://wiki.example/runbook|the runbook> &amp; <https://x.example/a>, ask"
                + " <@U0BOB> or <!channel> in <#C0OPS|ops> by <!date^1700000000^{date_short}|Nov 14>"));
        JsonNode view = JSON.readTree(slack.await("views.open", 1, FakeSlackApi.seconds(5)).get(0).form().get("view"));
        assertEquals("see the runbook (https://wiki.example/runbook) & https://x.example/a, ask @bob or @channel in #ops"
                + " by Nov 14", view.findValues("initial_value").get(0).asText());
    }

    @Test
    void qcon_add_with_words_opens_the_form_with_that_talk_chosen() throws Exception {
        assertEquals(200, requests.command("add monzo").statusCode());

        JsonNode view = JSON.readTree(slack.await("views.open", 1, FakeSlackApi.seconds(5)).get(0).form().get("view"));
        assertEquals(MONZO, view.findValue("initial_option").path("value").asText());
        assertEquals("new", view.findValue("options").get(0).path("value").asText(), "A new talk… comes first");
    }

    @Test
    void a_saved_point_is_found_at_once_with_who_added_it_and_kept_across_a_restart() throws Exception {
        HttpResponse<String> ack = requests.interactive(submission("V1", MONZO, "monzo runs chaos days every quarter", false,
                Map.of(), "https://qcon-test.slack.com/archives/C0GENERAL/p1700000000000100"));

        assertEquals(200, ack.statusCode());
        assertTrue(ack.body().isEmpty() || !ack.body().contains("errors"), ack.body());
        String found = body(requests.command("chaos days"));
        assertTrue(found.contains("monzo runs chaos days every quarter"), found);
        assertTrue(found.contains("added by <@U0ANN>, <https://qcon-test.slack.com/archives/C0GENERAL/p1700000000000100|from Slack>"), found);
        FakeSlackApi.Call told = slack.await("chat.postMessage", 1, FakeSlackApi.seconds(5)).get(0);
        assertEquals("U0ANN", told.form().get("channel"), "told in a DM");
        assertTrue(told.form().get("text").startsWith("Saved to *microservices at Monzo*"), told.form().toString());

        bot.close();
        bot = TestBot.with(dir, slack).start();
        requests = new SlackRequests(bot.port());
        assertTrue(requests.command("chaos days").body().contains("monzo runs chaos days every quarter"), "kept across a restart");
        assertTrue(requests.command("reload", TestBot.ADMIN, slack.responseUrl("reload")).statusCode() == 200);
        assertTrue(requests.command("chaos days").body().contains("monzo runs chaos days every quarter"), "kept across a reload");
    }

    @Test
    void a_double_clicked_save_adds_the_point_once_and_an_action_item_gets_an_id() throws Exception {
        for (int i = 0; i < 2; i++) {
            assertEquals(200, requests.interactive(submission("V2", MONZO, "we should run chaos days too", true, Map.of(), "")).statusCode());
        }

        String talk = requests.command("monzo chaos").body();
        assertEquals(1, talk.split("we should run chaos days too", -1).length - 1, talk);
        String actions = body(requests.command("actions all"));
        assertTrue(actions.contains("we should run chaos days too"), actions);
        assertTrue(actions.contains("added in Slack by <@U0ANN>"), "the item says who added it: " + actions);
    }

    @Test
    void a_new_talk_needs_a_title_and_gets_one_from_the_form() throws Exception {
        HttpResponse<String> refused = requests.interactive(submission("V3", "new", "edge functions are cheap", false, Map.of(), ""));
        JsonNode errors = JSON.readTree(refused.body());
        assertEquals("errors", errors.path("response_action").asText());
        assertTrue(errors.path("errors").has("new_title"), refused.body());
        assertFalse(requests.command("edge functions").body().contains("edge functions are cheap"), "nothing saved");

        requests.interactive(submission("V4", "new", "edge functions are cheap", false,
                Map.of("new_title", "Edge computing in practice", "new_day", "Day 1", "new_time", "11:00", "new_speaker", "Dana Example"), ""));

        String found = body(requests.command("edge computing"));
        assertTrue(found.contains("Edge computing in practice") && found.contains("edge functions are cheap"), found);
        assertTrue(found.contains("added in Slack"), "says where the talk came from");
    }

    @Test
    void an_empty_or_too_long_point_and_a_gone_talk_get_field_errors_and_save_nothing() throws Exception {
        assertTrue(JSON.readTree(requests.interactive(submission("V5", MONZO, "   ", false, Map.of(), "")).body())
                .path("errors").has("text"));
        assertTrue(JSON.readTree(requests.interactive(submission("V6", MONZO, "x".repeat(3001), false, Map.of(), "")).body())
                .path("errors").path("text").asText().contains("3000"));
        assertTrue(JSON.readTree(requests.interactive(submission("V7", "qcon-2020.txt/day-9/gone", "a point", false, Map.of(), "")).body())
                .path("errors").path("talk").asText().contains("no longer"));
        assertTrue(JSON.readTree(requests.interactive(submission("V8", "new", "a point", false,
                Map.of("new_title", "T", "new_time", "25:99"), "")).body()).path("errors").has("new_time"));
        assertFalse(requests.command("monzo").body().contains("added by"), "nothing was saved");
    }

    @Test
    void text_from_a_user_is_escaped_and_never_pings() throws Exception {
        requests.interactive(submission("V9", MONZO, "<!channel> look at <https://evil.example|this> & that", false, Map.of(),
                "https://evil.example/not-slack"));

        String found = body(requests.command("monzo"));
        assertFalse(found.contains("<!channel>"), found);
        assertTrue(found.contains("&lt;!channel&gt; look at &lt;https://evil.example|this&gt; &amp; that"), found);
        assertFalse(found.contains("<https://evil.example"), "a permalink that is not Slack's is not linked");
    }

    @Test
    void an_added_action_item_is_the_same_item_after_its_text_is_edited() throws Exception {
        requests.interactive(submission("V30", MONZO, "we should run chaos dyas", true, Map.of(), ""));
        String shown = body(requests.command("chaos dyas"));
        java.util.regex.Matcher point = java.util.regex.Pattern.compile("_\\((P\\d+), added by").matcher(shown);
        assertTrue(point.find(), shown);
        String ref = "A" + count("SELECT id FROM action_items WHERE text = 'we should run chaos dyas'");
        assertTrue(body(requests.command("claim " + ref, "U0BOB", slack.responseUrl("c1"))).contains("claimed"));
        int before = count("SELECT count(*) FROM action_items");

        String edited = body(requests.command("edit " + point.group(1) + " we should run chaos days", "U0ANN", slack.responseUrl("e9")));
        assertTrue(edited.contains("Changed " + point.group(1)), edited);

        assertEquals(before, count("SELECT count(*) FROM action_items"), "no second item beside it");
        String card = body(requests.command("actions " + ref, "U0BOB", slack.responseUrl("a1")));
        assertTrue(card.contains("we should run chaos days") && card.contains("claimed by <@U0BOB>"), "same item, same owner: " + card);
        assertFalse(card.contains("no longer in the notes"), card);
    }

    private int count(String sql) throws Exception {
        try (var connection = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("qcon.db"));
             var rows = connection.createStatement().executeQuery(sql)) {
            rows.next();
            return rows.getInt(1);
        }
    }

    @Test
    void the_author_or_an_admin_edits_or_removes_an_added_point_and_the_history_keeps_both() throws Exception {
        requests.interactive(submission("V10", MONZO, "monzo has a chaos team", false, Map.of(), ""));
        String shown = body(requests.command("chaos team"));
        java.util.regex.Matcher id = java.util.regex.Pattern.compile("_\\((P\\d+), added by").matcher(shown);
        assertTrue(id.find(), shown);
        String ref = id.group(1);

        assertTrue(body(requests.command("edit " + ref + " monzo has no chaos team", "U0BOB", slack.responseUrl("e1")))
                .contains("Only <@U0ANN>"), "someone else may not");
        String edited = body(requests.command("edit " + ref + " monzo has a resilience team &amp; game days", "U0ANN", slack.responseUrl("e2")));
        assertTrue(edited.contains("Changed " + ref), edited);
        String after = body(requests.command("monzo resilience"));
        assertTrue(after.contains("monzo has a resilience team &amp; game days") && !after.contains("chaos team"), after);

        assertTrue(body(requests.command("remove " + ref, TestBot.ADMIN, slack.responseUrl("r1"))).contains("Removed " + ref));
        assertFalse(body(requests.command("monzo resilience")).contains("resilience team"), "gone from the notes");
        assertTrue(body(requests.command("edit " + ref + " again", "U0ANN", slack.responseUrl("e3"))).contains("removed already"));
        try (var connection = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("qcon.db"));
             var rows = connection.createStatement().executeQuery(
                     "SELECT action, by_user, old_text, new_text FROM added_changes ORDER BY id")) {
            assertTrue(rows.next());
            assertEquals(List.of("edited", "U0ANN", "monzo has a chaos team", "monzo has a resilience team & game days"),
                    List.of(rows.getString(1), rows.getString(2), rows.getString(3), rows.getString(4)));
            assertTrue(rows.next());
            assertEquals(List.of("removed", TestBot.ADMIN), List.of(rows.getString(1), rows.getString(2)));
            assertFalse(rows.next());
        }
    }

    @Test
    void with_too_many_talks_for_one_list_the_picker_asks_the_bot_for_the_talks_matching_what_is_typed() throws Exception {
        StringBuilder notes = new StringBuilder("BIG CONF\n--------\n\nDay 1\n-----\n");
        for (int i = 0; i < 150; i++) {
            notes.append(String.format("%02d:%02d talk number %d about topic%d:%n- a point%n%n", 8 + i / 60, i % 60, i, i));
        }
        Path big = dir.resolve("big");
        java.nio.file.Files.createDirectories(big);
        java.nio.file.Files.writeString(big.resolve("big.txt"), notes);
        bot.close();
        bot = TestBot.with(dir.resolve("big"), slack).set(Config.QCON_NOTES, big.toString()).start();
        requests = new SlackRequests(bot.port());

        requests.command("add topic142");
        JsonNode view = JSON.readTree(slack.await("views.open", 1, FakeSlackApi.seconds(5)).get(0).form().get("view"));
        JsonNode picker = view.findValues("element").get(0);
        assertEquals("external_select", picker.path("type").asText(), picker.toString());
        assertEquals("big.txt/day-1/talk-number-142-about-topic142", picker.path("initial_option").path("value").asText());

        Map<String, Object> suggest = new LinkedHashMap<>();
        suggest.put("type", "block_suggestion");
        suggest.put("action_id", "talk");
        suggest.put("block_id", "talk");
        suggest.put("value", "topic77");
        suggest.put("team", Map.of("id", "T0TEST", "domain", "qcon-test"));
        suggest.put("user", Map.of("id", "U0ANN", "name", "ann"));
        suggest.put("api_app_id", "A0QCON");
        suggest.put("view", Map.of("id", "V9", "type", "modal", "callback_id", "save_to_notes"));
        JsonNode options = JSON.readTree(requests.interactive(suggest).body()).path("options");
        assertEquals("new", options.get(0).path("value").asText());
        assertEquals("big.txt/day-1/talk-number-77-about-topic77", options.get(1).path("value").asText(), options.toString());
        assertTrue(options.size() <= 100);
    }

    @Test
    void edit_added_points_on_the_talk_opens_a_form_of_your_own_points_and_saves_edits_and_removals() throws Exception {
        requests.interactive(submission("V20", MONZO, "monzo has a chaos team", false, Map.of(), ""));
        requests.interactive(submission("V21", MONZO, "monzo pays bug bounties", false, Map.of(), ""));
        String shown = body(requests.command("monzo"));
        assertTrue(shown.contains("\"action_id\":\"edit_points\""), "the talk has the button: " + shown);

        clickAs("U0BOB", "edit_points", MONZO, "ep-1");
        assertTrue(slack.await("respond/ep-1", 1, FakeSlackApi.seconds(5)).get(0).json().toString().contains("none of the points"));
        assertTrue(slack.calls("views.open").isEmpty(), "no form for someone with no points here");

        clickAs("U0ANN", "edit_points", MONZO, "ep-2");
        JsonNode form = JSON.readTree(slack.await("views.open", 1, FakeSlackApi.seconds(5)).get(0).form().get("view"));
        assertEquals("edit_points", form.path("callback_id").asText());
        List<String> fields = form.findValues("block_id").stream().map(JsonNode::asText).filter(id -> id.startsWith("P")).toList();
        assertEquals(2, fields.size(), form.toString());

        Map<String, Object> values = new LinkedHashMap<>();
        values.put(fields.get(0), SlackRequests.textInput(fields.get(0), "monzo has a resilience team"));
        values.put(fields.get(1), SlackRequests.textInput(fields.get(1), ""));
        assertEquals(200, requests.interactive(SlackRequests.viewSubmission("U0ANN", "V22", "edit_points", "", values)).statusCode());

        String after = body(requests.command("monzo resilience team"));
        assertTrue(after.contains("monzo has a resilience team") && !after.contains("chaos team") && !after.contains("bug bounties"), after);
        assertTrue(slack.await("chat.postMessage", 3, FakeSlackApi.seconds(5)).get(2).form().get("text")
                .contains("Changed " + fields.get(0) + ", removed " + fields.get(1)));
    }

    private void clickAs(String user, String actionId, String value, String response) throws Exception {
        assertEquals(200, requests.buttonClick(user, "C0GENERAL", actionId, "share", value, slack.responseUrl(response)).statusCode());
    }

    private static String body(HttpResponse<String> response) throws Exception {
        return SlackRequests.decoded(response);
    }

    private static Map<String, Object> shortcut(String text) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("type", "message_action");
        payload.put("callback_id", "save_to_notes");
        payload.put("trigger_id", "9.8.7");
        payload.put("team", Map.of("id", "T0TEST", "domain", "qcon-test"));
        payload.put("user", Map.of("id", "U0ANN", "name", "ann"));
        payload.put("channel", Map.of("id", "C0GENERAL", "name", "general"));
        payload.put("message_ts", "1700000000.000100");
        payload.put("message", Map.of("type", "message", "user", "U0BOB", "ts", "1700000000.000100", "text", text));
        payload.put("response_url", "http://127.0.0.1:9/unused");
        return payload;
    }

    private static Map<String, Object> submission(String viewId, String talk, String text, boolean internal,
                                                  Map<String, String> more, String permalink) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("talk", Map.of("talk", Map.of("type", "static_select", "selected_option",
                Map.of("text", Map.of("type", "plain_text", "text", "t"), "value", talk))));
        values.put("text", SlackRequests.textInput("text", text));
        values.put("todo", Map.of("todo", Map.of("type", "checkboxes", "selected_options", internal
                ? List.of(Map.of("text", Map.of("type", "plain_text", "text", "x"), "value", "internal")) : List.of())));
        more.forEach((id, value) -> values.put(id, SlackRequests.textInput(id, value)));
        return SlackRequests.viewSubmission("U0ANN", viewId, "save_to_notes", permalink, values);
    }
}
