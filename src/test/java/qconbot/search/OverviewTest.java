package qconbot.search;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import qconbot.TestBot;
import qconbot.notes.Bullet;
import qconbot.notes.NotesParser;
import qconbot.notes.Talk;
import qconbot.store.Db;
import qconbot.store.Talks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a reply shows of a talk: the telling points of a long one, and related talks; over both notes files. */
class OverviewTest {

    @TempDir
    Path dir;

    private TalkSearch load(String name, List<qconbot.notes.Notes> notes) throws Exception {
        Db db = Db.open(dir.resolve(name));
        Talks talks = new Talks(db);
        talks.sync(notes);
        return new TalkSearch(db, talks);
    }

    @Test
    void a_long_talk_shows_its_highlights_internal_lines_and_first_point_each_sub_point_under_its_parent() throws Exception {
        List<qconbot.notes.Notes> notes = new ArrayList<>(NotesParser.readAll(TestBot.NOTES));
        notes.add(NotesParser.read(Path.of("src/test/resources/questions/craft-2022.txt")));
        TalkSearch search = load("both.db", notes);
        int longTalks = 0;
        for (qconbot.notes.Notes file : notes) {
            for (Talk talk : file.talks()) {
                Overview overview = search.overview(talk);
                if (talk.bullets().size() <= Overview.LONG) {
                    assertFalse(overview.shortened(), talk.title() + " is short: every point");
                    continue;
                }
                longTalks++;
                assertTrue(overview.shortened(), talk.title());
                assertTrue(overview.telling().size() <= talk.bullets().size() - 3, "leaves out at least three points");
                assertTrue(overview.shows(talk.bullets().get(0)), "the first point of " + talk.title());
                long marked = talk.bullets().stream().filter(b -> b.kind() == Bullet.Kind.HIGHLIGHT || b.isInternal()).count();
                if (marked <= Overview.SHOWN - 1) {
                    talk.bullets().stream().filter(b -> b.kind() == Bullet.Kind.HIGHLIGHT || b.isInternal())
                            .forEach(b -> assertTrue(overview.shows(b), talk.title() + ": " + b.text()));
                }
                int[] parents = talk.parents();
                for (int i = 0; i < parents.length; i++) {
                    if (parents[i] >= 0 && overview.shows(talk.bullets().get(i))) {
                        assertTrue(overview.shows(talk.bullets().get(parents[i])), "the parent of " + talk.bullets().get(i).text());
                    }
                }
                assertFalse(overview.all().shortened(), "Show all shows all");
            }
        }
        assertTrue(longTalks >= 8, "both files have long talks: " + longTalks);
    }

    @Test
    void graalvm_links_java_in_containers_and_quarkus_each_naming_the_shared_words() throws Exception {
        TalkSearch search = load("shipped.db", NotesParser.readAll(TestBot.NOTES));

        Talk quarkus = search.search("quarkus").best();
        Overview.Related first = search.overview(quarkus).related().get(0);

        assertEquals("Java in containers", first.talk().title());
        assertTrue(first.shared().contains("graalvm"), first.shared().toString());
        Talk containers = first.talk();
        assertEquals("quarkus", search.overview(containers).related().get(0).talk().title());
        for (Overview.Related related : search.overview(quarkus).related()) {
            assertTrue(related.shared().size() >= 2, "two shared words at least: " + related.shared());
            for (String word : related.shared()) {
                assertTrue(has(quarkus, word) && has(related.talk(), word), word + " is in both (as words of one stem)");
            }
        }
    }

    @Test
    void one_word_in_common_or_words_each_uses_once_in_passing_link_nothing() throws Exception {
        String text = """
                RELATED TEST

                Day 1
                ---
                09:00 zebras:
                - zebra herds migrate
                - zebra stripes confuse flies
                - quokka photos
                - wombat burrows

                10:00 crossings:
                - a zebra crossing
                - quokka mentioned
                - wombat mentioned

                11:00 stripes again:
                - zebra stripes, once more
                - zebra again

                12:00 elsewhere:
                - nothing shared here
                - lunch

                13:00 other:
                - tea

                14:00 more:
                - coffee
                """;
        TalkSearch search = load("small.db", List.of(NotesParser.parse("small.txt", text)));

        Overview crossings = search.overview(search.search("crossings").best());
        Overview zebras = search.overview(search.search("zebras").best());

        assertTrue(crossings.related().isEmpty(), "zebra is the topic of two talks, but crossings shares only it with each: "
                + crossings.related());
        assertTrue(zebras.related().stream().noneMatch(r -> r.talk().title().equals("crossings")),
                "quokka and wombat are each said once in passing by both");
        assertEquals(Set.of(), new HashSet<>(search.overview(search.search("elsewhere").best()).related()));
    }

    private static boolean has(Talk talk, String word) {
        List<String> words = new ArrayList<>(TalkSearch.words(talk.title()));
        talk.bullets().forEach(b -> words.addAll(TalkSearch.words(b.text())));
        return words.stream().anyMatch(w -> Answers.stem(w).equals(Answers.stem(word)));
    }
}
