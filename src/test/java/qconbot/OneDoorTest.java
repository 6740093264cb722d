package qconbot;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every way Slack reaches the bot goes through one door: typed text, a click, a form submitted, the talk picker, a
 * file sent by direct message all become a request the interpreter answers, counted by kind in /metrics. The real
 * bot over HTTP, the fake Slack Web API on 127.0.0.1, a real SQLite file.
 */
class OneDoorTest {

    private static final String MONZO = "qcon-2020.txt/day-3/microservices-at-monzo";
    private static final String EDITOR = "U0EDIT";

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
    void typed_text_a_click_a_form_the_talk_picker_and_a_file_are_answered_by_the_interpreter() throws Exception {
        assertTrue(SlackRequests.decoded(requests.command("monzo")).toLowerCase().contains("microservices at monzo"));
        assertEquals(1, answered("asked"), "typed text");

        requests.buttonClick("U0ANN", "C0GENERAL", "item_claim", "item:1:outstanding", "1", slack.responseUrl("c1"));
        assertEquals(2, answered("asked"), "a click is the same kind of request as typed text");
        assertTrue(slack.await("respond/c1", 1, FakeSlackApi.seconds(5)).get(0).json().toString().contains("claimed by"));

        HttpResponse<String> saved = requests.interactive(saveForm("monzo pairs on every zanzibar review"));
        assertEquals(200, saved.statusCode());
        assertEquals(1, answered("submitted"), "a form");
        assertTrue(SlackRequests.decoded(requests.command("zanzibar")).contains("monzo pairs on every zanzibar review"),
                "saved before the ack, found at once");

        HttpResponse<String> options = requests.interactive(suggestion("monz"));
        assertTrue(options.body().contains(MONZO), options.body());
        assertEquals(1, answered("suggest"), "the talk picker");

        String url = slack.serveFile("team.txt", """
                Team notes
                ----------

                Day 1
                -----
                10:00 our platform:
                - we deploy twice a day
                """.getBytes(StandardCharsets.UTF_8), 0);
        int before = slack.calls("chat.postMessage").size();
        requests.event(SlackRequests.fileShare(EDITOR, "team.txt", 100, url), "Efile1", 0);
        String preview = slack.await("chat.postMessage", before + 1, FakeSlackApi.seconds(8)).get(before).form().toString();
        assertTrue(preview.contains("Team notes: 1 day, 1 talks"), preview);
        assertEquals(1, answered("file_sent"), "a file sent by direct message");
        assertEquals(1, answered("fetched"), "and, fetched after the ack, handed over to the interpreter again");
    }

    @Test
    void saving_a_point_or_an_outcome_writes_its_talk_in_place_and_reads_no_notes_file(@TempDir Path notes) throws Exception {
        bot.close();
        Path file = notes.resolve("qcon-2020.txt");
        java.nio.file.Files.copy(TestBot.NOTES.resolve("qcon-2020.txt"), file);
        bot = TestBot.with(dir, slack).set(Config.QCON_NOTES, notes.toString()).start();
        requests.close();
        requests = new SlackRequests(bot.port());
        // An edit of the notes file on disk, not reloaded: a save must not pick it up.
        java.nio.file.Files.writeString(file, java.nio.file.Files.readString(file)
                + "\n17:00 quokkas at scale:\n- quokkas never page anyone\n");

        requests.interactive(saveForm("monzo keeps a zanzibar runbook"));
        assertTrue(SlackRequests.decoded(requests.command("zanzibar")).contains("monzo keeps a zanzibar runbook"), "saved, found");
        requests.command("claim A1", "U0ANN", slack.responseUrl("claim"));
        String done = SlackRequests.decoded(requests.command("done A1 the quagga migration finished", "U0ANN",
                slack.responseUrl("done")));
        assertTrue(done.contains("done"), done);
        assertTrue(SlackRequests.decoded(requests.command("quagga")).contains("the quagga migration finished"),
                "what came of A1 is found at once");
        assertFalse(SlackRequests.decoded(requests.command("quokkas")).contains("quokkas never page anyone"),
                "the file on disk was not read again");

        requests.command("reload", TestBot.ADMIN, slack.responseUrl("reload"));
        assertTrue(SlackRequests.decoded(requests.command("quokkas")).contains("quokkas never page anyone"), "until a reload");
    }

    /** How many requests of {@code kind} the interpreter answered, from /metrics. */
    private int answered(String kind) throws Exception {
        String metrics = requests.get("/metrics").body();
        Matcher count = Pattern.compile("qcon_interpreter_requests_total\\{kind=\"" + kind + "\"} ([0-9.]+)").matcher(metrics);
        return count.find() ? (int) Double.parseDouble(count.group(1)) : 0;
    }

    private static Map<String, Object> saveForm(String text) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("talk", Map.of("talk", Map.of("type", "static_select", "selected_option",
                Map.of("text", Map.of("type", "plain_text", "text", "t"), "value", MONZO))));
        values.put("text", SlackRequests.textInput("text", text));
        values.put("todo", Map.of("todo", Map.of("type", "checkboxes", "selected_options", List.of())));
        return SlackRequests.viewSubmission("U0ANN", "V1", "save_to_notes", "", values);
    }

    private static Map<String, Object> suggestion(String typed) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("type", "block_suggestion");
        payload.put("team", Map.of("id", "T0TEST", "domain", "qcon-test"));
        payload.put("user", Map.of("id", "U0ANN", "name", "ann"));
        payload.put("api_app_id", "A0QCON");
        payload.put("action_id", "talk");
        payload.put("block_id", "talk");
        payload.put("value", typed);
        return payload;
    }

}
