package qconbot.search;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pieces of question answering that do not need notes: reading the question, stems, the synonym table. */
class AnswersTest {

    @Test
    void a_question_is_told_from_a_title_or_a_topic() {
        assertTrue(Answers.isQuestion("what language does monzo use"));
        assertTrue(Answers.isQuestion("monzo language?"));
        assertTrue(Answers.isQuestion("why did monzo pick cassandra"));
        assertFalse(Answers.isQuestion("monzo"));
        assertFalse(Answers.isQuestion("sam newman"));
        assertFalse(Answers.isQuestion("java in containers"));
    }

    @Test
    void question_words_and_the_quantity_after_how_are_not_searched_for() {
        assertEquals(List.of("monzo", "services"),
                Answers.content("how big are monzo's services", List.of("big", "monzo", "services")));
        assertEquals(List.of("cassandra"), Answers.content("why did they pick cassandra", List.of("why", "did", "cassandra")));
        assertEquals(List.of("which"), Answers.content("which", List.of("which")), "never nothing at all");
    }

    @Test
    void stems_join_plurals_and_endings() {
        assertEquals(Answers.stem("trains"), Answers.stem("train"));
        assertEquals(Answers.stem("using"), Answers.stem("use"));
        assertEquals(Answers.stem("used"), Answers.stem("uses"));
        assertEquals(Answers.stem("tracing"), Answers.stem("trace"));
        assertEquals(Answers.stem("databases"), Answers.stem("database"));
        assertEquals(Answers.stem("replicas"), Answers.stem("replica"));
        assertEquals("class", Answers.stem("class"));
        assertEquals("status", Answers.stem("status"));
    }

    @Test
    void the_synonym_table_is_read_both_ways_and_knows_kinds() {
        assertTrue(Answers.knows("k8s"));
        assertTrue(Answers.knows("database"));
        assertTrue(Answers.knows("databases"), "a plural of a kind");
        assertFalse(Answers.knows("monzo"), "no notes' word is in the table");
    }
}
