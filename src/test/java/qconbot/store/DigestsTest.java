package qconbot.store;

import qconbot.TestBot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import qconbot.notes.NotesParser;
import qconbot.store.ActionItems.Action;
import qconbot.store.ActionItems.ActionItem;
import qconbot.store.ActionItems.Verdict;
import qconbot.store.Digests.Digest;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DigestsTest {

    static final String ANN = "U0ANN";
    static final String BOB = "U0BOB";
    static final String CAT = "U0CAT";
    static final String ADMIN = "U0ADMIN";
    static final String CHANNEL = "C0TEAM";
    static final int STALE_DAYS = 10;
    static final Instant START = Instant.parse("2026-11-26T09:30:00Z");

        @TempDir
    Path dir;

    /** The database under test; {@link DigestsOnPostgresTest} runs every test of this class on PostgreSQL. */
    Db open(Path file) throws java.sql.SQLException {
        return Db.open(file);
    }

    Talks talks(Db db) throws java.sql.SQLException {
        return new Talks(db);
    }
    Db db;
    MutableClock clock;
    ActionItems items;
    Digests digests;
    int events;

    @BeforeEach
    void open() throws Exception {
        db = open(dir.resolve("qcon.db"));
        talks(db).sync(NotesParser.readAll(TestBot.NOTES));
        clock = new MutableClock(START);
        items = new ActionItems(db, clock, Set.of(ADMIN));
        digests = new Digests(db, items, clock, STALE_DAYS);
    }

    @AfterEach
    void close() throws Exception {
        db.close();
    }

    private void act(long id, Action action, String actor) throws Exception {
        assertEquals(Verdict.CHANGED, items.act(id, action, actor, null, null).verdict(), action + " A" + id);
    }

    private void assign(long id, String actor, String assignee) throws Exception {
        assertEquals(Verdict.CHANGED, items.act(id, Action.ASSIGN, actor, assignee, null).verdict(), "assign A" + id);
    }

    /** Posts item {@code id} for discussion in {@code channel}; returns the thread's ts. */
    private String discuss(long id, String channel) throws Exception {
        String ts = "1700000000.00" + id + channel.length();
        items.recordThread(id, channel, ts, "https://example.slack.com/archives/" + channel + "/p" + id);
        return ts;
    }

    private void reply(long id, String channel, String user, Instant at) throws Exception {
        String ts = items.threadIn(id, channel).orElseThrow().ts();
        assertTrue(items.recordReply("event-" + ++events, channel, ts, user, at));
    }

    private static List<String> refs(List<ActionItem> list) {
        return list.stream().map(ActionItem::ref).toList();
    }

    // Counts

    @Test
    void counts_follow_claims_assignments_and_completions() throws Exception {
        Digest before = digests.build(null);
        assertEquals(List.of(7, 0, 0), List.of(before.open(), before.claimed(), before.done()));

        act(1, Action.CLAIM, ANN);
        assign(2, ANN, BOB);
        act(3, Action.DONE, CAT);
        act(4, Action.CLAIM, BOB);
        act(4, Action.DONE, BOB);
        act(5, Action.CLAIM, CAT);
        act(5, Action.UNCLAIM, CAT);

        Digest after = digests.build(null);
        assertEquals(3, after.open());
        assertEquals(2, after.claimed());
        assertEquals(2, after.done());
    }

    @Test
    void counts_leave_out_items_gone_from_the_notes_unless_someone_still_has_them() throws Exception {
        act(1, Action.CLAIM, ANN);
        act(2, Action.DONE, ANN);

        talks(db).sync(List.of());

        Digest digest = digests.build(null);
        assertEquals(List.of(0, 1, 0), List.of(digest.open(), digest.claimed(), digest.done()));
    }

    // Replies

    @Test
    void new_replies_lists_items_whose_thread_had_a_reply_since_the_last_digest() throws Exception {
        Instant since = START.plus(Duration.ofDays(1));
        discuss(1, CHANNEL);
        discuss(2, CHANNEL);
        discuss(3, CHANNEL);
        reply(1, CHANNEL, CAT, since.plus(Duration.ofHours(1)));
        reply(2, CHANNEL, CAT, since.minus(Duration.ofHours(1)));

        Digest digest = digests.build(since);

        assertEquals(List.of("A1"), refs(digest.newReplies()), "A2's reply is older, A3 has none");
        assertEquals(since, digest.since());
    }

    @Test
    void new_replies_with_no_earlier_digest_lists_every_item_with_a_reply() throws Exception {
        discuss(1, CHANNEL);
        discuss(2, CHANNEL);
        discuss(3, CHANNEL);
        reply(2, CHANNEL, CAT, START.minus(Duration.ofDays(30)));
        reply(1, CHANNEL, BOB, START);

        Digest digest = digests.build(null);

        assertEquals(List.of("A1", "A2"), refs(digest.newReplies()));
        assertNull(digest.since());
    }

    @Test
    void an_item_discussed_in_two_channels_is_listed_once() throws Exception {
        discuss(1, CHANNEL);
        discuss(1, "C0OTHER");
        reply(1, CHANNEL, CAT, START.plusSeconds(10));
        reply(1, "C0OTHER", BOB, START.plusSeconds(20));

        assertEquals(List.of("A1"), refs(digests.build(START).newReplies()));
    }

    // Done

    @Test
    void done_since_lists_items_finished_after_the_last_digest_and_still_done() throws Exception {
        act(1, Action.DONE, ANN);
        clock.advance(Duration.ofHours(1));
        Instant since = clock.instant();
        clock.advance(Duration.ofHours(1));
        act(2, Action.DONE, BOB);
        act(3, Action.DONE, BOB);
        act(3, Action.REOPEN, CAT);
        act(4, Action.DONE, BOB);
        act(4, Action.REOPEN, CAT);
        act(4, Action.CLAIM, CAT);
        act(4, Action.DONE, CAT);

        assertEquals(List.of("A2", "A4"), refs(digests.build(since).doneSince()), "A1 before, A3 reopened");
        assertEquals(List.of("A1", "A2", "A4"), refs(digests.build(null).doneSince()));
    }

    // Stale claims

    @Test
    void a_claim_with_no_thread_activity_goes_stale_after_the_stale_period() throws Exception {
        act(1, Action.CLAIM, ANN);
        assign(2, ANN, BOB);
        clock.advance(Duration.ofDays(5));
        act(3, Action.CLAIM, ANN);
        act(4, Action.DONE, ANN);

        clock.advance(Duration.ofDays(STALE_DAYS - 5));
        assertEquals(List.of(), refs(digests.stale()), "exactly the stale period is not yet stale");

        clock.advance(Duration.ofSeconds(1));
        assertEquals(List.of("A1", "A2"), refs(digests.stale()), "A3 is younger, A4 done, the rest open");
        assertEquals(List.of("A1", "A2"), refs(digests.build(null).stale()));
    }

    @Test
    void a_recent_reply_in_the_items_thread_keeps_a_claim_fresh() throws Exception {
        act(1, Action.CLAIM, ANN);
        act(2, Action.CLAIM, ANN);
        discuss(1, CHANNEL);
        discuss(2, CHANNEL);
        reply(1, CHANNEL, CAT, START.plus(Duration.ofDays(STALE_DAYS - 1)));
        reply(2, CHANNEL, CAT, START.plus(Duration.ofHours(1)));

        clock.advance(Duration.ofDays(STALE_DAYS).plusHours(2));

        assertEquals(List.of("A2"), refs(digests.stale()), "A2's only reply is older than the stale period");
    }

    @Test
    void a_claim_that_changed_hands_recently_is_not_stale() throws Exception {
        act(1, Action.CLAIM, ANN);
        clock.advance(Duration.ofDays(STALE_DAYS + 1));
        assign(1, ANN, BOB);

        assertEquals(List.of(), refs(digests.stale()));
    }

    @Test
    void the_owner_snoozing_a_stale_claim_leaves_it_out_for_a_week() throws Exception {
        act(1, Action.CLAIM, ANN);
        act(2, Action.CLAIM, ANN);
        clock.advance(Duration.ofDays(STALE_DAYS + 1));

        assertTrue(digests.snooze(1, ANN));

        assertEquals(List.of("A2"), refs(digests.stale()));
        clock.advance(Digests.SNOOZE.minusSeconds(1));
        assertEquals(List.of("A2"), refs(digests.stale()), "still snoozed");
        clock.advance(Duration.ofSeconds(1));
        assertEquals(List.of("A1", "A2"), refs(digests.stale()), "the snooze ran out");
    }

    @Test
    void only_the_owner_or_an_admin_may_snooze() throws Exception {
        assign(1, ANN, BOB);
        clock.advance(Duration.ofDays(STALE_DAYS + 1));

        assertFalse(digests.snooze(1, CAT), "someone else");
        assertFalse(digests.snooze(1, ANN), "whoever assigned it");
        assertFalse(digests.snooze(2, ANN), "an open item has no owner to snooze it");
        assertFalse(digests.snooze(99, ADMIN), "no such item");
        assertEquals(List.of("A1"), refs(digests.stale()), "nothing was snoozed");

        assertTrue(digests.snooze(1, ADMIN));
        assertEquals(List.of(), refs(digests.stale()));
    }

    @Test
    void stale_claims_are_grouped_by_owner() throws Exception {
        act(1, Action.CLAIM, ANN);
        assign(2, ANN, BOB);
        act(3, Action.CLAIM, ANN);
        act(4, Action.CLAIM, CAT);
        clock.advance(Duration.ofDays(STALE_DAYS + 1));
        assertTrue(digests.snooze(4, CAT));

        Map<String, List<String>> byOwner = new LinkedHashMap<>();
        digests.staleByOwner().forEach((owner, stale) -> byOwner.put(owner, refs(stale)));

        assertEquals(Map.of(ANN, List.of("A1", "A3"), BOB, List.of("A2")), byOwner);
    }

    // Weekly reminders

    @Test
    void a_reminder_is_taken_at_most_once_a_week_for_each_person() throws Exception {
        assertNotNull(digests.takeReminder(ANN));
        assertNull(digests.takeReminder(ANN), "same moment");
        assertNotNull(digests.takeReminder(BOB), "each person has their own week");

        clock.advance(Digests.REMINDER_EVERY.minus(Digests.REMINDER_GRACE).minusSeconds(1));
        assertNull(digests.takeReminder(ANN), "a second short of a week (less the few minutes a morning's look may vary)");

        clock.advance(Duration.ofSeconds(1));
        assertNotNull(digests.takeReminder(ANN), "a week on");
        assertNull(digests.takeReminder(ANN), "and the week starts again");
    }

    @Test
    void reminders_are_remembered_across_a_restart() throws Exception {
        assertNotNull(digests.takeReminder(ANN));
        db.close();

        db = open(dir.resolve("qcon.db"));
        items = new ActionItems(db, clock, Set.of(ADMIN));
        digests = new Digests(db, items, clock, STALE_DAYS);

        assertNull(digests.takeReminder(ANN));
    }
}
