package qconbot.commands;

import com.slack.api.util.json.GsonFactory;
import org.junit.jupiter.api.Test;
import qconbot.store.Questions;
import qconbot.store.Questions.Question;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What asking the team shows: the digest's lines, and nobody's words as markup. */
class QuestionMessagesTest {

    static final Instant NOW = Instant.parse("2026-12-10T09:30:00Z");

    static Question question(long id, String text, Instant asked) {
        return new Question(id, text, "U0ANN", asked, null, Questions.State.OPEN, "C0Q", "1700000000.000100",
                "https://qcon-test.slack.com/archives/C0Q/p1700000000000100", null, asked, null, null, null, null);
    }

    @Test
    void the_digest_counts_questions_names_the_oldest_and_the_quiet_ones() {
        Question oldest = question(1, "what is Xylophonia?", NOW.minus(Duration.ofDays(9)));
        Questions.Summary summary = new Questions.Summary(2, 3, Duration.ofHours(5), oldest, List.of(oldest), NOW);
        String digest = GsonFactory.createSnakeCase().toJson(QuestionMessages.digest(summary, 7));
        assertTrue(digest.contains("*Questions for the team:* 2 open · 3 answered this week · median time to an answer 5 h."
                + " Oldest open: *Q1* · 9 days old"), digest);
        assertTrue(digest.contains("*Questions with no reply for 7+ days*"), digest);
        assertEquals(List.of(), QuestionMessages.digest(new Questions.Summary(0, 0, null, null, List.of(), NOW), 7),
                "nothing to say, no lines");
    }

    @Test
    void a_question_is_shown_as_words_never_as_a_mention_or_a_link() {
        Question sneaky = question(2, "<!channel> & <@U0BOSS> <https://evil.example|click>", NOW);
        for (Reply reply : List.of(QuestionMessages.post(sneaky, List.of(), List.of("U0BOB", "<!here>")),
                QuestionMessages.closed(sneaky, "<!everyone> yes", "U0BOB", "<talk>"),
                QuestionMessages.toAsker(sneaky, "<@U0EVE>", "U0BOB", "https://x.slack.com/archives/C/p1|forged"),
                QuestionMessages.list(List.of(sneaky), NOW, true))) {
            String shown = reply.text() + GsonFactory.createSnakeCase().toJson(reply.blocks()).replace("\\u003c", "<")
                    .replace("\\u003e", ">").replace("\\u0026", "&");
            assertFalse(shown.contains("<!channel>") || shown.contains("<!everyone>") || shown.contains("<@U0BOSS>")
                    || shown.contains("<@U0EVE>") || shown.contains("<https://evil") || shown.contains("<!here>")
                    || shown.contains("|forged>"), shown);
        }
        assertTrue(GsonFactory.createSnakeCase().toJson(QuestionMessages.post(sneaky, List.of(), List.of("U0BOB")).blocks())
                .contains("May know: \\u003c@U0BOB\\u003e"), "who may know is mentioned, by id only");
    }
}
