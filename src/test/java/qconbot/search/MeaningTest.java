package qconbot.search;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import qconbot.TestBot;
import qconbot.commands.Messages;
import qconbot.notes.Bullet;
import qconbot.notes.NotesParser;
import qconbot.notes.Talk;
import qconbot.store.Db;
import qconbot.store.Talks;
import qconbot.store.Vectors;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Search by meaning on the real model and a real SQLite file: vectors worked out once and read back after a restart,
 * a changed talk's new point found at once, a model that cannot load, bad input in bounded time, and typos mended
 * while real words are not.
 */
class MeaningTest {

    @TempDir
    static Path dir;
    static Db db;
    static Talks talks;
    static Meaning meaning;
    static TalkSearch search;

    @BeforeAll
    static void ready() throws Exception {
        db = Db.open(dir.resolve("qcon.db"));
        talks = new Talks(db);
        talks.sync(NotesParser.readAll(TestBot.NOTES));
        meaning = new Meaning(new Vectors(db), Embedder::load, talks::agenda);
        meaning.everything();
        waitFor(meaning::ready, meaning);
        search = new TalkSearch(db, talks, meaning);
    }

    @AfterAll
    static void close() throws Exception {
        meaning.close();
        db.close();
    }

    static void waitFor(BooleanSupplier condition, Meaning meaning) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(condition.getAsBoolean(), "in time: " + meaning.status());
    }

    @Test
    void every_point_has_a_vector_worked_out_once_and_a_restart_reads_them_back() throws Exception {
        int points = talks.agenda().stream().mapToInt(talk -> talk.bullets().size()).sum();
        assertEquals(new Meaning.Status(Meaning.State.READY, points, points, meaning.status().computed(), null), meaning.status());
        assertTrue(meaning.status().computed() > 150, "worked out at the first start: " + meaning.status());
        int stored = new Vectors(db).count(Embedder.MODEL);

        try (Meaning again = new Meaning(new Vectors(db), Embedder::load, talks::agenda)) {
            again.everything();
            waitFor(again::ready, again);
            assertEquals(points, again.status().done());
            assertEquals(0, again.status().computed(), "none worked out again");
        }
        assertEquals(stored, new Vectors(db).count(Embedder.MODEL));
    }

    @Test
    void a_point_added_to_a_talk_is_found_by_meaning_once_its_vector_is_worked_out() throws Exception {
        Talk before = talks.agenda().stream().filter(talk -> talk.title().equals("quarkus")).findFirst().orElseThrow();
        List<Bullet> bullets = new ArrayList<>(before.bullets());
        bullets.add(new Bullet(1, Bullet.Kind.POINT, "the mascot is a purple octopus knitted by the speaker's aunt",
                List.of(), 0));
        Talk after = new Talk(before.key(), before.source(), before.conference(), before.day(), before.dayNumber(),
                before.time(), before.title(), before.speaker(), bullets, before.firstLine(), before.lastLine());
        int computed = meaning.status().computed();

        meaning.changed(new Talks.Change(1, before, after));
        waitFor(() -> meaning.status().computed() == computed + 1, meaning);

        Meaning.Near nearest = meaning.nearest(meaning.query("which sea creature was the knitted mascot"), 1).get(0);
        assertEquals("quarkus", nearest.talk().title());
        assertTrue(nearest.talk().bullets().get(nearest.at()).text().contains("octopus"));
        meaning.changed(new Talks.Change(1, after, before)); // as it was, for the other tests (its vectors are stored)
        waitFor(() -> meaning.nearest(meaning.query("knitted octopus mascot"), 5).stream()
                .noneMatch(near -> near.talk().bullets().get(near.at()).text().contains("octopus")), meaning);
    }

    @Test
    void a_model_that_cannot_load_leaves_search_by_words_and_says_why() throws Exception {
        try (Meaning broken = new Meaning(new Vectors(db), () -> Embedder.load(
                new ByteArrayInputStream("not an onnx model".getBytes(StandardCharsets.UTF_8)),
                Embedder.class.getResourceAsStream("/e5-small-v2-q-tokenizer.json")), talks::agenda)) {
            broken.everything();
            waitFor(() -> broken.status().state() == Meaning.State.FAILED, broken);

            assertFalse(broken.ready());
            assertTrue(broken.status().reason().startsWith("the model could not load: "), broken.status().reason());
            TalkSearch.Result result = new TalkSearch(db, talks, broken).search("what language does monzo use");
            assertEquals("microservices at Monzo", result.best().title());
            assertTrue(result.answers().get(0).bullet().text().contains("golang"));
        }
    }

    @Test
    void a_question_on_something_the_notes_never_mention_is_not_covered_with_the_nearest_talks_offered() throws Exception {
        TalkSearch.Result result = search.search("should we hash passwords with bcrypt or argon2");

        assertFalse(result.found());
        assertTrue(result.nearest().size() <= 2 && !result.nearest().isEmpty(), result.nearest().toString());
        String reply = Messages.noMatch(result, List.of()).blocks().toString();
        assertTrue(reply.contains("Nothing in the notes covers *should we hash passwords with bcrypt or argon2*."), reply);
        assertTrue(reply.contains("The nearest talks, in case (they do not answer it)"), reply);
    }

    @Test
    void what_the_notes_have_is_still_found_by_its_words() throws Exception {
        assertEquals("microservices at Monzo", search.search("monzo").best().title());
        assertEquals("Should we run it if we build it", search.search("what did paul hammant say about devs on call").best().title());
        TalkSearch.Result typo = search.search("quarkas memory");
        assertEquals(Map.of("quarkas", "quarkus"), typo.corrections());
        assertEquals("quarkus", typo.best().title());
    }

    @Test
    void a_point_with_a_word_only_one_talk_has_keeps_its_talk_in_the_reply_whatever_comes_nearer_in_meaning() throws Exception {
        TalkSearch words = new TalkSearch(db, talks);
        int checked = 0;
        for (String line : Files.readAllLines(Path.of("src/test/resources/questions/questions.tsv"))) {
            String[] columns = line.split("\t");
            if (line.startsWith("#") || !columns[0].equals("qcon-2020.txt")) {
                continue;
            }
            TalkSearch.Result lexical = words.search(columns[1]);
            if (lexical.points().isEmpty() || Fusion.rareWordTalk(lexical.points(), lexical.words(), words.vocabulary()) == null) {
                continue;
            }
            checked++;
            String talk = lexical.points().get(0).talk().key();
            TalkSearch.Result fused = search.search(columns[1]);
            assertTrue(fused.talks().stream().anyMatch(shown -> shown.key().equals(talk)),
                    columns[1] + ": " + talk + " not among " + fused.talks().stream().map(Talk::key).toList());
        }
        assertTrue(checked >= 5, "questions with a word only one talk has: " + checked);
    }

    @Test
    void bad_input_is_answered_in_bounded_time_with_a_reply() throws Exception {
        List<String> inputs = List.of("how does monzo " + "scale their services and teams ".repeat(100),
                "🚀🔥🎉", "микросервисы в Монзо", "what is the of and to", "https://example.com/monzo?x=<!channel>",
                "   ", "?");
        for (String input : inputs) {
            long start = System.nanoTime();
            TalkSearch.Result result = search.search(input);
            String reply = (result.found() ? Messages.talk(result.best(), result) : Messages.noMatch(result, List.of()))
                    .blocks().toString();
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis < 2_000, input.length() + " characters took " + millis + " ms");
            assertNotNull(reply);
            assertFalse(reply.contains("<!channel>"), reply);
        }
        assertTrue(Embedder.MAX_TOKENS <= 512, "the model's input is cut, not the question's time");
    }

    @Test
    void a_real_word_is_not_mended_into_a_notes_word_but_a_typo_is() throws Exception {
        Path notes = Files.createDirectories(dir.resolve("craft"));
        Files.copy(Path.of("src/test/resources/questions/craft-2022.txt"), notes.resolve("craft-2022.txt"));
        try (Db craftDb = Db.open(dir.resolve("craft.db"))) {
            Talks craft = new Talks(craftDb);
            craft.sync(NotesParser.readAll(notes));
            TalkSearch words = new TalkSearch(craftDb, craft);
            assertTrue(words.vocabulary().contains("rust"), "the notes have rust");

            TalkSearch.Result dust = words.search("dust");
            assertEquals(Map.of(), dust.corrections(), "dust is a word, not a typo of rust");
            assertEquals(List.of("dust"), dust.unknown());
            assertEquals(Map.of("borrw", "borrow"), words.search("borrw").corrections());
        }
        TalkSearch qcon = new TalkSearch(db, talks);
        TalkSearch.Result kubernets = qcon.search("kubernets");
        assertTrue(kubernets.unknown().isEmpty() && kubernets.found(), "found as the start of kubernetes, as before");
        assertEquals(Map.of("cassandar", "cassandra"), qcon.search("cassandar").corrections());
        assertTrue(English.isWord("plumbing") && English.isWord("rabbits") && !English.isWord("quarkas"));
    }
}
