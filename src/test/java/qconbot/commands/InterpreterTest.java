package qconbot.commands;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import qconbot.TestBot;
import qconbot.store.ActionItems;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The three ways of asking, typed, said in an item's thread and clicked, are one request to one interpreter: the
 * same rules decide, the same sentences answer, the same audit trail records. On a real database, without Slack.
 */
class InterpreterTest {

    static final String ANN = "U0ANN";
    static final String BOB = "U0BOB";
    static final String CAT = "U0CAT";
    static final String THREAD = "1700000000.000100";

    @TempDir
    Path dir;
    TestBot.Offline bot;

    @BeforeEach
    void open() throws Exception {
        bot = TestBot.offline(dir);
        bot.items.recordThread(1, "C0TEAM", THREAD, null); // A1 is discussed in #team
    }

    @AfterEach
    void close() {
        bot.close();
    }

    Answer typed(String text, String user) throws Exception {
        return bot.interpreter.handle(Request.command(text, user, "C0TEAM", "command:" + user + text));
    }

    Answer said(String words, String user) throws Exception {
        return bot.interpreter.handle(Request.mention(words, user, "C0TEAM", THREAD, "event:" + user + words));
    }

    Answer clicked(String actionId, String picked, String user) throws Exception {
        return bot.interpreter.handle(Request.click(actionId, "1", "item:1:outstanding", picked, user, "C0TEAM", List.of(),
                "click:" + user + actionId));
    }

    /** Where a change is announced: the threads' ts, or the user a direct message goes to. */
    static List<String> announced(Answer answer) {
        return answer.find(Answer.Announce.class).orElseThrow().posts().stream()
                .map(post -> post.threadTs() != null ? post.threadTs() : post.channel()).toList();
    }

    @Test
    void a_claim_typed_said_in_the_thread_or_clicked_meets_the_same_rule_and_sentence() throws Exception {
        Answer first = said("claim", ANN);
        assertNull(first.reply(), "a change in a thread is answered by its announcement there");
        assertEquals(List.of(THREAD), first.find(Answer.Announce.class).orElseThrow().posts().stream()
                .map(Answer.Post::threadTs).toList(), "announced in the item's thread");

        String taken = "A1 is claimed by <@U0ANN>. Ask them, or pick another item.";
        assertEquals(taken, typed("claim A1", BOB).reply().text());
        assertEquals(taken, said("claim", BOB).reply().text());
        Answer click = clicked("item_claim", null, BOB);
        assertEquals(taken, click.reply().text());
        assertInstanceOf(Answer.Privately.class, click.shown(), "a refused click is explained");
        assertTrue(click.find(Answer.Redraw.class).orElseThrow().message().blocks().toString().contains("claimed by <@U0ANN>"),
                "and the list redrawn");

        assertEquals(1, bot.items.history(1).size(), "one change in the audit trail");
    }

    @Test
    void assign_takes_the_mention_typed_said_or_picked() throws Exception {
        assertEquals(List.of(THREAD, BOB), announced(typed("assign A1 <@U0BOB|bob>", ANN)), "in the thread, and to Bob");
        assertEquals(List.of(THREAD, CAT), announced(said("assign <@U0CAT>", BOB)));
        assertEquals(List.of(THREAD, ANN), announced(clicked("item_assign", ANN, CAT)));

        assertEquals(List.of(BOB, CAT, ANN), bot.items.history(1).stream().map(ActionItems.Change::toOwner).toList());
        assertEquals("Whom to? Say `assign @someone`.", said("assign", CAT).reply().text());
        assertEquals(Answer.NOTHING, clicked("item_assign", null, "U0DAN"), "no one picked: nothing to do");
    }

    @Test
    void a_replayed_mention_or_click_changes_and_says_nothing_twice() throws Exception {
        said("done", ANN);
        assertEquals(Answer.NOTHING, said("done", ANN));
        assertInstanceOf(Answer.InThread.class, said("status", CAT).shown());
        assertEquals(Answer.NOTHING, said("status", CAT), "status once per event");
        clicked("item_reopen", null, BOB);
        assertEquals(Answer.NOTHING, clicked("item_reopen", null, BOB));
        assertEquals(2, bot.items.history(1).size());
    }

    @Test
    void a_reload_that_takes_longer_than_a_request_may_is_acknowledged_and_answered_when_done() throws Exception {
        try (TestBot.Offline slow = TestBot.offline(java.nio.file.Files.createDirectories(dir.resolve("slow")), java.time.Duration.ZERO)) {
            Answer answer = slow.interpreter.handle(Request.command("reload", TestBot.ADMIN, "C0TEAM", "command:r"));

            assertEquals("Reading the notes is taking a while; I will post the result here when it is done.", answer.reply().text());
            assertTrue(answer.find(Answer.Later.class).orElseThrow().work().call().text().startsWith("Reloaded the notes: 1 file, 20 talks, 7 action items"));
        }
        Answer quick = bot.interpreter.handle(Request.command("reload", TestBot.ADMIN, "C0TEAM", "command:q"));
        assertTrue(quick.reply().text().startsWith("Reloaded the notes: 1 file, 20 talks"), "answered in the ack when quick");
        assertTrue(quick.find(Answer.Later.class).isEmpty());
    }

    @Test
    void outside_an_items_thread_a_mention_says_where_it_works_and_unknown_words_get_the_verbs() throws Exception {
        Answer elsewhere = bot.interpreter.handle(Request.mention("claim", ANN, "C0TEAM", null, "event:x"));
        assertTrue(elsewhere.reply().text().startsWith("I act on action items inside their discussion threads"));
        assertEquals("I know `claim`, `reopen`, `done [what came of it]`, `wontdo <why>`, `outcome <what came of it>`,"
                        + " `unclaim`, `assign @someone` and `status`.",
                said("dance", ANN).reply().text());
    }
}
