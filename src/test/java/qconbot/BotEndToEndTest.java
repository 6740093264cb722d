package qconbot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real bot on a free port, a fake Slack Web API on 127.0.0.1, and requests signed as Slack signs them. */
class BotEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final String ADMIN = "U0ADMIN";

    @TempDir
    static Path dir;
    static FakeSlackApi slack;
    static Main.Bot bot;
    static SlackRequests requests;

    @BeforeAll
    static void start() throws Exception {
        slack = new FakeSlackApi();
        bot = TestBot.with(dir, slack).start();
        requests = new SlackRequests(bot.port());
    }

    @AfterAll
    static void stop() {
        requests.close();
        bot.close();
        slack.close();
    }

    @Test
    void qcon_monzo_answers_with_the_monzo_talk_summary_as_an_ephemeral_message() throws Exception {
        HttpResponse<String> response = requests.command("monzo");

        assertEquals(200, response.statusCode());
        JsonNode reply = JSON.readTree(response.body());
        assertEquals("ephemeral", reply.path("response_type").asText());
        assertTrue(reply.path("text").asText().startsWith("microservices at Monzo"), reply.path("text").asText());
        JsonNode first = reply.path("blocks").get(0);
        assertEquals("header", first.path("type").asText());
        assertEquals("microservices at Monzo", first.path("text").path("text").asText());
        assertTrue(response.body().contains("they use golang"));
        assertTrue(response.body().contains("qcon-2020.txt, lines 5"), "names the source lines");
        assertTrue(response.body().contains("\"action_id\":\"share_talk\""), "has a Share in channel button");
    }

    @Test
    void a_typo_still_finds_the_talk_and_says_what_it_searched_for() throws Exception {
        JsonNode reply = JSON.readTree(requests.command("quarkas").body());

        assertEquals("quarkus", reply.path("blocks").get(0).path("text").path("text").asText());
        assertTrue(reply.toString().contains("Showing results for *quarkus*"));
    }

    @Test
    void empty_command_and_help_show_usage() throws Exception {
        for (String text : List.of("", "help", "  HELP ")) {
            HttpResponse<String> response = requests.command(text);
            assertEquals(200, response.statusCode());
            assertTrue(response.body().contains("/qcon talks day 2"), "usage for \"" + text + "\": " + response.body());
        }
    }

    @Test
    void talks_day_2_lists_that_day_in_time_order() throws Exception {
        String body = requests.command("talks day 2").body();

        assertTrue(body.contains("quarkus") && body.contains("optimising time"), body);
        assertFalse(body.contains("Monzo"), "Day 3 talks are left out");
        assertTrue(body.indexOf("10:35") < body.indexOf("17:25"), "earlier talks first");
    }

    @Test
    void talks_for_a_day_that_does_not_exist_says_which_days_there_are() throws Exception {
        String body = requests.command("talks day 9").body();

        assertTrue(body.contains("There is no Day 9") && body.contains("1, 2, 3"), body);
    }

    @Test
    void no_match_gets_a_helpful_reply_with_suggestions_not_an_error() throws Exception {
        HttpResponse<String> response = requests.command("xyzzy plugh");

        assertEquals(200, response.statusCode());
        assertTrue(response.body().contains("Nothing in the notes covers *xyzzy plugh*"), response.body());
        assertTrue(response.body().contains("Try one of: `/qcon "), response.body());
    }

    @Test
    void without_a_questions_channel_no_ask_the_team_is_offered_and_the_replies_say_how_to_turn_it_on() throws Exception {
        JsonNode nothing = JSON.readTree(SlackRequests.decoded(requests.command("what is Xylophonia Zebrafest?")));
        assertTrue(nothing.toString().contains("Nothing in the notes covers"), nothing.toString());
        assertFalse(nothing.toString().contains("\"ask_team\""), "no button that could not work: " + nothing);
        assertTrue(nothing.toString().contains("QCON_QUESTIONS_CHANNEL"), "says how to turn it on: " + nothing);

        JsonNode answer = JSON.readTree(SlackRequests.decoded(requests.command("why did monzo pick cassandra?", "U0ANN",
                slack.responseUrl("off-a"))));
        String no = answer.findValue("negative_button").path("value").asText();
        List<java.util.Map<String, Object>> message = JSON.convertValue(answer.path("blocks"), List.class);
        requests.interactive(AskTheTeamTest.clickIn("U0ANN", "answer_feedback", no, message, "1.1",
                slack.responseUrl("off-no")));
        String redrawn = slack.await("respond/off-no", 1, FakeSlackApi.seconds(5)).get(0).json().toString();
        assertTrue(redrawn.contains("noted that this did not answer it") && redrawn.contains("QCON_QUESTIONS_CHANNEL")
                && !redrawn.contains("\"ask_team\""), redrawn);
    }

    @Test
    void hostile_text_is_escaped_and_never_pings_or_links() throws Exception {
        String hostile = "<!channel> <!here> <@U0BOSS> <#C0SECRET|x> <http://evil.example|click> & \"AND\" NEAR( * ; DROP TABLE talks;--";
        HttpResponse<String> response = requests.command(hostile);

        assertEquals(200, response.statusCode());
        String reply = SlackRequests.decoded(response);
        for (String live : List.of("<!channel>", "<!here>", "<@U0BOSS>", "<#C0SECRET", "<http://evil")) {
            assertFalse(reply.contains(live), "echoed live: " + live + " in " + reply);
        }
        // Words that match nothing are echoed back in the no-match reply: shown, never acted on.
        String echoed = SlackRequests.decoded(requests.command("<!channel> <@U0ZZZQ> <#C0QQQZ|zzz> <ftp://zzz.invalid|zzzz> & *;"));
        assertTrue(echoed.contains("Nothing in the notes covers *&lt;!channel&gt; &lt;@U0ZZZQ&gt; &lt;#C0QQQZ|zzz&gt; "
                + "&lt;ftp://zzz.invalid|zzzz&gt; &amp; *;*"), echoed);
        assertFalse(echoed.contains("<!channel>") || echoed.contains("<@U0ZZZQ>") || echoed.contains("<#C0QQQZ") || echoed.contains("<ftp"), echoed);
        assertEquals(200, requests.get("/health").statusCode(), "still healthy");
        assertTrue(requests.command("monzo").body().contains("microservices at Monzo"), "talks table intact");
    }

    @Test
    void non_ascii_text_is_verified_and_searched() throws Exception {
        HttpResponse<String> response = requests.command("café monzo's");

        assertEquals(200, response.statusCode());
        assertTrue(response.body().contains("microservices at Monzo"), response.body());
    }

    @Test
    void unsigned_wrongly_signed_and_stale_requests_get_401() throws Exception {
        String body = SlackRequests.commandBody("monzo");
        long now = SlackRequests.now();

        assertEquals(401, requests.post(body, "application/x-www-form-urlencoded", now, false).statusCode());
        assertEquals(401, requests.postWith(body, "application/x-www-form-urlencoded", String.valueOf(now),
                SlackRequests.signature("not-the-secret", now, body)).statusCode());
        long sixMinutesAgo = now - 6 * 60;
        assertEquals(401, requests.postWith(body, "application/x-www-form-urlencoded", String.valueOf(sixMinutesAgo),
                SlackRequests.signature(SlackRequests.SECRET, sixMinutesAgo, body)).statusCode());
        String tampered = SlackRequests.commandBody("monzo").replace("monzo", "quarkus");
        assertEquals(401, requests.postWith(tampered, "application/x-www-form-urlencoded", String.valueOf(now),
                SlackRequests.signature(SlackRequests.SECRET, now, body)).statusCode());
    }

    @Test
    void url_verification_echoes_the_challenge_when_signed() throws Exception {
        String body = "{\"token\":\"x\",\"challenge\":\"chällenge-123\",\"type\":\"url_verification\"}";

        HttpResponse<String> response = requests.json(body);

        assertEquals(200, response.statusCode());
        assertTrue(response.body().contains("chällenge-123"), response.body());
        assertEquals(401, requests.post(body, "application/json", SlackRequests.now(), false).statusCode());
    }

    @Test
    void share_in_channel_posts_the_summary_for_everyone_through_the_response_url() throws Exception {
        String key = "qcon-2020.txt/day-3/microservices-at-monzo";
        HttpResponse<String> ack = requests.click("share_talk", key, slack.responseUrl("share-1"));

        assertEquals(200, ack.statusCode());
        List<FakeSlackApi.Call> posted = slack.await("respond/share-1", 1, FakeSlackApi.seconds(5));
        assertEquals(1, posted.size());
        JsonNode message = posted.get(0).json();
        assertEquals("in_channel", message.path("response_type").asText());
        assertEquals("microservices at Monzo", message.path("blocks").get(0).path("text").path("text").asText());
        assertTrue(message.toString().contains("Shared by <@U0ALICE>"));
        assertFalse(message.toString().contains("share_talk"), "no buttons in the shared copy");
    }

    @Test
    void show_button_replaces_the_message_with_that_talk() throws Exception {
        HttpResponse<String> ack = requests.click("show_talk", "qcon-2020.txt/day-2/quarkus", slack.responseUrl("show-1"));

        assertEquals(200, ack.statusCode());
        JsonNode message = slack.await("respond/show-1", 1, FakeSlackApi.seconds(5)).get(0).json();
        assertTrue(message.path("replace_original").asBoolean());
        assertEquals("quarkus", message.path("blocks").get(0).path("text").path("text").asText());
    }

    @Test
    void a_long_talk_shows_its_telling_points_and_show_all_redraws_it_with_every_point() throws Exception {
        JsonNode reply = JSON.readTree(requests.command("monzo").body());
        int shown = points(reply.path("blocks"));
        assertTrue(shown >= 6 && shown < 23, "a few of the 23 points: " + shown);
        JsonNode showAll = reply.findValues("elements").stream().flatMap(elements -> java.util.stream.StreamSupport.stream(elements.spliterator(), false))
                .filter(element -> element.path("action_id").asText().equals("show_all_points")).findFirst().orElseThrow();
        assertEquals("Show all 23 points", showAll.path("text").path("text").asText());

        HttpResponse<String> ack = requests.click("show_all_points", showAll.path("value").asText(), slack.responseUrl("all-1"));

        assertEquals(200, ack.statusCode());
        JsonNode message = slack.await("respond/all-1", 1, FakeSlackApi.seconds(5)).get(0).json();
        assertTrue(message.path("replace_original").asBoolean(), "redrawn in place");
        assertEquals("microservices at Monzo", message.path("blocks").get(0).path("text").path("text").asText());
        assertEquals(23, points(message.path("blocks")));
        assertFalse(message.toString().contains("show_all_points"), "no second Show all");
    }

    @Test
    void a_talk_names_the_talks_that_share_its_rare_words() throws Exception {
        JsonNode reply = JSON.readTree(requests.command("quarkus").body());

        JsonNode related = reply.path("blocks").findParents("block_id").stream()
                .filter(block -> block.path("block_id").asText().equals("related-0")).findFirst().orElseThrow();
        String text = related.path("text").path("text").asText();
        assertTrue(text.contains("*Java in containers*") && text.contains("_graalvm_"), text);
        assertEquals("qcon-2020.txt/day-3/java-in-containers", related.path("accessory").path("value").asText());
    }

    /** The bullet lines of a talk's sections: "• point" and "◦ sub-point". */
    private static int points(JsonNode blocks) {
        int points = 0;
        for (JsonNode block : blocks) {
            if (block.path("type").asText().equals("section")) {
                for (String line : block.path("text").path("text").asText().split("\n")) {
                    points += line.strip().startsWith("•") || line.strip().startsWith("◦") ? 1 : 0;
                }
            }
        }
        return points;
    }

    @Test
    void health_is_ok_with_the_talk_count() throws Exception {
        HttpResponse<String> response = requests.get("/health");

        assertEquals(200, response.statusCode());
        JsonNode health = JSON.readTree(response.body());
        assertEquals("ok", health.path("status").asText());
        assertEquals(20, health.path("talks").asInt());
    }

    @Test
    void garbage_and_wrong_methods_get_clear_client_errors_not_500() throws Exception {
        assertEquals(400, requests.json("{not json").statusCode());
        assertEquals(405, requests.get("/slack/events").statusCode());
        assertEquals(404, requests.get("/nope").statusCode());
    }

    @Test
    void auth_test_is_called_once_in_the_background_not_per_request() throws Exception {
        for (int i = 0; i < 5; i++) {
            requests.command("monzo");
        }
        List<FakeSlackApi.Call> authTests = slack.await("auth.test", 1, FakeSlackApi.seconds(5));
        assertEquals(1, authTests.size(), slack.methodsCalled().toString());
        assertEquals("Bearer xoxb-test-token", authTests.get(0).authorization());
    }

    @Test
    void starts_and_answers_while_slack_is_unreachable() throws Exception {
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        String deadApi = "http://127.0.0.1:" + closedPort + "/api/";
        try (Main.Bot offline = TestBot.with(dir, slack).set(Config.SLACK_API_URL, deadApi)
                .set(Config.QCON_DB, dir.resolve("offline.db").toString()).start();
             SlackRequests client = new SlackRequests(offline.port())) {
            HttpResponse<String> response = client.command("monzo");

            assertEquals(200, response.statusCode());
            assertTrue(response.body().contains("microservices at Monzo"));
            HttpResponse<String> health = client.get("/health");
            assertEquals(200, health.statusCode(), "the notes and database are what make the bot ready");
        }
    }
}
