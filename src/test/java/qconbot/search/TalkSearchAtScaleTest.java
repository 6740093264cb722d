package qconbot.search;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import qconbot.notes.NotesParser;
import qconbot.notes.Talk;
import qconbot.store.Db;
import qconbot.store.Talks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Search over more talks than it ranks (TalkSearch.RANKED_AT_MOST): 1,200 talks, all with "platform" and "boring",
 * every 4th with "kafka", every 31st with "observability" and 3 with "zanzibar" in their bullets; titles are "Talk n"
 * but for one.
 */
class TalkSearchAtScaleTest {

    static final int TALKS = 1200;

    @TempDir
    static Path dir;
    static Db db;
    static TalkSearch search;

    @BeforeAll
    static void load() throws Exception {
        StringBuilder notes = new StringBuilder("SCALE NOTES\n-----------\n\nDay 1\n\n");
        for (int n = 1; n <= TALKS; n++) {
            notes.append(n == 700 ? "Zanzibar at scale:\n" : "Talk " + n + ":\n");
            notes.append("- we run the platform on boring tech\n");
            if (n % 4 == 0) {
                notes.append("- kafka everywhere, kafka for everything\n");
            }
            if (n % 31 == 0) {
                notes.append("- observability before features\n");
            }
            if (n == 100 || n == 900 || n == 1100) {
                notes.append("- zanzibar style permissions\n");
            }
            notes.append('\n');
        }
        Files.createDirectories(dir.resolve("notes"));
        Files.writeString(dir.resolve("notes/scale.txt"), notes);
        db = Db.open(dir.resolve("scale.db"));
        Talks talks = new Talks(db);
        talks.sync(NotesParser.readAll(dir.resolve("notes")));
        search = new TalkSearch(db, talks);
    }

    @AfterAll
    static void close() throws Exception {
        db.close();
    }

    private static List<String> titles(String query) throws Exception {
        return search.search(query).talks().stream().map(Talk::title).toList();
    }

    @Test
    void a_rare_word_decides_when_another_is_in_most_talks() throws Exception {
        // "platform" is in every talk, so only "zanzibar" is ranked: the title first, then the three mentions
        assertEquals(List.of("Zanzibar at scale", "Talk 100", "Talk 900", "Talk 1100"), titles("zanzibar platform"));
        assertEquals(titles("zanzibar"), titles("zanzibar platform"));
    }

    @Test
    void a_word_in_every_talk_still_finds_talks() throws Exception {
        assertEquals(TalkSearch.MAX_RESULTS, titles("platform").size());
        assertEquals(TalkSearch.MAX_RESULTS, titles("platform boring").size());
    }

    @Test
    void a_word_in_fewer_talks_than_are_ranked_is_ranked_with_the_others() throws Exception {
        // 38 talks have "observability", 300 "kafka": both are ranked, and every answer has both
        List<String> found = titles("observability kafka");
        assertEquals(TalkSearch.MAX_RESULTS, found.size());
        for (String title : found) {
            int n = Integer.parseInt(title.substring("Talk ".length()));
            assertTrue(n % 31 == 0 && n % 4 == 0, title + " lacks one of the words");
        }
    }

    @Test
    void only_words_in_more_talks_than_are_ranked_and_weighing_little_are_left_out() throws Exception {
        TalkSearch.Vocabulary vocabulary = search.vocabulary();
        assertEquals(TALKS, vocabulary.talksWith("platform"));
        assertEquals(TALKS / 4, vocabulary.talksWith("kafka"));
        // in 300 talks, but weighing less than a fifth of "zanzibar"
        assertEquals(List.of("zanzibar"), TalkSearch.worthRanking(List.of("zanzibar", "platform", "kafka"), vocabulary));
        assertEquals(List.of("observability", "kafka"),
                TalkSearch.worthRanking(List.of("observability", "kafka", "platform"), vocabulary));
        assertEquals(List.of(), TalkSearch.worthRanking(List.of("platform", "boring"), vocabulary));
    }
}
