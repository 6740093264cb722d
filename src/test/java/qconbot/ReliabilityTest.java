package qconbot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Hostile input through the real HTTP endpoint: generated texts, forged and replayed signatures, duplicate and
 * out-of-order events. Seeded, so a failure can be replayed.
 */
class ReliabilityTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Anything that would make Slack ping, link or mention. The bot's own "<!date^" is a timestamp, not a ping. */
    private static final Pattern LIVE = Pattern.compile("<(?:!(?!date\\^)|@|#|https?:|mailto:|tel:|slack:)");
    private static final long SEED = 20261126L;

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

    /** Texts people and attackers type: random Unicode, controls, zero-width, huge, FTS/SQL, mrkdwn, mentions. */
    static List<String> hostileTexts(int count) {
        Random random = new Random(SEED);
        String[] pieces = {"<!channel>", "<!here>", "<!everyone>", "<@U0BOSS>", "<@W123|boss>", "<#C0SECRET>",
                "<#C1|general>", "<http://evil.example|click me>", "<https://x.y>", "<mailto:a@b.c|mail>", "<!subteam^S1>",
                "<!date^1|x>", "&lt;!channel&gt;", "&amp;", "*bold*", "_it_", "~s~", "`code`", "```block```", "> quote",
                "\"", "\"\"", "'", "*", "AND", "OR", "NOT", "NEAR(", "NEAR(a b, 2)", ")", "(", "^", "-", "+", ":", "{title}:",
                "title:", ";", "--", "/*", "*/", "DROP TABLE talks;", "' OR 1=1 --", "\\", "%", "%00", "%ZZ", "%2F", "%252F",
                "+", "=", "&text=x", "&", "\u0000", "\u0007", "\u001b[31m", "\u200b", "\u200d", "\ufeff", "\u202e", "\ud83d\ude00",
                "\ud83d", "\ude00", "ｍｏｎｚｏ", "مونزو", "モンゾ", "café", "monzo", "quarkas", "micro-frontends", "talks",
                "day 2", "A1", "\n", "\r\n", "\t", " "};
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            StringBuilder text = new StringBuilder();
            int kind = i % 10;
            if (kind == 0) {
                for (int j = 0; j < 20 + random.nextInt(30); j++) {
                    text.appendCodePoint(random.nextInt(0x10FFFF));
                }
            } else if (kind == 1) {
                String piece = pieces[random.nextInt(pieces.length)];
                while (text.length() < 4000) {
                    text.append(piece);
                }
                text.setLength(4000);
            } else {
                for (int j = 0; j < 1 + random.nextInt(8); j++) {
                    text.append(pieces[random.nextInt(pieces.length)]).append(random.nextBoolean() ? " " : "");
                }
            }
            String candidate = text.toString();
            // Item commands act on state (and rightly echo a real <@U...> mention); they have tests of their own.
            if (candidate.strip().toLowerCase().matches("(claim|unclaim|assign|done|reopen|discuss|post-now|reload)\\b.*")) {
                candidate = "x " + candidate;
            }
            texts.add(candidate);
        }
        return texts;
    }

    @Test
    void a_thousand_hostile_texts_get_a_200_helpful_reply_with_nothing_live() throws Exception {
        List<String> texts = hostileTexts(1000);
        for (int i = 0; i < texts.size(); i++) {
            String text = texts.get(i);
            HttpResponse<String> response = requests.command(text);
            String where = "text #" + i + " " + JSON.writeValueAsString(text.length() > 80 ? text.substring(0, 80) : text);
            assertEquals(200, response.statusCode(), where);
            JsonNode reply = JSON.readTree(response.body());
            assertEquals("ephemeral", reply.path("response_type").asText(), where);
            assertFalse(reply.path("text").asText().isBlank(), where);
            assertTrue(reply.path("blocks").size() > 0 && reply.path("blocks").size() <= 50, where);
            String decoded = reply.toString();
            if (LIVE.matcher(decoded).find()) {
                fail(where + " came back live: " + decoded);
            }
            assertFalse(decoded.contains("Exception") || decoded.contains("at qconbot."), "no stack trace: " + where);
        }
        HttpResponse<String> health = requests.get("/health");
        assertEquals(200, health.statusCode());
        assertTrue(health.body().contains("\"talks\":20"), health.body());
        assertTrue(SlackRequests.decoded(requests.command("actions")).contains("Action items still to do (7)"),
                "no state changed");
    }

    @Test
    void forged_missing_and_replayed_signatures_get_401_on_every_kind_of_request_and_change_nothing() throws Exception {
        long now = SlackRequests.now();
        int postsBefore = slack.calls("chat.postMessage").size();
        Map<String, String> bodies = new LinkedHashMap<>();
        bodies.put("command", SlackRequests.commandBody("claim A1"));
        bodies.put("click", "payload=" + URLEncoder.encode(JSON.writeValueAsString(Map.of("type", "block_actions",
                "user", Map.of("id", "U0EVE"), "team", Map.of("id", "T0TEST"), "response_url", slack.responseUrl("forged"),
                "actions", List.of(Map.of("action_id", "item_claim", "block_id", "item:2:outstanding", "value", "2",
                        "action_ts", "9.9", "type", "button")))), StandardCharsets.UTF_8));
        bodies.put("mention event", JSON.writeValueAsString(Map.of("type", "event_callback", "event_id", "EvForged",
                "team_id", "T0TEST", "event", Map.of("type", "app_mention", "user", "U0EVE", "text", "<@UBOT> claim",
                        "ts", "2.2", "thread_ts", "1.1", "channel", "C0GENERAL"))));
        bodies.put("home event", JSON.writeValueAsString(Map.of("type", "event_callback", "event_id", "EvForged2",
                "team_id", "T0TEST", "event", Map.of("type", "app_home_opened", "user", "U0EVE", "tab", "home"))));
        bodies.put("url_verification", "{\"type\":\"url_verification\",\"challenge\":\"forged\"}");
        String[] contentTypes = {"application/x-www-form-urlencoded", "application/json"};

        for (Map.Entry<String, String> request : bodies.entrySet()) {
            String body = request.getValue();
            String type = body.startsWith("{") ? contentTypes[1] : contentTypes[0];
            String what = request.getKey();
            assertEquals(401, requests.post(body, type, now, false).statusCode(), what + ": no signature");
            assertEquals(401, requests.postWith(body, type, String.valueOf(now), SlackRequests.signature("guess", now, body)).statusCode(), what + ": wrong secret");
            assertEquals(401, requests.postWith(body, type, String.valueOf(now), SlackRequests.signature(SlackRequests.SECRET, now, body + " ")).statusCode(), what + ": other body");
            assertEquals(401, requests.postWith(body, type, String.valueOf(now - 301), SlackRequests.signature(SlackRequests.SECRET, now - 301, body)).statusCode(), what + ": replayed after 5 minutes");
            assertEquals(401, requests.postWith(body, type, String.valueOf(now + 3600), SlackRequests.signature(SlackRequests.SECRET, now + 3600, body)).statusCode(), what + ": dated an hour ahead");
            assertEquals(401, requests.postWith(body, type, "not-a-number", SlackRequests.signature(SlackRequests.SECRET, now, body)).statusCode(), what + ": bad timestamp");
            assertEquals(401, requests.postWith(body, type, String.valueOf(now), "v1=" + SlackRequests.signature(SlackRequests.SECRET, now, body).substring(3)).statusCode(), what + ": other scheme");
        }
        Thread.sleep(300);
        String items = SlackRequests.decoded(requests.command("actions all"));
        assertFalse(items.contains("claimed by <@U0EVE>") || items.contains("claimed by <@U0ALICE>"), "nothing was claimed: " + items);
        assertTrue(slack.calls("views.publish").isEmpty(), "no Home published for a forged event");
        assertEquals(postsBefore, slack.calls("chat.postMessage").size(), "nothing posted for forged requests");
    }

    @Test
    void duplicate_and_out_of_order_events_are_processed_once() throws Exception {
        assertEquals(200, requests.command("discuss A3", "U0ANN", slack.responseUrl("d")).statusCode());
        slack.await("chat.postMessage", 1, FakeSlackApi.seconds(5));
        // the fake records the call a moment before it has "posted" the message
        for (long until = System.nanoTime() + 5_000_000_000L; slack.posted().isEmpty() && System.nanoTime() < until; ) {
            Thread.sleep(10);
        }
        String thread = slack.posted().get(0).ts();
        slack.await("respond/d", 1, FakeSlackApi.seconds(5));
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            order.add(i);
            order.add(i);
        }
        Collections.shuffle(order, new Random(SEED));
        for (int i : order) {
            String user = "U0P" + (i % 4);
            Map<String, Object> event = Map.of("type", "message", "channel", "C0GENERAL", "user", user, "text", "reply " + i,
                    "ts", String.format("1800000%03d.000100", i), "thread_ts", thread, "channel_type", "channel");
            assertEquals(200, requests.event(event, "EvReply" + i, i % 2).statusCode());
        }
        long deadline = System.nanoTime() + 5_000_000_000L;
        String item = "";
        while (System.nanoTime() < deadline && !item.contains("20 replies")) {
            item = SlackRequests.decoded(requests.command("actions A3"));
            Thread.sleep(50);
        }
        assertTrue(item.contains("20 replies from <@U0P"), item);
        assertTrue(item.contains("<!date^1800000019^"), "the latest reply time, whatever the delivery order: " + item);
    }
}
