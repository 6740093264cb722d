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
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * /qcon import, end to end over HTTP with the fake Slack: for admins and QCON_EDITORS only, a preview first (nothing
 * changes), then Import in one transaction, once; importing the same name again updates its talks in place.
 */
class ImportFromSlackTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EDITOR = "U0EDIT";
    private static final String DEVOXX = """
            Devoxx 2026
            -----------

            Day 1
            -----
            10:00 edge computing:
            - edge functions are cheap
            - [INFERNAL] we should try edge functions

            11:00 wasm everywhere:
            - wasm runs in the database now
            """;

    @TempDir
    Path dir;
    FakeSlackApi slack;
    Main.Bot bot;
    SlackRequests requests;

    @BeforeEach
    void start() throws Exception {
        slack = new FakeSlackApi();
        bot = TestBot.with(dir, slack).set(Config.QCON_EDITORS, EDITOR).start();
        requests = new SlackRequests(bot.port());
    }

    @AfterEach
    void stop() {
        requests.close();
        bot.close();
        slack.close();
    }

    @Test
    void only_admins_and_editors_may_import() throws Exception {
        assertTrue(body(requests.command("import", "U0ALICE", slack.responseUrl("i1"))).contains("for admins (QCON_ADMINS) and editors"));
        assertEquals(200, requests.command("import", EDITOR, slack.responseUrl("i2")).statusCode());
        JsonNode view = JSON.readTree(slack.await("views.open", 1, FakeSlackApi.seconds(5)).get(0).form().get("view"));
        assertEquals("import_notes", view.path("callback_id").asText());
        JsonNode refused = JSON.readTree(requests.interactive(submission("U0ALICE", "devoxx-2026.txt", DEVOXX)).body());
        assertTrue(refused.path("errors").path("notes").asText().contains("for admins"), refused.toString());
    }

    @Test
    void a_preview_changes_nothing_then_import_adds_the_talks_and_items_once() throws Exception {
        assertEquals(200, requests.interactive(submission(EDITOR, "devoxx-2026.txt", DEVOXX)).statusCode());
        FakeSlackApi.Call preview = slack.await("chat.postMessage", 1, FakeSlackApi.seconds(5)).get(0);
        assertEquals(EDITOR, preview.form().get("channel"), "the preview goes to its author");
        String shown = preview.form().get("blocks");
        assertTrue(shown.contains("Devoxx 2026: 1 day, 2 talks, 3 points, 1 action items"), shown);
        assertTrue(shown.contains("1 warning: line 8: read [INFERNAL] as [INTERNAL]"), shown);
        assertTrue(shown.contains("No file of this name was imported before"), shown);
        assertFalse(body(requests.command("wasm")).contains("wasm everywhere"), "nothing changes before Import");

        String id = importId(shown);
        requests.click("import_confirm", id, slack.responseUrl("imp-1"));
        // the click is by U0ALICE, who may not import
        JsonNode refused = slack.await("respond/imp-1", 1, FakeSlackApi.seconds(5)).get(0).json();
        assertTrue(refused.toString().contains("for admins"), refused.toString());
        assertFalse(body(requests.command("wasm")).contains("wasm everywhere"));

        click(EDITOR, "import_confirm", id, "imp-2");
        JsonNode done = slack.await("respond/imp-2", 1, FakeSlackApi.seconds(5)).get(0).json();
        assertTrue(done.path("replace_original").asBoolean());
        assertTrue(done.toString().contains("Imported `devoxx-2026.txt`. Devoxx 2026: 2 new talks, 3 points, 1 new action items; 1 warning: line 8"),
                done.toString());
        assertTrue(body(requests.command("wasm")).contains("wasm runs in the database now"));
        assertTrue(body(requests.command("actions all")).contains("we should try edge functions"));

        click(EDITOR, "import_confirm", id, "imp-3");
        assertTrue(slack.await("respond/imp-3", 1, FakeSlackApi.seconds(5)).get(0).json().toString().contains("imported already"),
                "a replayed click changes nothing");
    }

    @Test
    void importing_the_same_name_again_says_what_changes_and_updates_in_place() throws Exception {
        requests.interactive(submission(EDITOR, "devoxx-2026.txt", DEVOXX));
        click(EDITOR, "import_confirm", importId(slack.await("chat.postMessage", 1, FakeSlackApi.seconds(5)).get(0).form().get("blocks")), "a");
        slack.await("respond/a", 1, FakeSlackApi.seconds(5));
        String itemsBefore = body(requests.command("actions all"));

        String changed = DEVOXX.replace("- edge functions are cheap", "- edge functions are cheap, mostly")
                .replace("11:00 wasm everywhere:\n- wasm runs in the database now\n", "12:00 rust:\n- rust everywhere\n");
        requests.interactive(submission(EDITOR, "devoxx-2026.txt", changed));
        String shown = slack.await("chat.postMessage", 2, FakeSlackApi.seconds(5)).get(1).form().get("blocks");
        assertTrue(shown.contains("1 new, 1 changed and 1 gone talks"), shown);
        click(EDITOR, "import_confirm", importId(shown), "b");
        assertTrue(slack.await("respond/b", 1, FakeSlackApi.seconds(5)).get(0).json().toString().contains("1 new talks, 1 changed, 1 gone"));

        assertFalse(body(requests.command("wasm")).contains("wasm everywhere"), "the gone talk is gone");
        assertTrue(body(requests.command("edge computing")).contains("edge functions are cheap, mostly"));
        assertEquals(refBefore(itemsBefore, "we should try edge functions"),
                refBefore(body(requests.command("actions all")), "we should try edge functions"), "the item keeps its id");
    }

    @Test
    void bad_files_get_field_errors_and_cancel_changes_nothing() throws Exception {
        assertTrue(JSON.readTree(requests.interactive(submission(EDITOR, "../etc/passwd", DEVOXX)).body()).path("errors").has("name"));
        assertTrue(JSON.readTree(requests.interactive(submission(EDITOR, "qcon-2020.txt", DEVOXX)).body())
                .path("errors").path("name").asText().contains("on the server"));
        assertTrue(JSON.readTree(requests.interactive(submission(EDITOR, "x.txt", "just some text, no talks")).body())
                .path("errors").path("notes").asText().contains("No talks found"));

        requests.interactive(submission(EDITOR, "devoxx-2026.txt", DEVOXX));
        click(EDITOR, "import_cancel", importId(slack.await("chat.postMessage", 1, FakeSlackApi.seconds(5)).get(0).form().get("blocks")), "c");
        assertTrue(slack.await("respond/c", 1, FakeSlackApi.seconds(5)).get(0).json().toString().contains("Cancelled"));
        assertFalse(body(requests.command("wasm")).contains("wasm everywhere"));
    }

    private void click(String user, String actionId, String value, String response) throws Exception {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("type", "block_actions");
        payload.put("team", Map.of("id", "T0TEST", "domain", "qcon-test"));
        payload.put("user", Map.of("id", user, "username", "editor", "team_id", "T0TEST"));
        payload.put("api_app_id", "A0QCON");
        payload.put("trigger_id", "1.2.3");
        payload.put("channel", Map.of("id", "D0EDIT", "name", "directmessage"));
        payload.put("response_url", slack.responseUrl(response));
        payload.put("actions", java.util.List.of(Map.of("type", "button", "action_id", actionId, "block_id", "import",
                "value", value, "action_ts", String.valueOf(System.nanoTime()))));
        assertEquals(200, requests.interactive(payload).statusCode());
    }

    private static String importId(String blocks) throws Exception {
        for (JsonNode element : JSON.readTree(blocks).findValues("elements").get(0)) {
            if (element.path("action_id").asText().equals("import_confirm")) {
                return element.path("value").asText();
            }
        }
        throw new AssertionError("no Import button in " + blocks);
    }

    /** The last item id ("A9") before {@code text} in a list of items. */
    private static String refBefore(String list, String text) {
        java.util.regex.Matcher ref = java.util.regex.Pattern.compile("A\\d+").matcher(list.substring(0, list.indexOf(text)));
        String last = null;
        while (ref.find()) {
            last = ref.group();
        }
        return last;
    }

    private static String body(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body()).toString();
    }

    private static Map<String, Object> submission(String user, String name, String notes) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("name", Map.of("name", Map.of("type", "plain_text_input", "value", name)));
        values.put("notes", Map.of("notes", Map.of("type", "plain_text_input", "value", notes)));
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", "V" + System.nanoTime());
        view.put("type", "modal");
        view.put("callback_id", "import_notes");
        view.put("private_metadata", "");
        view.put("state", Map.of("values", values));
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("type", "view_submission");
        payload.put("team", Map.of("id", "T0TEST", "domain", "qcon-test"));
        payload.put("user", Map.of("id", user, "name", "someone"));
        payload.put("api_app_id", "A0QCON");
        payload.put("trigger_id", "9.8.8");
        payload.put("view", view);
        return payload;
    }
}
