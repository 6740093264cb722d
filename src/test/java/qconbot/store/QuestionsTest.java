package qconbot.store;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Questions asked of the team (issue 25) on a real database: asked once, answered once however many replicas race,
 * counted for the digest with a quiet question named once. {@link QuestionsOnPostgresTest} runs it all on PostgreSQL.
 */
class QuestionsTest {

    static final String MONZO = "qcon-2020.txt/day-3/microservices-at-monzo";

    @TempDir
    Path dir;
    final List<Db> opened = new ArrayList<>();
    final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T09:00:00Z"));

    Db open(Path file) throws SQLException {
        return Db.open(file);
    }

    private Db db() throws SQLException {
        Db db = open(dir.resolve("qcon.db"));
        opened.add(db);
        return db;
    }

    @AfterEach
    void close() throws Exception {
        for (Db db : opened) {
            db.close();
        }
    }

    @Test
    void a_question_is_answered_once_however_many_replicas_race() throws Exception {
        Db first = db();
        Db second = db(); // the same database again: another replica
        long id = new Questions(first, clock).ask("what is Xylophonia?", "U0ANN", MONZO, "click:1").question().id();
        List<Callable<Added.Answered>> answers = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            Added added = new Added(i % 2 == 0 ? first : second, clock);
            String user = "U0R" + i;
            String view = "view:V" + i;
            answers.add(() -> added.answer(id, MONZO, null, "Q1: what is Xylophonia? Answer: band " + user, user, user, null, view));
        }
        ExecutorService pool = Executors.newFixedThreadPool(6);
        List<Added.Answered> outcomes = new ArrayList<>();
        try {
            for (Future<Added.Answered> outcome : pool.invokeAll(answers, 30, TimeUnit.SECONDS)) {
                outcomes.add(outcome.get());
            }
        } finally {
            pool.shutdownNow();
        }
        List<Added.Answered> saved = outcomes.stream().filter(o -> o.outcome() == Added.Answered.Outcome.SAVED).toList();
        assertEquals(1, saved.size(), outcomes.toString());
        assertEquals(11, outcomes.stream().filter(o -> o.outcome() == Added.Answered.Outcome.NOT_OPEN).count());
        Questions.Question answered = new Questions(second, clock).get(id).orElseThrow();
        assertEquals(Questions.State.ANSWERED, answered.state());
        assertEquals(saved.get(0).pointId(), answered.answerPoint());
        int points = first.read(connection -> {
            try (var count = connection.prepareStatement("SELECT count(*) FROM added_points"); var rows = count.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        });
        assertEquals(1, points, "one point saved, none half-written");
        assertFalse(new Questions(first, clock).noOneKnows(id, "U0ANN"), "an answered question is not closed again");
        assertTrue(new Questions(first, clock).history(id).stream().anyMatch(line -> line.startsWith("answered|")));
    }

    @Test
    void post_again_is_taken_by_one_click_however_many_replicas_race() throws Exception {
        Db first = db();
        Db second = db();
        Questions questions = new Questions(first, clock);
        long id = questions.ask("what is Xylophonia?", "U0ANN", MONZO, "click:1").question().id();
        assertFalse(questions.postAgain(id, "U0ANN"), "the first post is on its way: not taken from under it");
        questions.postFailed(id, "C0Q", "not_in_channel");

        List<Callable<Boolean>> clicks = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Questions replica = new Questions(i % 2 == 0 ? first : second, clock);
            clicks.add(() -> replica.postAgain(id, "U0ANN"));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        long taken = 0;
        try {
            for (Future<Boolean> click : pool.invokeAll(clicks, 30, TimeUnit.SECONDS)) {
                taken += click.get() ? 1 : 0;
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, taken, "eight clicks at once on two replicas post it once");
        assertEquals(1, questions.history(id).stream().filter(line -> line.startsWith("post_again|U0ANN|")).count(),
                questions.history(id).toString());

        clock.advance(Duration.ofMinutes(4));
        assertFalse(questions.postAgain(id, "U0ANN"), "still on its way");
        clock.advance(Duration.ofMinutes(2));
        assertTrue(questions.postAgain(id, "U0ANN"), "a post whose outcome was never written may be tried again");
        questions.posted(id, "C0Q", "1700000000.000100", null);
        clock.advance(Duration.ofMinutes(10));
        assertFalse(questions.postAgain(id, "U0ANN"), "a posted question is not posted again");
    }

    @Test
    void a_replayed_click_or_the_same_words_again_ask_once() throws Exception {
        Questions one = new Questions(db(), clock);
        Questions other = new Questions(db(), clock);
        assertTrue(one.ask("what is  Xylophonia?", "U0ANN", null, "click:A").fresh());
        assertFalse(other.ask("what is Xylophonia?", "U0ANN", null, "click:A").fresh(), "the same click on another replica");
        assertFalse(other.ask("what is Xylophonia?", "U0ANN", null, "click:B").fresh(), "the same asker, the same words");
        assertTrue(other.ask("what is Xylophonia?", "U0BOB", null, "click:C").fresh(), "someone else asking is their question");
        assertEquals(2, one.open(null).size());
        assertEquals(List.of(1L), one.open("U0ANN").stream().map(Questions.Question::id).toList());
        assertTrue(one.feedback("why?", MONZO, "P3", false, "U0ANN", "click:F"));
        assertFalse(other.feedback("why?", MONZO, "P3", false, "U0ANN", "click:F"), "a replayed feedback click counts once");
    }

    @Test
    void the_digest_counts_answers_and_names_a_quiet_question_once() throws Exception {
        Db db = db();
        Questions questions = new Questions(db, clock);
        Added added = new Added(db, clock);
        Duration stale = Duration.ofDays(7);
        long quiet = questions.ask("what is Xylophonia?", "U0ANN", null, "click:1").question().id();
        clock.advance(Duration.ofHours(1));
        long answered = questions.ask("what is Zebrafest?", "U0BOB", null, "click:2").question().id();
        clock.advance(Duration.ofHours(2));
        added.answer(answered, MONZO, null, "Q2: what is Zebrafest? Answer: a festival", "U0CAT", "U0CAT", null, "view:1");

        Questions.Summary now = questions.summary(null, stale);
        assertEquals(1, now.open());
        assertEquals(1, now.answeredThisWeek());
        assertEquals(Duration.ofHours(2), now.medianToAnswer());
        assertEquals(quiet, now.oldest().id());
        assertTrue(now.quiet().isEmpty(), "not quiet yet");

        Instant lastDigest = clock.instant();
        clock.advance(Duration.ofDays(8));
        assertEquals(List.of(quiet), questions.summary(lastDigest, stale).quiet().stream().map(Questions.Question::id).toList());
        assertEquals(0, questions.summary(lastDigest, stale).answeredThisWeek(), "answered over a week ago");
        Instant mentioned = clock.instant();
        clock.advance(Duration.ofDays(1));
        assertTrue(questions.summary(mentioned, stale).quiet().isEmpty(), "named once, not in every digest");

        Questions.Question posted = questions.get(quiet).orElseThrow();
        questions.posted(quiet, "C0QUESTIONS", "1700000000.000100", null);
        assertTrue(questions.replied("C0QUESTIONS", "1700000000.000100", "U0DAN", clock.instant()));
        assertTrue(questions.replied(quiet, "U0DAN"));
        assertFalse(questions.replied(posted.id(), "U0EVE"));
        Instant afterReply = clock.instant();
        clock.advance(Duration.ofDays(8));
        assertEquals(List.of(quiet), questions.summary(afterReply, stale).quiet().stream().map(Questions.Question::id).toList(),
                "quiet again a week after its last reply");
    }

    @Test
    void taking_back_the_answer_opens_its_question_again_whether_the_point_or_its_whole_talk_goes() throws Exception {
        Db db = db();
        Questions questions = new Questions(db, clock);
        Added added = new Added(db, clock);
        long first = questions.ask("what is Xylophonia?", "U0ANN", MONZO, "click:1").question().id();
        long second = questions.ask("who runs Zebrafest?", "U0ANN", null, "click:2").question().id();
        Added.Answered point = added.answer(first, MONZO, null, "Q1: what is Xylophonia? Answer: a band", "U0BOB", "U0BOB",
                null, "view:1");
        Added.Answered talk = added.answer(second, null, new Added.NewTalk("Team answers", "Day 1", null, null, "Team"),
                "Q2: who runs Zebrafest? Answer: Cat", "U0CAT", "U0CAT", null, "view:2");
        assertEquals(java.util.Set.of(first, second), questions.answeredIds());

        assertTrue(added.change(point.pointId(), null, "U0BOB"));
        Questions.Question reopened = questions.get(first).orElseThrow();
        assertEquals(Questions.State.OPEN, reopened.state());
        assertNull(reopened.answerPoint());
        assertTrue(questions.history(first).stream().anyMatch(line -> line.startsWith("reopened|U0BOB|")), questions.history(first).toString());
        assertEquals(java.util.Set.of(second), questions.answeredIds());

        assertEquals(Questions.State.ANSWERED, questions.get(second).orElseThrow().state());
        assertEquals(1, added.removeTalk(talk.talkKey(), "U0ADMIN"));
        assertEquals(Questions.State.OPEN, questions.get(second).orElseThrow().state(), "its talk taken back with it");
        assertEquals(List.of(first, second), questions.open(null).stream().map(Questions.Question::id).toList());
    }

    @Test
    void an_answered_question_is_exported_and_read_back_as_the_same_point_and_nobodys_text_becomes_structure() throws Exception {
        Db db = db();
        Questions questions = new Questions(db, clock);
        Added added = new Added(db, clock);
        String asked = "- [INTERNAL] why??? !!!\n-- is it Day 3 10:35";
        Questions.Question question = questions.ask(asked, "U0ANN", null, "click:1").question();
        String point = "Q1: " + question.text() + " Answer: [INFERNAL] yes \\ - no";
        Added.Answered saved = added.answer(question.id(), null, new Added.NewTalk("Team answers", "Day 1", null, null, "Team"),
                point, "U0BOB", "U0BOB", "https://qcon-test.slack.com/archives/C0Q/p1700000000000200", "view:1");
        assertEquals(Added.Answered.Outcome.SAVED, saved.outcome());

        qconbot.notes.Notes notes = added.mergeInto(List.of()).get(0);
        String file = qconbot.notes.NotesWriter.write(notes);
        qconbot.notes.Notes read = qconbot.notes.NotesParser.parse("team.txt", file);
        assertNull(qconbot.notes.NotesWriter.difference(notes, read), file);
        List<qconbot.notes.Bullet> bullets = read.talks().get(0).bullets();
        assertEquals(1, bullets.size(), file);
        assertEquals(qconbot.notes.Bullet.Kind.POINT, bullets.get(0).kind(), "no action item, no highlight, no question: " + file);
        assertEquals(point.replace("\n", " "), bullets.get(0).text(), file);
    }

    @Test
    void who_may_know_is_whoever_added_most_to_the_nearest_talk_never_the_asker_at_most_three() throws Exception {
        Db db = db();
        Added added = new Added(db, clock);
        String[] by = {"U0ANN", "U0BOB", "U0BOB", "U0CAT", "U0DAN", "U0EVE", "U0EVE", "U0EVE", "not-a-user"};
        for (int i = 0; i < by.length; i++) {
            added.addPoint(MONZO, null, "point " + i, false, by[i], null, "view:" + i);
        }
        assertEquals(List.of("U0EVE", "U0BOB", "U0CAT"), new Questions(db, clock).whoKnows(MONZO, "U0ANN", 3));
        assertEquals(List.of(), new Questions(db, clock).whoKnows(null, "U0ANN", 3));
        assertNull(new Questions(db, clock).summary(null, Duration.ofDays(7)).oldest());
    }
}
