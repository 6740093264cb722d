package qconbot.search;

import qconbot.TestBot;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import qconbot.notes.NotesParser;
import qconbot.notes.Talk;
import qconbot.store.Db;
import qconbot.store.Talks;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Search over the shipped notes, stored in a real SQLite file. */
class TalkSearchTest {

    @TempDir
    static Path dir;
    static Db db;
    static TalkSearch search;

    @BeforeAll
    static void load() throws Exception {
        db = Db.open(dir.resolve("search.db"));
        Talks talks = new Talks(db);
        talks.sync(NotesParser.readAll(TestBot.NOTES));
        search = new TalkSearch(db, talks);
    }

    @AfterAll
    static void close() throws Exception {
        db.close();
    }

    private static String best(String query) throws Exception {
        TalkSearch.Result result = search.search(query);
        assertTrue(result.found(), "nothing found for \"" + query + "\"");
        return result.best().title();
    }

    @ParameterizedTest(name = "\"{0}\" finds \"{1}\"")
    @CsvSource(delimiter = '|', value = {
            "monzo | microservices at Monzo",
            "MONZO | microservices at Monzo",
            "Monzo's | microservices at Monzo",
            "monzos | microservices at Monzo",
            "monz | microservices at Monzo",
            "quark | quarkus",
            "quarkas | quarkus",
            "micro frontends | micro-frontends",
            "micro-frontends | micro-frontends",
            "microfrontends | micro-frontends",
            "MICRO-FRONTEND | micro-frontends",
            "java containers | Java in containers",
            "java container | Java in containers",
            "tesla power plant | Tesla virtual power plant",
            "delegaton | how to supercharge a team with delegation",
            "sam newman | Decomposing monoliths",
            "strangler | Decomposing monoliths",
            "heimdall | preparing for the unexpected",
            "optimizing time | optimising time",
            "decomposing monolith | Decomposing monoliths",
    })
    void finds_the_talk_for(String query, String title) throws Exception {
        assertEquals(title, best(query));
    }

    @Test
    void a_title_match_outranks_a_passing_mention() throws Exception {
        // "monolith" is in one title, and mentioned in passing in the bullets of others.
        TalkSearch.Result result = search.search("monolith");
        assertEquals("Decomposing monoliths", result.best().title());
        assertTrue(result.others().stream().map(Talk::title).anyMatch("To microservices and back again"::equals));

        List<String> titles = search.search("microservices").talks().stream().map(Talk::title).toList();
        assertTrue(titles.subList(0, 3).stream().allMatch(t -> t.toLowerCase().contains("microservices")), titles.toString());
    }

    @Test
    void returns_the_best_match_and_up_to_three_others() throws Exception {
        TalkSearch.Result result = search.search("microservices");
        assertEquals(TalkSearch.MAX_RESULTS, result.talks().size());
        assertEquals(3, result.others().size());
    }

    @Test
    void a_typo_is_mended_and_offered_as_did_you_mean() throws Exception {
        TalkSearch.Result result = search.search("quarkas");
        assertEquals("quarkus", result.didYouMean());
        assertEquals(Map.of("quarkas", "quarkus"), result.corrections());

        assertNull(search.search("quarkus").didYouMean(), "no correction when nothing was wrong");
    }

    @Test
    void several_words_rank_the_talk_that_has_them_all_first() throws Exception {
        assertEquals("Java in containers", best("graalvm jlink"));
        assertEquals("microservices at Monzo", best("cassandra golang"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"", "\"monzo", "monzo*", "*", "AND", "monzo AND", "OR NOT", "NEAR(monzo", "NEAR(", ";",
            "'; DROP TABLE talks; --", "title:monzo", "{title}: x", "^monzo", "-monzo", "monzo + golang", "(", ")",
            "\u0000", "\u200b\u200d", "%", "_", "\\", "💥", "ｍｏｎｚｏ"})
    void fts_and_sql_syntax_is_only_text(String query) throws Exception {
        TalkSearch.Result result = search.search(query);
        assertTrue(result.talks().size() <= TalkSearch.MAX_RESULTS);
        assertEquals(20, new Talks(db).count(), "the talks are still there");
    }

    @Test
    void full_width_and_accented_letters_match_plain_ones() throws Exception {
        assertEquals("microservices at Monzo", best("ｍｏｎｚｏ"));
        assertEquals("microservices at Monzo", best("mónzö"));
    }

    @Test
    void no_match_reports_the_unknown_words_and_offers_suggestions() throws Exception {
        TalkSearch.Result result = search.search("xyzzy plugh");
        assertFalse(result.found());
        assertEquals(List.of("xyzzy", "plugh"), result.unknown());
        List<String> suggestions = search.suggestions(3);
        assertEquals(3, suggestions.size());
        assertTrue(suggestions.contains("microservices"), suggestions.toString());
    }

    @Test
    void short_words_are_not_mended_into_something_unrelated() throws Exception {
        assertFalse(search.search("zzz").found());
        assertFalse(search.search("qqqq").found());
    }

    @Test
    void every_word_of_one_conference_is_ranked() throws Exception {
        // no word of the shipped notes is in more talks than a search ranks, so none is ever left out
        List<String> words = List.of("java", "people", "microservices", "monzo", "kubernetes", "team");
        assertEquals(words, TalkSearch.worthRanking(words, search.vocabulary()));
    }
}
