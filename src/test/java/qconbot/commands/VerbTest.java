package qconbot.commands;

import com.slack.api.util.json.GsonFactory;
import org.junit.jupiter.api.Test;
import qconbot.commands.Request;
import qconbot.commands.ItemMessages.Surface;
import qconbot.commands.Verb.From;
import qconbot.notes.Bullet;
import qconbot.notes.Talk;
import qconbot.search.TalkSearch;
import qconbot.store.ActionItems.ActionItem;
import qconbot.store.ActionItems.State;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The table of verbs is the one place a verb is written: for every row, whatever it says is true of the help, of
 * parsing from each place it may be asked, and of the buttons drawn. A row added to the table is checked here
 * without a line added to this test.
 */
class VerbTest {

    static final String HELP = Messages.help().blocks().toString();
    static final String THREAD_HELP = Messages.threadHelp(" or ");

    @Test
    void every_verb_that_can_be_typed_after_qcon_is_in_the_help_and_parses_back_to_itself() {
        for (Verb verb : Verb.values()) {
            if (!verb.from(From.COMMAND)) {
                continue;
            }
            assertTrue(HELP.contains("`/qcon " + Messages.escape(verb.usage()) + "`: " + verb.help()), verb + " in " + HELP);
            for (String word : verb.words()) {
                assertEquals(verb, Request.command(word, "U0ANN", "C0TEAM", null).verb(), word);
                assertEquals(verb, Request.command(word.toUpperCase() + "  ", "U0ANN", "C0TEAM", null).verb(), word);
                if (verb.takesWords() && verb != Verb.TALKS) {
                    assertEquals(verb, Request.command(word + " A3", "U0ANN", "C0TEAM", null).verb(), word + " A3");
                } else if (!verb.takesWords()) {
                    assertEquals(Verb.SEARCH, Request.command(word + " monzo", "U0ANN", "C0TEAM", null).verb(),
                            "words after " + word + " are a search");
                }
            }
        }
        assertEquals(Verb.SEARCH, Request.command("claimed monzo", "U0ANN", "C0TEAM", null).verb(), "a verb stands alone");
    }

    @Test
    void every_verb_that_can_be_said_in_a_thread_is_in_the_thread_help_and_parses_back() {
        for (Verb verb : Verb.values()) {
            if (!verb.from(From.MENTION)) {
                assertTrue(verb.words().isEmpty() || verb.words().stream().noneMatch(word ->
                        Request.mention(word, "U0ANN", "C0TEAM", "1.1", null).verb() == verb), verb + " is not for threads");
                continue;
            }
            if (verb != Verb.HELP) {
                assertTrue(THREAD_HELP.contains("`" + verb.threadUsage() + "`"), verb + " in " + THREAD_HELP);
            }
            for (String word : verb.words()) {
                assertEquals(verb, Request.mention(word + " please", "U0ANN", "C0TEAM", "1.1", null).verb(), word);
            }
        }
        assertNull(Request.mention("dance", "U0ANN", "C0TEAM", "1.1", null).verb(), "not understood");
        assertTrue(Messages.help().blocks().toString().contains("`@qcon assign @someone`"), "the thread verbs are in /qcon help");
    }

    @Test
    void every_verb_with_a_button_draws_it_somewhere_and_its_click_is_that_verb() {
        Set<String> drawn = drawnActionIds();
        for (Verb verb : Verb.values()) {
            if (verb.button() == null) {
                assertTrue(verb.from(From.COMMAND) || verb.from(From.MENTION), verb + " can be asked somehow");
                continue;
            }
            String actionId = verb.button().actionId();
            assertTrue(drawn.contains(actionId), actionId + " is drawn on some message: " + drawn);
            assertEquals(verb, Verb.forAction(actionId));
            assertEquals(verb, Request.click(actionId, "1", "item:1:outstanding", "U0BOB", "U0ANN", "C0TEAM", List.of(), "k").verb());
            assertTrue(Verb.actionIds().contains(actionId), "the click handler listens for " + actionId);
        }
        assertEquals(drawn.size(), new HashSet<>(Verb.actionIds()).size(), "nothing is drawn that the table lacks");
    }

    @Test
    void item_buttons_follow_the_table_states_and_surfaces() {
        assertEquals(List.of("item_claim", "item_done", "item_assign", "item_discuss"), ids(ItemMessages.buttons(item(State.OPEN), Surface.MINE)));
        assertEquals(List.of("item_done", "item_unclaim", "item_assign"), ids(ItemMessages.buttons(item(State.CLAIMED), Surface.HOME)));
        assertEquals(List.of("item_reopen", "item_outcome"), ids(ItemMessages.buttons(item(State.DONE), Surface.POST)));
        assertEquals(List.of("item_done", "item_unclaim", "item_snooze"), ids(ItemMessages.buttons(item(State.CLAIMED), Surface.REMINDER)));
        assertTrue(GsonFactory.createSnakeCase().toJson(ItemMessages.buttons(item(State.CLAIMED), Surface.REMINDER)).contains("Hand back"));
    }

    /** The buttons of asking the team: under an answer, on "nothing covers it", on the question's post. */
    private static String questionButtons(Talk talk) {
        TalkSearch.Result asked = new TalkSearch.Result("why quarkus?", List.of("quarkus"), Map.of(), List.of(),
                List.of(talk), true, List.of(), List.of());
        qconbot.store.Questions.Question question = new qconbot.store.Questions.Question(1, "why?", "U0ANN",
                java.time.Instant.EPOCH, null, qconbot.store.Questions.State.OPEN, null, null, null, null,
                java.time.Instant.EPOCH, null, null, null, null);
        return GsonFactory.createSnakeCase().toJson(QuestionMessages.withFeedback(Messages.talk(talk, asked), asked).blocks())
                + GsonFactory.createSnakeCase().toJson(QuestionMessages.askRow(null, "why?", true))
                + GsonFactory.createSnakeCase().toJson(QuestionMessages.post(question, List.of(talk), List.of("U0BOB")).blocks());
    }

    private static Set<String> drawnActionIds() {
        Set<String> ids = new HashSet<>();
        for (State state : State.values()) {
            for (Surface surface : Surface.values()) {
                ids.addAll(ids(ItemMessages.buttons(item(state), surface)));
            }
        }
        Talk talk = talk("quarkus");
        TalkSearch.Result result = new TalkSearch.Result("quarkus", List.of("quarkus"), Map.of(), List.of(),
                List.of(talk, talk("graalvm")), false, List.of(), List.of());
        String json = GsonFactory.createSnakeCase().toJson(Messages.talk(talk, result).blocks())
                + GsonFactory.createSnakeCase().toJson(Messages.talk(new qconbot.search.Overview(talk,
                Set.of(talk.bullets().get(0)), List.of()), null).blocks())
                + GsonFactory.createSnakeCase().toJson(Messages.talk(new Talk("f.txt/day-1/added", "f.txt", "CONF", "Day 1", 1,
                "09:00", "added", null, List.of(new Bullet(1, Bullet.Kind.POINT, "a point", List.of(), 0,
                new Bullet.Added(1, "U0ANN", java.time.Instant.EPOCH, null))), 3, 4), null).blocks())
                + GsonFactory.createSnakeCase().toJson(Messages.importPreview(1, "f.txt", Contributions.ImportDiff.of(
                qconbot.notes.NotesParser.parse("f.txt", "09:00 t:\n- p\n"), java.util.Optional.empty())).blocks())
                + GsonFactory.createSnakeCase().toJson(Messages.removeFilePreview("f.txt", 1, List.of()).blocks())
                + questionButtons(talk);
        java.util.regex.Matcher actionId = java.util.regex.Pattern.compile("\"action_id\":\"([a-z_]+)\"").matcher(json);
        while (actionId.find()) {
            ids.add(actionId.group(1));
        }
        return ids;
    }

    private static List<String> ids(List<?> elements) {
        List<String> ids = new ArrayList<>();
        java.util.regex.Matcher actionId = java.util.regex.Pattern.compile("\"action_id\":\"([a-z_]+)\"")
                .matcher(GsonFactory.createSnakeCase().toJson(elements));
        while (actionId.find()) {
            ids.add(actionId.group(1));
        }
        return ids;
    }

    private static ActionItem item(State state) {
        return new ActionItem(1, "we should look for dead code", "f.txt/day-1/t", "Java in containers", "Day 1",
                "f.txt", 4, true, state, state == State.OPEN ? null : "U0ANN", null, null, List.of(), null, null, false,
                null, null);
    }

    private static Talk talk(String title) {
        return new Talk("f.txt/day-1/" + title, "f.txt", "CONF", "Day 1", 1, "09:00", title, null,
                List.of(new Bullet(1, Bullet.Kind.POINT, "a point", List.of(), 4)), 3, 4);
    }
}
