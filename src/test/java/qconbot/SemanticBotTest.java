package qconbot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bot with QCON_SEMANTIC on, over HTTP as Slack calls it: /health reports the model's progress until it is ready,
 * then a question on something the notes never mention is answered "Nothing in the notes covers …", escaped, with
 * the nearest talks offered as such, and a question the notes answer still gets its talk.
 */
class SemanticBotTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static FakeSlackApi slack;
    static Main.Bot bot;
    static SlackRequests requests;

    @BeforeAll
    static void start() throws Exception {
        slack = new FakeSlackApi();
        bot = TestBot.with(dir, slack).set(Config.QCON_SEMANTIC, "on").start();
        requests = new SlackRequests(bot.port());
        long deadline = System.nanoTime() + 60_000_000_000L;
        JsonNode meaning = JSON.readTree(requests.get("/health").body()).get("meaning");
        while (!meaning.get("state").asText().equals("ready") && System.nanoTime() < deadline) {
            assertTrue(meaning.get("state").asText().matches("loading|computing"), meaning.toString());
            Thread.sleep(50);
            meaning = JSON.readTree(requests.get("/health").body()).get("meaning");
        }
        assertEquals("ready", meaning.get("state").asText(), meaning.toString());
        assertEquals(meaning.get("of").asInt(), meaning.get("points").asInt(), meaning.toString());
        assertTrue(meaning.get("of").asInt() > 150, meaning.toString());
    }

    @AfterAll
    static void stop() throws Exception {
        requests.close();
        bot.close();
        slack.close();
    }

    @Test
    void a_question_the_notes_do_not_cover_is_said_to_be_not_covered() throws Exception {
        String body = JSON.readTree(requests.command("should we hash passwords with bcrypt or argon2 <!channel>").body())
                .get("blocks").toString();

        assertTrue(body.contains("Nothing in the notes covers *should we hash passwords with bcrypt or argon2 &lt;!channel&gt;*."), body);
        assertTrue(body.contains("The nearest talks, in case (they do not answer it)"), body);
        assertFalse(body.contains("<!channel>"), body);
    }

    @Test
    void a_question_the_notes_answer_gets_its_talk_and_point() throws Exception {
        String body = requests.command("what language does monzo use").body();

        assertTrue(body.contains("microservices at Monzo") && body.contains("golang"), body);
        assertFalse(body.contains("Nothing in the notes covers"), body);
    }
}
