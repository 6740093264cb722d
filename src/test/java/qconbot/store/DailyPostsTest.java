package qconbot.store;

import qconbot.TestBot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import qconbot.notes.Notes;
import qconbot.notes.NotesParser;
import qconbot.notes.Talk;
import qconbot.store.DailyPosts.Post;
import qconbot.store.DailyPosts.State;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DailyPostsTest {

    static final Path NOTES = TestBot.NOTES;
    static final String CHANNEL = "C0DIGEST";
    static final String BOT_A = "bot-a";
    static final String BOT_B = "bot-b";
    static final Duration LEASE = Duration.ofMinutes(2);
    static final Instant START = Instant.parse("2026-11-26T09:30:00Z");
    static final String FIRST_TALK = "qcon-2020.txt/day-1/keynote";
    static final int TALKS = 20;

        @TempDir
    Path dir;

    /** The database under test; {@link DailyPostsOnPostgresTest} runs every test of this class on PostgreSQL. */
    Db open(Path file) throws java.sql.SQLException {
        return Db.open(file);
    }

    Talks talks(Db db) throws java.sql.SQLException {
        return new Talks(db);
    }
    Db db;
    Talks talks;
    MutableClock clock;
    DailyPosts posts;

    @BeforeEach
    void open() throws Exception {
        db = open(dir.resolve("qcon.db"));
        talks = talks(db);
        talks.sync(NotesParser.readAll(NOTES));
        clock = new MutableClock(START);
        posts = new DailyPosts(db, talks, clock);
    }

    @AfterEach
    void close() throws Exception {
        db.close();
    }

    /** The fire time {@code day} days after 26 November 2026, 09:30 London. */
    private static String slot(int day) {
        return LocalDate.parse("2026-11-26").plusDays(day) + "T09:30 Europe/London";
    }

    private static Instant fireAt(int day) {
        return START.plus(Duration.ofDays(day));
    }

    private Post start(int day) throws Exception {
        return posts.start(slot(day), fireAt(day), CHANNEL, BOT_A, LEASE).orElseThrow();
    }

    /** Starts and posts {@code count} consecutive fire times from {@code firstDay}; the talk keys taken, in order. */
    private List<String> postDays(DailyPosts posts, int firstDay, int count) throws Exception {
        List<String> keys = new ArrayList<>();
        for (int day = firstDay; day < firstDay + count; day++) {
            Post post = posts.start(slot(day), fireAt(day), CHANNEL, BOT_A, LEASE).orElseThrow();
            posts.posted(post.slot(), "1700000000." + day);
            keys.add(post.talkKey());
        }
        return keys;
    }

    private List<String> agendaKeys() throws Exception {
        return talks.agenda().stream().map(Talk::key).toList();
    }

    private String leaseOwner(String slot) throws Exception {
        return column(slot, "lease_owner");
    }

    private String column(String slot, String column) throws Exception {
        return db.read(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT " + column + " FROM scheduled_posts WHERE slot = ?")) {
                select.setString(1, slot);
                try (ResultSet rows = select.executeQuery()) {
                    rows.next();
                    return rows.getString(1);
                }
            }
        });
    }

    // Recording a fire time

    @Test
    void start_records_a_pending_post_with_the_first_talk_leased_to_the_bot_that_started_it() throws Exception {
        Post post = start(0);

        assertEquals(slot(0), post.slot());
        assertEquals(fireAt(0), post.fireAt());
        assertEquals(CHANNEL, post.channel());
        assertEquals(State.PENDING, post.state());
        assertEquals(FIRST_TALK, post.talkKey());
        assertEquals("keynote (Day 1)", post.talkTitle(), "a keynote is named with its day");
        assertEquals(0, post.attempts());
        assertNull(post.ts());
        assertNull(post.finishedAt());
        assertEquals(BOT_A, leaseOwner(slot(0)));
        assertEquals(Db.time(START.plus(LEASE)), column(slot(0), "lease_until"));
        assertEquals(Optional.of(post), posts.find(slot(0)));
        assertEquals(List.of(post), posts.pending());
    }

    @Test
    void a_second_start_for_the_same_fire_time_gets_nothing_and_takes_no_talk() throws Exception {
        Post first = start(0);
        Talk next = posts.peekNext().orElseThrow();

        assertEquals(Optional.empty(), posts.start(slot(0), fireAt(0), CHANNEL, BOT_B, LEASE));

        assertEquals(next, posts.peekNext().orElseThrow(), "the rotation did not move");
        assertEquals(Optional.of(first), posts.find(slot(0)), "the first bot still holds it");
        assertEquals(BOT_A, leaseOwner(slot(0)));
    }

    @Test
    void a_fire_time_already_posted_is_not_started_again() throws Exception {
        start(0);
        posts.posted(slot(0), "1700000000.000100");

        assertEquals(Optional.empty(), posts.start(slot(0), fireAt(0), CHANNEL, BOT_A, LEASE));
        assertEquals("1700000000.000100", posts.find(slot(0)).orElseThrow().ts());
    }

    @Test
    void another_process_on_the_same_file_cannot_start_a_fire_time_already_recorded() throws Exception {
        Post first = start(0);

        try (Db other = open(dir.resolve("qcon.db"))) {
            DailyPosts otherPosts = new DailyPosts(other, talks(other), clock);

            assertEquals(Optional.empty(), otherPosts.start(slot(0), fireAt(0), CHANNEL, BOT_B, LEASE));
            assertEquals(Optional.of(first), otherPosts.find(slot(0)));
            assertEquals(posts.peekNext(), otherPosts.peekNext(), "both see the same next talk");
        }
    }

    @Test
    void two_processes_starting_the_same_fire_time_at_once_record_it_once() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (Db other = open(dir.resolve("qcon.db"))) {
            DailyPosts otherPosts = new DailyPosts(other, talks(other), clock);
            CountDownLatch go = new CountDownLatch(1);
            Callable<Optional<Post>> fromA = () -> {
                go.await();
                return posts.start(slot(0), fireAt(0), CHANNEL, BOT_A, LEASE);
            };
            Callable<Optional<Post>> fromB = () -> {
                go.await();
                return otherPosts.start(slot(0), fireAt(0), CHANNEL, BOT_B, LEASE);
            };
            Future<Optional<Post>> a = pool.submit(fromA);
            Future<Optional<Post>> b = pool.submit(fromB);
            go.countDown();

            int winners = (a.get(10, TimeUnit.SECONDS).isPresent() ? 1 : 0) + (b.get(10, TimeUnit.SECONDS).isPresent() ? 1 : 0);
            assertEquals(1, winners);
            assertEquals(FIRST_TALK, posts.find(slot(0)).orElseThrow().talkKey());
            assertEquals(agendaKeys().get(1), posts.peekNext().orElseThrow().key(), "one talk taken, not two");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void posted_records_the_message_ts_and_when() throws Exception {
        start(0);
        clock.advance(Duration.ofSeconds(3));

        posts.posted(slot(0), "1700000000.000100");

        Post post = posts.find(slot(0)).orElseThrow();
        assertEquals(State.POSTED, post.state());
        assertEquals("1700000000.000100", post.ts());
        assertEquals(START.plusSeconds(3), post.finishedAt());
        assertNull(post.error());
        assertNull(leaseOwner(slot(0)), "no bot holds a finished post");
        assertEquals(List.of(), posts.pending());
    }

    @Test
    void a_finished_post_stays_as_it_ended() throws Exception {
        start(0);
        posts.posted(slot(0), "1700000000.000100");

        posts.failed(slot(0), "channel_not_found");
        posts.expired(slot(0));
        posts.posted(slot(0), "1700000000.999999");

        Post post = posts.find(slot(0)).orElseThrow();
        assertEquals(State.POSTED, post.state());
        assertEquals("1700000000.000100", post.ts());
        assertNull(post.error());
    }

    @Test
    void start_with_no_talks_in_the_notes_records_nothing() throws Exception {
        talks.sync(List.of());

        assertEquals(Optional.empty(), posts.peekNext());
        assertEquals(Optional.empty(), posts.start(slot(0), fireAt(0), CHANNEL, BOT_A, LEASE));
        assertEquals(Optional.empty(), posts.find(slot(0)));
    }

    // The rotation

    @Test
    void twenty_fire_times_take_every_talk_once_in_agenda_order_and_the_next_starts_a_new_round() throws Exception {
        List<String> round = postDays(posts, 0, TALKS);

        assertEquals(TALKS, new HashSet<>(round).size(), "no talk twice: " + round);
        assertEquals(agendaKeys(), round);
        assertEquals(FIRST_TALK, round.get(0));
        assertEquals("qcon-2020.txt/day-1/decomposing-monoliths", round.get(1), "untimed talks after timed ones");
        assertEquals("qcon-2020.txt/day-3/microservices-at-monzo", round.get(TALKS - 1), "Day 3's last talk ends it");
        Talk first = talks.byKey(round.get(0)).orElseThrow();
        assertEquals("Day 1", first.day());
        assertEquals("09:00", first.time());

        List<String> nextRound = postDays(posts, TALKS, 2);
        assertEquals(round.subList(0, 2), nextRound, "the 21st starts the round again from the top");
    }

    @Test
    void a_fire_time_that_failed_still_moves_the_rotation_on() throws Exception {
        Post failed = start(0);
        posts.failed(slot(0), "not_in_channel");

        Post next = start(1);

        assertNotEquals(failed.talkKey(), next.talkKey());
        assertEquals(agendaKeys().get(1), next.talkKey());
    }

    @Test
    void the_rotation_carries_on_where_it_was_after_a_restart() throws Exception {
        List<String> before = postDays(posts, 0, 5);
        db.close();

        db = open(dir.resolve("qcon.db"));
        talks = talks(db);
        talks.sync(NotesParser.readAll(NOTES));
        DailyPosts afterRestart = new DailyPosts(db, talks, clock);
        List<String> after = postDays(afterRestart, 5, TALKS - 5);

        List<String> round = new ArrayList<>(before);
        round.addAll(after);
        assertEquals(agendaKeys(), round, "one round, in agenda order, across the restart");
        assertEquals(FIRST_TALK, afterRestart.peekNext().orElseThrow().key());
    }

    @Test
    void a_talk_added_to_the_notes_mid_round_is_posted_before_any_talk_repeats() throws Exception {
        List<String> keys = new ArrayList<>(postDays(posts, 0, 5));
        String text = Files.readString(NOTES.resolve("qcon-2020.txt")) + """

                Day 4
                --------------
                0900 closing keynote:
                - Jane Doe
                - added after the round began
                """;
        Notes edited = NotesParser.parse("qcon-2020.txt", text);
        assertEquals(TALKS + 1, edited.talks().size());
        talks.sync(List.of(edited));

        keys.addAll(postDays(posts, 5, TALKS + 1 - 5));

        assertEquals(TALKS + 1, new HashSet<>(keys).size(), "21 fire times, 21 different talks: " + keys);
        assertEquals("qcon-2020.txt/day-4/closing-keynote", keys.get(TALKS), "in agenda order: Day 4 comes last");
        assertEquals(FIRST_TALK, posts.peekNext().orElseThrow().key(), "only now does a talk come round again");
    }

    @Test
    void a_talk_added_early_in_the_agenda_mid_round_comes_next_and_leads_the_following_round() throws Exception {
        assertEquals(List.of(FIRST_TALK), postDays(posts, 0, 1));
        String text = Files.readString(NOTES.resolve("qcon-2020.txt")).replace("0900 keynote:\n- cheetah", """
                0800 breakfast briefing:
                - added after the round began

                0900 keynote:
                - cheetah""");
        Notes edited = NotesParser.parse("qcon-2020.txt", text);
        assertEquals(TALKS + 1, edited.talks().size(), edited.warnings().toString());
        talks.sync(List.of(edited));
        String added = "qcon-2020.txt/day-1/breakfast-briefing";
        assertEquals(added, agendaKeys().get(0));

        List<String> restOfRound = postDays(posts, 1, TALKS);
        List<String> nextRound = postDays(posts, 1 + TALKS, TALKS + 1);

        assertEquals(added, restOfRound.get(0), "the earliest talk not yet posted this round");
        assertEquals(TALKS, new HashSet<>(restOfRound).size());
        assertFalse(restOfRound.contains(FIRST_TALK), "no repeat within the round");
        assertEquals(agendaKeys(), nextRound, "a new round is in agenda order, not in the order of the last one");
    }

    @Test
    void a_talk_gone_from_the_notes_is_left_out_of_the_rotation() throws Exception {
        postDays(posts, 0, 1);
        String text = Files.readString(NOTES.resolve("qcon-2020.txt"));
        // Drop Day 1's second talk (the next in the rotation) by renaming its header: a new key, an old one gone.
        String second = agendaKeys().get(1);
        String edited = text.replace("Decomposing monoliths:", "Decomposing monoliths, revisited:");
        talks.sync(List.of(NotesParser.parse("qcon-2020.txt", edited)));

        List<String> rest = postDays(posts, 1, TALKS - 1);

        assertTrue(rest.stream().noneMatch(second::equals), rest.toString());
        assertTrue(rest.contains("qcon-2020.txt/day-1/decomposing-monoliths-revisited"), rest.toString());
        assertEquals(TALKS - 1, new HashSet<>(rest).size());
    }

    @Test
    void peek_next_shows_the_talk_the_next_start_takes_without_taking_it() throws Exception {
        postDays(posts, 0, 3);

        Talk peeked = posts.peekNext().orElseThrow();
        assertEquals(peeked, posts.peekNext().orElseThrow(), "peeking twice shows the same talk");
        assertEquals(agendaKeys().get(3), peeked.key());

        assertEquals(peeked.key(), start(3).talkKey());
        assertEquals(agendaKeys().get(4), posts.peekNext().orElseThrow().key());
    }

    // Leases

    @Test
    void another_bot_cannot_take_over_a_pending_post_until_its_lease_runs_out() throws Exception {
        start(0);

        assertEquals(Optional.empty(), posts.takeOver(slot(0), BOT_B, LEASE));
        clock.advance(LEASE);
        assertEquals(Optional.empty(), posts.takeOver(slot(0), BOT_B, LEASE), "not at the very end of the lease");
        assertEquals(BOT_A, leaseOwner(slot(0)));

        clock.advance(Duration.ofSeconds(1));
        Post taken = posts.takeOver(slot(0), BOT_B, LEASE).orElseThrow();

        assertEquals(State.PENDING, taken.state());
        assertEquals(FIRST_TALK, taken.talkKey(), "the same talk: taking over does not rotate");
        assertEquals(BOT_B, leaseOwner(slot(0)));
        assertEquals(Optional.empty(), posts.takeOver(slot(0), BOT_A, LEASE), "now bot B holds a fresh lease");
    }

    @Test
    void the_bot_holding_the_lease_may_take_it_again_to_renew_it() throws Exception {
        start(0);
        clock.advance(Duration.ofMinutes(1));

        assertTrue(posts.takeOver(slot(0), BOT_A, LEASE).isPresent());

        assertEquals(Db.time(START.plus(Duration.ofMinutes(1)).plus(LEASE)), column(slot(0), "lease_until"));
    }

    @Test
    void release_lets_another_bot_take_over_at_once() throws Exception {
        start(0);
        posts.release(slot(0), BOT_B);
        assertEquals(Optional.empty(), posts.takeOver(slot(0), BOT_B, LEASE), "only the holder can release");

        posts.release(slot(0), BOT_A);

        assertTrue(posts.takeOver(slot(0), BOT_B, LEASE).isPresent());
        assertEquals(BOT_B, leaseOwner(slot(0)));
    }

    @Test
    void a_finished_post_cannot_be_taken_over() throws Exception {
        start(0);
        posts.failed(slot(0), "not_in_channel");
        clock.advance(Duration.ofHours(1));

        assertEquals(Optional.empty(), posts.takeOver(slot(0), BOT_B, LEASE));
        assertEquals(State.FAILED, posts.find(slot(0)).orElseThrow().state());
    }

    @Test
    void attempted_counts_attempts_keeps_the_error_and_extends_the_lease() throws Exception {
        start(0);
        clock.advance(Duration.ofMinutes(1));

        posts.attempted(slot(0), BOT_A, Duration.ofMinutes(5), "HTTP 503");
        posts.attempted(slot(0), BOT_A, Duration.ofMinutes(5), "ratelimited");

        Post post = posts.find(slot(0)).orElseThrow();
        assertEquals(2, post.attempts());
        assertEquals("ratelimited", post.error());
        assertEquals(State.PENDING, post.state());
        clock.advance(Duration.ofMinutes(3));
        assertEquals(Optional.empty(), posts.takeOver(slot(0), BOT_B, LEASE), "past the first lease, inside the new one");
        clock.advance(Duration.ofMinutes(3));
        assertTrue(posts.takeOver(slot(0), BOT_B, LEASE).isPresent());
    }

    @Test
    void attempted_by_a_bot_that_lost_the_lease_changes_nothing() throws Exception {
        start(0);
        clock.advance(LEASE.plusSeconds(1));
        posts.takeOver(slot(0), BOT_B, LEASE).orElseThrow();

        posts.attempted(slot(0), BOT_A, Duration.ofHours(1), "HTTP 503");

        Post post = posts.find(slot(0)).orElseThrow();
        assertEquals(0, post.attempts());
        assertNull(post.error());
        assertEquals(BOT_B, leaseOwner(slot(0)));
    }

    @Test
    void failed_and_expired_end_a_post_with_its_error() throws Exception {
        start(0);
        start(1);
        start(2);
        clock.advance(Duration.ofMinutes(10));

        posts.failed(slot(0), "not_in_channel");
        posts.expired(slot(1));

        Post failed = posts.find(slot(0)).orElseThrow();
        assertEquals(State.FAILED, failed.state());
        assertEquals("not_in_channel", failed.error());
        assertEquals(START.plus(Duration.ofMinutes(10)), failed.finishedAt());
        assertNull(failed.ts());
        Post expired = posts.find(slot(1)).orElseThrow();
        assertEquals(State.EXPIRED, expired.state());
        assertEquals("not posted before its day ended", expired.error());
        assertEquals(List.of(slot(2)), posts.pending().stream().map(Post::slot).toList());
    }

    @Test
    void pending_lists_unfinished_posts_oldest_fire_time_first() throws Exception {
        posts.start(slot(5), fireAt(5), CHANNEL, BOT_A, LEASE).orElseThrow();
        posts.start(slot(1), fireAt(1), CHANNEL, BOT_A, LEASE).orElseThrow();
        posts.start(slot(3), fireAt(3), CHANNEL, BOT_A, LEASE).orElseThrow();
        posts.posted(slot(3), "1700000000.000300");

        assertEquals(List.of(slot(1), slot(5)), posts.pending().stream().map(Post::slot).toList());
    }

    // Looking back

    @Test
    void last_finished_last_posted_and_posted_between_pick_the_right_posts() throws Exception {
        assertEquals(Optional.empty(), posts.lastFinished());
        assertEquals(Optional.empty(), posts.lastPosted());

        start(0);
        clock.advance(Duration.ofMinutes(1));
        posts.posted(slot(0), "1700000000.000000");
        clock.advance(Duration.ofDays(1));
        start(1);
        clock.advance(Duration.ofMinutes(1));
        posts.posted(slot(1), "1700000000.000001");
        clock.advance(Duration.ofDays(1));
        start(2);
        clock.advance(Duration.ofMinutes(1));
        posts.failed(slot(2), "not_in_channel");
        clock.advance(Duration.ofDays(1));
        start(3);

        assertEquals(slot(2), posts.lastFinished().orElseThrow().slot(), "failed counts as finished");
        assertEquals(slot(1), posts.lastPosted().orElseThrow().slot(), "only posted ones count as posted");
        assertEquals(slot(0), posts.postedBetween(fireAt(0), fireAt(1)).orElseThrow().slot(), "from inclusive, to exclusive");
        assertEquals(slot(1), posts.postedBetween(fireAt(0), fireAt(3)).orElseThrow().slot(), "the newest in range");
        assertEquals(Optional.empty(), posts.postedBetween(fireAt(2), fireAt(4)), "failed and pending are not posted");
        assertEquals(Optional.empty(), posts.postedBetween(fireAt(0).plusSeconds(1), fireAt(1)));
    }
}
