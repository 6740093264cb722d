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
        bot = TestBot.with(dir, slack).set(Config.QCON_EDITORS, EDITOR).set(Config.QCON_IMPORT_MAX_BYTES, "2000")
                .set(Config.SLACK_TIMEOUT_MS, "1000").start();
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
    void an_import_that_renames_a_talk_keeps_what_was_added_and_one_that_drops_it_says_so_before_the_click() throws Exception {
        requests.interactive(submission(EDITOR, "devoxx-2026.txt", DEVOXX));
        click(EDITOR, "import_confirm", importId(slack.await("chat.postMessage", 1, FakeSlackApi.seconds(5)).get(0).form().get("blocks")), "a");
        slack.await("respond/a", 1, FakeSlackApi.seconds(5));
        String item = refBefore(body(requests.command("actions all")), "we should try edge functions");
        assertTrue(body(requests.command("claim " + item, "U0BOB", slack.responseUrl("c"))).contains("claimed"));
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("talk", Map.of("talk", Map.of("type", "static_select", "selected_option",
                Map.of("text", Map.of("type", "plain_text", "text", "t"), "value", "devoxx-2026.txt/day-1/edge-computing"))));
        values.put("text", SlackRequests.textInput("text", "cold starts under 5 ms"));
        values.put("todo", Map.of("todo", Map.of("type", "checkboxes", "selected_options", List.of())));
        requests.interactive(SlackRequests.viewSubmission("U0ANN", "V90", "save_to_notes", "", values));
        assertTrue(body(requests.command("cold starts")).contains("cold starts under 5 ms"));

        // the title corrected: matched, and everything goes along
        String renamed = DEVOXX.replace("10:00 edge computing:", "10:00 Edge computing at the CDN:");
        String shown = preview(renamed);
        assertTrue(shown.contains("0 new, 1 changed and 0 gone talks") && shown.contains(
                "edge computing would be matched to Edge computing at the CDN: what was added to it moves along"), shown);
        click(EDITOR, "import_confirm", importId(shown), "b");
        slack.await("respond/b", 1, FakeSlackApi.seconds(5));
        String found = body(requests.command("cold starts"));
        assertTrue(found.contains("Edge computing at the CDN") && found.contains("cold starts under 5 ms"), found);
        String card = body(requests.command("actions " + item, "U0BOB", slack.responseUrl("d")));
        assertTrue(card.contains("claimed by <@U0BOB>") && !card.contains("no longer in the notes"), card);

        // the talk dropped: the preview says what stays, and it stays in view
        String dropped = renamed.replace("10:00 Edge computing at the CDN:\n- edge functions are cheap\n- [INFERNAL] we should try edge functions\n\n", "");
        shown = preview(dropped);
        assertTrue(shown.contains("Edge computing at the CDN would go: 1 point added in Slack and 1 item people worked on stay in view under it"), shown);
        click(EDITOR, "import_confirm", importId(shown), "e");
        slack.await("respond/e", 1, FakeSlackApi.seconds(5));
        found = body(requests.command("cold starts"));
        assertTrue(found.contains("cold starts under 5 ms") && found.contains("no longer in the notes"), found);
        assertFalse(found.contains("edge functions are cheap"), "the file's own lines went with it: " + found);
        assertTrue(body(requests.command("actions " + item, "U0BOB", slack.responseUrl("f"))).contains("claimed by <@U0BOB>"));

        // an editor sees it on the App Home and moves the point where it belongs
        java.util.regex.Matcher point = java.util.regex.Pattern.compile("_\\((P\\d+), added by").matcher(found);
        assertTrue(point.find(), found);
        requests.event(Map.of("type", "app_home_opened", "user", EDITOR, "tab", "home"), "EvHomeKept", 0);
        String home = slack.await("views.publish", 1, FakeSlackApi.seconds(5)).get(0).form().get("view");
        assertTrue(home.contains("Added to talks no longer in the notes") && home.contains(point.group(1) + " cold starts under 5 ms")
                && home.contains("/qcon move P3 to"), home);
        assertTrue(body(requests.command("move " + point.group(1) + " to wasm", "U0ALICE", slack.responseUrl("m0")))
                .contains("for admins (QCON_ADMINS) and editors"), "not for everyone");
        String moved = body(requests.command("move " + point.group(1) + " to wasm everywhere", EDITOR, slack.responseUrl("m1")));
        assertTrue(moved.contains("Moved " + point.group(1) + " to *wasm everywhere"), moved);
        found = body(requests.command("cold starts"));
        assertTrue(found.contains("wasm everywhere") && !found.contains("no longer in the notes"), found);
    }

    @Test
    void an_import_that_would_show_talks_twice_or_is_too_large_is_refused_on_its_field() throws Exception {
        String shipped = java.nio.file.Files.readString(TestBot.NOTES.resolve("qcon-2020.txt"));
        JsonNode copy = JSON.readTree(requests.interactive(submission(EDITOR, "copy-of-qcon.txt", shipped.substring(0, 1500))).body());
        assertTrue(copy.path("errors").path("notes").asText().contains("are already in the notes (qcon-2020.txt)"), copy.toString());
        JsonNode export = JSON.readTree(requests.interactive(submission(EDITOR, "added-in-slack-devoxx.txt", DEVOXX)).body());
        assertTrue(export.path("errors").path("name").asText().contains("what export writes"), export.toString());
        JsonNode big = JSON.readTree(requests.interactive(submission(EDITOR, "big.txt", DEVOXX + "- x\n".repeat(700))).body());
        assertTrue(big.path("errors").path("notes").asText().contains("At most 2000 bytes"), big.toString());
        assertTrue(slack.calls("chat.postMessage").isEmpty(), "nothing staged to preview");

        String url = slack.serveFile("long.txt", DEVOXX.getBytes(java.nio.charset.StandardCharsets.UTF_8), 0);
        String preview = told(EDITOR, "n".repeat(300) + ".txt", DEVOXX.length(), url);
        assertTrue(preview.contains("Import `" + "n".repeat(80) + ".txt`?"), "a name cut to 80, as the form allows: " + preview);
    }

    @Test
    void an_editor_takes_back_a_spam_talk_and_an_imported_file_and_what_people_added_stays_in_view() throws Exception {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("talk", Map.of("talk", Map.of("type", "static_select", "selected_option",
                Map.of("text", Map.of("type", "plain_text", "text", "t"), "value", "new"))));
        values.put("new_title", SlackRequests.textInput("new_title", "FREE GIFT CARDS"));
        values.put("text", SlackRequests.textInput("text", "click here for gift cards"));
        values.put("todo", Map.of("todo", Map.of("type", "checkboxes", "selected_options", List.of())));
        requests.interactive(SlackRequests.viewSubmission("U0SPAM", "V70", "save_to_notes", "", values));
        assertTrue(body(requests.command("talks")).contains("FREE GIFT CARDS"), "in the agenda");

        assertTrue(body(requests.command("remove talk free gift cards", "U0ALICE", slack.responseUrl("r0")))
                .contains("for admins (QCON_ADMINS) and editors"));
        assertTrue(body(requests.command("remove talk monzo", EDITOR, slack.responseUrl("r1"))).contains("is from `qcon-2020.txt`"),
                "a notes file's talk is not taken back here");
        String removed = body(requests.command("remove talk free gift cards", EDITOR, slack.responseUrl("r2")));
        assertTrue(removed.contains("Removed *FREE GIFT CARDS") && removed.contains("its 1 point"), removed);
        assertFalse(body(requests.command("talks")).contains("FREE GIFT CARDS"), "out of the agenda at once");
        assertFalse(body(requests.command("gift cards")).contains("click here"), "and out of search");

        click(EDITOR, "import_confirm", importId(preview(DEVOXX)), "a");
        slack.await("respond/a", 1, FakeSlackApi.seconds(5));
        values.put("talk", Map.of("talk", Map.of("type", "static_select", "selected_option",
                Map.of("text", Map.of("type", "plain_text", "text", "t"), "value", "devoxx-2026.txt/day-1/edge-computing"))));
        values.put("text", SlackRequests.textInput("text", "cold starts under 5 ms"));
        requests.interactive(SlackRequests.viewSubmission("U0ANN", "V71", "save_to_notes", "", values));

        String preview = body(requests.command("remove file devoxx-2026.txt", EDITOR, slack.responseUrl("r3")));
        assertTrue(preview.contains("Remove `devoxx-2026.txt`?") && preview.contains("Its 2 talks leave")
                && preview.contains("edge computing would go: 1 point added in Slack") && preview.contains("remove_file_confirm"), preview);
        assertTrue(body(requests.command("wasm")).contains("wasm runs in the database"), "nothing changes before Remove");
        click(EDITOR, "remove_file_confirm", "devoxx-2026.txt", "r4");
        assertTrue(slack.await("respond/r4", 1, FakeSlackApi.seconds(5)).get(0).json().toString().contains("Removed `devoxx-2026.txt`"));
        assertFalse(body(requests.command("wasm")).contains("wasm runs in the database"), "the file's talks are gone");
        String kept = body(requests.command("cold starts"));
        assertTrue(kept.contains("cold starts under 5 ms") && kept.contains("no longer in the notes"), kept);
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

    @Test
    void a_notes_file_sent_by_dm_is_fetched_with_the_bot_token_previewed_once_and_imported() throws Exception {
        String url = slack.serveFile("devoxx-2026.txt", DEVOXX.getBytes(java.nio.charset.StandardCharsets.UTF_8), 0);

        for (int retry = 0; retry < 2; retry++) {
            assertEquals(200, requests.event(SlackRequests.fileShare(EDITOR, "devoxx-2026.txt", DEVOXX.length(), url), "Ev1", retry).statusCode());
        }

        FakeSlackApi.Call preview = slack.await("chat.postMessage", 1, FakeSlackApi.seconds(5)).get(0);
        assertEquals(EDITOR, preview.form().get("channel"));
        assertTrue(preview.form().get("blocks").contains("Devoxx 2026: 1 day, 2 talks, 3 points, 1 action items"), preview.form().toString());
        assertEquals("Bearer " + TestBot.TOKEN, slack.calls("files/devoxx-2026.txt").get(0).authorization());
        Thread.sleep(300);
        assertEquals(1, slack.calls("chat.postMessage").size(), "a retried event is previewed once");
        assertFalse(body(requests.command("wasm")).contains("wasm everywhere"), "nothing changes before Import");

        click(EDITOR, "import_confirm", importId(preview.form().get("blocks")), "dm-1");
        assertTrue(slack.await("respond/dm-1", 1, FakeSlackApi.seconds(5)).get(0).json().toString().contains("Imported `devoxx-2026.txt`"));
        assertTrue(body(requests.command("wasm")).contains("wasm runs in the database now"));
    }

    @Test
    void files_that_are_not_notes_or_not_from_an_editor_get_a_clear_answer_and_change_nothing() throws Exception {
        String ok = slack.serveFile("ok.txt", DEVOXX.getBytes(java.nio.charset.StandardCharsets.UTF_8), 0);
        Map<String, String> told = new LinkedHashMap<>();
        told.put("Ea", told("U0ALICE", "ok.txt", 100, ok));
        told.put("Eb", told(EDITOR, "slides.pdf", 100, ok));
        told.put("Ec", told(EDITOR, "big.txt", 5000, ok));
        told.put("Ed", told(EDITOR, "bin.txt", 4, slack.serveFile("bin.txt", new byte[] {'a', 0, 'b', 'c'}, 0)));
        told.put("Ee", told(EDITOR, "latin1.txt", 4, slack.serveFile("latin1.txt", new byte[] {'c', 'a', 'f', (byte) 0xE9}, 0)));
        told.put("Ef", told(EDITOR, "lies.txt", 10, slack.serveFile("lies.txt", new byte[3000], 0)));
        told.put("Eg", told(EDITOR, "slow.txt", 10, slack.serveFile("slow.txt", DEVOXX.getBytes(java.nio.charset.StandardCharsets.UTF_8), 3000)));
        told.put("Eh", told(EDITOR, "elsewhere.txt", 10, "https://evil.example/elsewhere.txt"));
        told.put("Ei", told(EDITOR, "empty.txt", 5, slack.serveFile("empty.txt", "hello".getBytes(java.nio.charset.StandardCharsets.UTF_8), 0)));

        assertTrue(told.get("Ea").contains("for admins (QCON_ADMINS) and editors"), told.get("Ea"));
        assertTrue(told.get("Eb").contains("not a notes file"), told.get("Eb"));
        assertTrue(told.get("Ec").contains("the most I take is 2000"), told.get("Ec"));
        assertTrue(told.get("Ed").contains("binary"), told.get("Ed"));
        assertTrue(told.get("Ee").contains("not UTF-8"), told.get("Ee"));
        assertTrue(told.get("Ef").contains("larger than 2000 bytes"), told.get("Ef"));
        assertTrue(told.get("Eg").contains("within 1 s"), told.get("Eg"));
        assertTrue(told.get("Eh").contains("not on Slack's file server"), told.get("Eh"));
        assertTrue(told.get("Ei").contains("No talks found"), told.get("Ei"));
        assertTrue(slack.calls("files/ok.txt").isEmpty(), "nothing is fetched for someone who may not import, or a .pdf");
        assertFalse(body(requests.command("wasm")).contains("wasm everywhere"));
    }

    @Test
    void a_file_slack_would_not_hand_over_is_refused_with_the_scope_it_needs_and_nothing_is_imported() throws Exception {
        byte[] devoxx = DEVOXX.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String pdf = told(EDITOR, "slides.txt", 100, slack.serveFile("slides.txt", devoxx, 0, "application/pdf"));
        assertTrue(pdf.contains("not a text file (Slack sent application/pdf)"), pdf);
        String page = told(EDITOR, "page.txt", 300, slack.serveFile("page.txt",
                FakeSlackApi.SIGN_IN_PAGE.getBytes(java.nio.charset.StandardCharsets.UTF_8), 0, "text/plain"));
        assertTrue(page.contains("the app needs the `files:read` scope"), "a sign-in page, whatever its type: " + page);

        slack.withoutFilesRead();
        String refused = told(EDITOR, "devoxx-2026.txt", DEVOXX.length(), slack.serveFile("devoxx-2026.txt", devoxx, 0));
        assertTrue(refused.contains("I can't read files: the app needs the `files:read` scope"), refused);
        assertFalse(refused.contains("import_confirm"), "no preview to import: " + refused);
        assertEquals(1, slack.calls("files/devoxx-2026.txt").size(), "fetched once, with the token");
        assertFalse(body(requests.command("wasm")).contains("wasm everywhere"), "nothing imported");
    }

    @Test
    void a_file_shared_in_a_channel_with_a_mention_is_not_imported_and_the_thread_says_where_to_send_it() throws Exception {
        String url = slack.serveFile("channel.txt", DEVOXX.getBytes(java.nio.charset.StandardCharsets.UTF_8), 0);
        Map<String, Object> event = new LinkedHashMap<>(SlackRequests.fileShare(EDITOR, "channel.txt", 100, url));
        event.put("type", "app_mention");
        event.put("channel", "C0GENERAL");
        event.remove("channel_type");
        event.put("text", "<@UBOT> import this");

        requests.event(event, "Emention", 0);

        FakeSlackApi.Call reply = slack.await("chat.postMessage", 1, FakeSlackApi.seconds(5)).get(0);
        assertEquals("C0GENERAL", reply.form().get("channel"));
        assertTrue(reply.form().get("text").contains("send it to me in a direct message"), reply.form().toString());
        assertTrue(slack.calls("files/channel.txt").isEmpty(), "not fetched");
    }

    /** Sends a file by DM as {@code user} and returns what the bot told them. */
    private String told(String user, String name, int size, String url) throws Exception {
        int before = slack.calls("chat.postMessage").size();
        requests.event(SlackRequests.fileShare(user, name, size, url), "E" + System.nanoTime(), 0);
        return slack.await("chat.postMessage", before + 1, FakeSlackApi.seconds(8)).get(before).form().toString();
    }

    /** The preview the editor gets for {@code notes} sent as devoxx-2026.txt. */
    private String preview(String notes) throws Exception {
        int before = slack.calls("chat.postMessage").size();
        requests.interactive(submission(EDITOR, "devoxx-2026.txt", notes));
        return slack.await("chat.postMessage", before + 1, FakeSlackApi.seconds(5)).get(before).form().get("blocks");
    }

    private void click(String user, String actionId, String value, String response) throws Exception {
        assertEquals(200, requests.buttonClick(user, "D0EDIT", actionId, "import", value, slack.responseUrl(response)).statusCode());
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
        return SlackRequests.decoded(response);
    }

    private static Map<String, Object> submission(String user, String name, String notes) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("name", SlackRequests.textInput("name", name));
        values.put("notes", SlackRequests.textInput("notes", notes));
        return SlackRequests.viewSubmission(user, "V" + System.nanoTime(), "import_notes", "", values);
    }
}
