package qconbot.store;

import qconbot.TestBot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import qconbot.notes.NotesParser;
import qconbot.store.ActionItems.Action;
import qconbot.store.ActionItems.Verdict;
import qconbot.store.ActionItems.Result;
import qconbot.store.ActionItems.State;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ActionItemsTest {

    static final String ANN = "U0ANN";
    static final String BOB = "U0BOB";
    static final String CAT = "U0CAT";
    static final String ADMIN = "U0ADMIN";
    static final long A1 = 1;

    @TempDir
    Path dir;

    /** The database under test; {@link ActionItemsOnPostgresTest} runs every test of this class on PostgreSQL. */
    Db open(Path file) throws java.sql.SQLException {
        return Db.open(file);
    }

    Talks talks(Db db) throws java.sql.SQLException {
        return new Talks(db);
    }
    Db db;
    ActionItems items;

    @BeforeEach
    void open() throws Exception {
        db = open(dir.resolve("qcon.db"));
        talks(db).sync(NotesParser.readAll(TestBot.NOTES));
        items = new ActionItems(db, Clock.fixed(Instant.parse("2026-11-26T09:30:00Z"), ZoneOffset.UTC), Set.of(ADMIN));
    }

    @AfterEach
    void close() throws Exception {
        db.close();
    }

    private Result act(Action action, String actor) throws Exception {
        return items.act(A1, action, actor, null, null);
    }

    @Test
    void every_internal_line_is_an_open_item_linked_to_its_talk() throws Exception {
        List<ActionItems.ActionItem> all = items.list(ActionItems.View.ALL, ANN);
        assertEquals(7, all.size());
        assertTrue(all.stream().allMatch(item -> item.state() == State.OPEN && item.owner() == null));
        ActionItems.ActionItem first = all.get(0);
        assertEquals("A1", first.ref());
        assertEquals("we should look for dead code", first.text());
        assertEquals("Java in containers", first.talkTitle());
        assertEquals("Day 3", first.day());
    }

    @Test
    void claim_makes_the_clicker_the_owner_and_writes_the_audit_trail() throws Exception {
        Result result = act(Action.CLAIM, ANN);

        assertEquals(Verdict.CHANGED, result.verdict());
        assertEquals(State.CLAIMED, result.item().state());
        assertEquals(ANN, result.item().owner());
        List<ActionItems.Change> history = items.history(A1);
        assertEquals(1, history.size());
        assertEquals(new ActionItems.Change(A1, Instant.parse("2026-11-26T09:30:00Z"), ANN, Action.CLAIM,
                State.OPEN, State.CLAIMED, null, ANN, null), history.get(0));
    }

    @Test
    void claim_on_an_item_someone_has_says_who_has_it_and_changes_nothing() throws Exception {
        act(Action.CLAIM, ANN);

        Result second = act(Action.CLAIM, BOB);
        assertEquals(Verdict.TAKEN, second.verdict());
        assertEquals(ANN, second.item().owner());
        assertEquals(Verdict.ALREADY, act(Action.CLAIM, ANN).verdict());
        assertEquals(1, items.history(A1).size());
    }

    @Test
    void only_owner_assigner_or_admin_may_unclaim_or_finish() throws Exception {
        items.act(A1, Action.ASSIGN, ANN, BOB, null);

        assertEquals(Verdict.NOT_ALLOWED, act(Action.UNCLAIM, CAT).verdict());
        assertEquals(Verdict.NOT_ALLOWED, act(Action.DONE, CAT).verdict());
        assertEquals(Verdict.NOT_ALLOWED, items.act(A1, Action.ASSIGN, CAT, CAT, null).verdict());
        assertEquals(BOB, items.get(A1).orElseThrow().owner(), "nothing changed");

        assertEquals(Verdict.CHANGED, act(Action.UNCLAIM, ANN).verdict(), "the assigner may");
        act(Action.CLAIM, BOB);
        assertEquals(Verdict.CHANGED, act(Action.UNCLAIM, BOB).verdict(), "the owner may");
        act(Action.CLAIM, BOB);
        assertEquals(Verdict.CHANGED, act(Action.DONE, ADMIN).verdict(), "an admin may");
        assertEquals(BOB, items.get(A1).orElseThrow().owner(), "done keeps who did it");
    }

    @Test
    void assign_gives_the_item_to_the_selected_user_and_remembers_who_assigned() throws Exception {
        Result result = items.act(A1, Action.ASSIGN, ANN, BOB, null);

        assertEquals(Verdict.CHANGED, result.verdict());
        assertEquals(BOB, result.item().owner());
        assertEquals(ANN, result.item().assignedBy());
        assertEquals(Verdict.ALREADY, items.act(A1, Action.ASSIGN, ANN, BOB, null).verdict());
    }

    @Test
    void done_items_refuse_changes_until_reopened_by_anyone() throws Exception {
        act(Action.DONE, ANN);
        assertEquals(ANN, items.get(A1).orElseThrow().owner(), "an unowned item finished is credited to who finished it");

        assertEquals(Verdict.IS_DONE, act(Action.CLAIM, BOB).verdict());
        assertEquals(Verdict.ALREADY, act(Action.DONE, BOB).verdict());
        Result reopened = act(Action.REOPEN, CAT);
        assertEquals(Verdict.CHANGED, reopened.verdict());
        assertEquals(State.OPEN, reopened.item().state());
        assertNull(reopened.item().owner());
        assertEquals(Verdict.ALREADY, act(Action.REOPEN, CAT).verdict());
        act(Action.CLAIM, BOB);
        assertEquals(Verdict.NOT_DONE, act(Action.REOPEN, CAT).verdict(), "reopen is no back door to unclaim");
    }

    @Test
    void done_with_an_outcome_keeps_it_on_the_item_and_in_the_audit_trail_and_reopen_clears_it() throws Exception {
        act(Action.CLAIM, BOB);
        Result done = items.act(A1, Action.DONE, BOB, null, "click:9",
                new ActionItems.Note("removed 4,000 lines of dead code", "https://github.com/acme/pay/pull/42"));

        assertEquals(Verdict.CHANGED, done.verdict());
        ActionItems.ActionItem item = items.get(A1).orElseThrow();
        assertEquals(new ActionItems.ItemOutcome("removed 4,000 lines of dead code", "https://github.com/acme/pay/pull/42",
                BOB, Instant.parse("2026-11-26T09:30:00Z")), item.outcome());
        assertEquals(BOB, item.closedBy());
        assertEquals(false, item.wontDo());
        assertEquals("removed 4,000 lines of dead code https://github.com/acme/pay/pull/42",
                items.history(A1).get(1).detail());

        assertEquals(Verdict.CHANGED, act(Action.REOPEN, CAT).verdict());
        item = items.get(A1).orElseThrow();
        assertNull(item.outcome(), "a reopened item has no outcome yet; the old one stays in its history");
        assertNull(item.closedBy());
        assertEquals(3, items.history(A1).size());
    }

    @Test
    void done_without_words_is_one_step_and_the_outcome_can_follow_from_the_owner_closer_or_an_admin() throws Exception {
        act(Action.CLAIM, BOB);
        items.act(A1, Action.ASSIGN, BOB, ANN, null);
        assertEquals(Verdict.CHANGED, items.act(A1, Action.DONE, BOB, null, null, new ActionItems.Note("", null)).verdict(),
                "Bob assigned it, so he may finish it");
        assertNull(items.get(A1).orElseThrow().outcome());

        ActionItems.Note said = new ActionItems.Note("we dropped the old reports", null);
        assertEquals(Verdict.NOT_ALLOWED, items.act(A1, Action.OUTCOME, CAT, null, null, said).verdict());
        assertNull(items.get(A1).orElseThrow().outcome(), "refused: nothing changed");
        assertEquals(Verdict.CHANGED, items.act(A1, Action.OUTCOME, ANN, null, null, said).verdict(), "the owner may");
        assertEquals(Verdict.CHANGED, items.act(A1, Action.OUTCOME, BOB, null, null,
                new ActionItems.Note("dropped the old reports, see the doc", "https://docs.example.com/r")).verdict(),
                "whoever closed it may change it");
        assertEquals(Verdict.CHANGED, items.act(A1, Action.OUTCOME, ADMIN, null, null, said).verdict(), "an admin may");
        assertEquals("we dropped the old reports", items.get(A1).orElseThrow().outcome().text());
        assertEquals(State.DONE, items.get(A1).orElseThrow().state(), "an outcome changes no state");
        assertEquals(List.of(Action.CLAIM, Action.ASSIGN, Action.DONE, Action.OUTCOME, Action.OUTCOME, Action.OUTCOME),
                items.history(A1).stream().map(ActionItems.Change::action).toList(), "every outcome is in the history");
    }

    @Test
    void an_outcome_is_for_a_closed_item_and_wont_do_closes_apart_from_done() throws Exception {
        ActionItems.Note why = new ActionItems.Note("we moved to the new platform", null);
        assertEquals(Verdict.NOT_DONE, items.act(A1, Action.OUTCOME, ANN, null, null, why).verdict());

        Result closed = items.act(A1, Action.WONT_DO, ANN, null, null, why);
        assertEquals(Verdict.CHANGED, closed.verdict());
        assertEquals(State.DONE, closed.item().state());
        assertEquals(true, closed.item().wontDo());
        assertEquals("we moved to the new platform", closed.item().outcome().text());
        assertEquals(Verdict.ALREADY, items.act(A1, Action.DONE, BOB, null, null).verdict());
        assertEquals(Verdict.CHANGED, act(Action.REOPEN, BOB).verdict(), "reopened like a done one");
        assertEquals(false, items.get(A1).orElseThrow().wontDo());
    }

    @Test
    void an_unknown_item_is_not_found() throws Exception {
        assertEquals(Verdict.NOT_FOUND, items.act(999, Action.CLAIM, ANN, null, null).verdict());
    }

    @Test
    void a_replayed_request_changes_nothing_twice() throws Exception {
        assertEquals(Verdict.CHANGED, items.act(A1, Action.CLAIM, ANN, null, "click:1").verdict());
        assertEquals(Verdict.CHANGED, items.act(A1, Action.UNCLAIM, ANN, null, "click:2").verdict());

        assertEquals(Verdict.DUPLICATE, items.act(A1, Action.CLAIM, ANN, null, "click:1").verdict());
        assertEquals(State.OPEN, items.get(A1).orElseThrow().state());
        assertEquals(2, items.history(A1).size());
    }

    @Test
    void twenty_people_claiming_at_once_leave_exactly_one_owner() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(20);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Result>> results = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String user = String.format("U%02dCLAIMER", i);
            results.add(pool.submit(() -> {
                start.await();
                return items.act(A1, Action.CLAIM, user, null, "click:" + user);
            }));
        }
        start.countDown();
        List<Result> done = new ArrayList<>();
        for (Future<Result> result : results) {
            done.add(result.get(30, TimeUnit.SECONDS));
        }
        pool.shutdown();

        List<Result> winners = done.stream().filter(Result::changed).toList();
        assertEquals(1, winners.size());
        String owner = winners.get(0).actor();
        assertTrue(done.stream().filter(r -> !r.changed()).allMatch(r -> r.verdict() == Verdict.TAKEN && owner.equals(r.item().owner())),
                "every loser is told who has it");
        assertEquals(owner, items.get(A1).orElseThrow().owner());
        assertEquals(1, items.history(A1).size());
    }

    @Test
    void two_processes_on_one_database_file_still_leave_one_owner() throws Exception {
        try (Db second = open(dir.resolve("qcon.db"))) {
            ActionItems other = new ActionItems(second, Clock.systemUTC(), Set.of());
            ExecutorService pool = Executors.newFixedThreadPool(2);
            CountDownLatch start = new CountDownLatch(1);
            Future<Result> mine = pool.submit(() -> { start.await(); return items.act(A1, Action.CLAIM, ANN, null, null); });
            Future<Result> theirs = pool.submit(() -> { start.await(); return other.act(A1, Action.CLAIM, BOB, null, null); });
            start.countDown();
            Result a = mine.get(30, TimeUnit.SECONDS);
            Result b = theirs.get(30, TimeUnit.SECONDS);
            pool.shutdown();

            assertTrue(a.changed() ^ b.changed(), a.verdict() + " / " + b.verdict());
            assertEquals(1, items.history(A1).size());
        }
    }

    @Test
    void replies_are_counted_once_per_event_with_distinct_people_and_the_latest_time() throws Exception {
        items.recordThread(A1, "C0TEAM", "1700000000.000100", "https://x.slack.com/archives/C0TEAM/p1700000000000100");

        assertTrue(items.recordReply("event:Ev1", "C0TEAM", "1700000000.000100", ANN, Instant.parse("2026-11-26T10:00:00Z")));
        assertTrue(items.recordReply("event:Ev3", "C0TEAM", "1700000000.000100", BOB, Instant.parse("2026-11-26T12:00:00Z")));
        assertTrue(items.recordReply("event:Ev2", "C0TEAM", "1700000000.000100", ANN, Instant.parse("2026-11-26T11:00:00Z")));
        assertFalse(items.recordReply("event:Ev1", "C0TEAM", "1700000000.000100", ANN, Instant.parse("2026-11-26T10:00:00Z")),
                "a retried event is not counted again");
        assertFalse(items.recordReply("event:Ev4", "C0TEAM", "1699999999.000001", ANN, Instant.now()), "not an item's thread");

        ActionItems.Thread thread = items.threadIn(A1, "C0TEAM").orElseThrow();
        assertEquals(3, thread.replies());
        assertEquals(List.of(ANN, BOB), thread.participants());
        assertEquals(Instant.parse("2026-11-26T12:00:00Z"), thread.lastReplyAt(), "out-of-order delivery keeps the latest");
        assertEquals(A1, items.itemForThread("C0TEAM", "1700000000.000100").orElseThrow());
    }

    @Test
    void a_discussion_is_recorded_once_per_item_and_channel() throws Exception {
        items.recordThread(A1, "C0TEAM", "1.1", null);
        ActionItems.Thread again = items.recordThread(A1, "C0TEAM", "2.2", null);

        assertEquals("1.1", again.ts(), "the first post stays the discussion");
        items.recordThread(A1, "C0OTHER", "3.3", null);
        assertEquals(2, items.get(A1).orElseThrow().threads().size());
    }

    @Test
    void upgrading_a_version_1_database_keeps_its_internal_lines_as_open_items() throws Exception {
        Path old = dir.resolve("old.db");
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + old);
             Statement statement = connection.createStatement()) {
            for (String sql : Db.statements("V1__notes.sql", false)) {
                statement.execute(sql);
            }
            statement.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)");
            statement.execute("INSERT INTO schema_version VALUES (1)");
            statement.execute("INSERT INTO talks (id, key, source, conference, day, day_number, title, first_line, last_line, position)"
                    + " VALUES (5, 'k', 'f.txt', 'C', 'Day 1', 1, 'T', 1, 2, 0)");
            statement.execute("INSERT INTO internal_lines (id, key, talk_id, text, line) VALUES (42, 'k#x', 5, 'do x', 2)");
        }
        try (Db upgraded = Db.open(old)) {
            assertEquals(Db.LATEST_VERSION, upgraded.schemaVersion());
            ActionItems.ActionItem item = new ActionItems(upgraded, Clock.systemUTC(), Set.of()).get(42).orElseThrow();
            assertEquals("do x", item.text());
            assertEquals(State.OPEN, item.state());
        }
    }
}
