package qconbot.schedule;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import qconbot.Config;
import qconbot.FakeSlackApi;
import qconbot.Main;
import qconbot.SlackRequests;
import qconbot.TestBot;
import qconbot.metrics.Metrics;
import qconbot.slack.Announcer;
import qconbot.slack.SlackCalls;
import com.slack.api.methods.MethodsClient;
import qconbot.notes.NotesParser;
import qconbot.slack.SlackApp;
import qconbot.store.ActionItems;
import qconbot.store.DailyPosts;
import qconbot.store.Db;
import qconbot.store.Digests;
import qconbot.store.Talks;

import java.nio.file.Path;
import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The scheduled post, end to end: Quartz firing a fast cron, the fake Slack Web API over HTTP on 127.0.0.1. */
class TalkOfTheDayTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final String CHANNEL = "C0DIGEST";
    static final String EVERY_2_SECONDS = "*/2 * * * * ?";
    /** Fast retries, so a test of several failures takes seconds. */
    static final Duration FIRST_RETRY = Duration.ofMillis(100);

    @TempDir
    Path dir;
    FakeSlackApi slack;
    List<Main.Bot> bots = new ArrayList<>();

    @BeforeEach
    void fakeSlack() throws Exception {
        slack = new FakeSlackApi();
    }

    @AfterEach
    void stop() {
        bots.forEach(Main.Bot::close);
        slack.close();
    }

    /** The bot with the talk of the day on, at {@code cron} UTC, retrying fast. */
    private TestBot bot(String cron) throws Exception {
        return TestBot.with(dir, slack).set(Config.QCON_DIGEST_CHANNEL, CHANNEL).set(Config.QCON_DIGEST_CRON, cron)
                .dailyRetries(FIRST_RETRY, Duration.ofSeconds(2), Duration.ofSeconds(30));
    }

    private Main.Bot start(String cron) throws Exception {
        return start(cron, Clock.systemUTC());
    }

    private Main.Bot start(String cron, Clock clock) throws Exception {
        Main.Bot bot = bot(cron).clock(clock).start();
        bots.add(bot);
        return bot;
    }

    /**
     * A clock that runs from 08:00 UTC next Monday, whatever the real time: a weekday 09:30 slot has not come yet
     * "today" (run at 10:00 on a weekday, the bot would rightly catch up on this morning's post at start), and Quartz,
     * which fires by the real time, will not reach the next one during the test.
     */
    private static Clock mondayMorning() {
        Instant monday = ZonedDateTime.now(ZoneOffset.UTC).with(TemporalAdjusters.next(DayOfWeek.MONDAY))
                .truncatedTo(ChronoUnit.DAYS).withHour(8).toInstant();
        return Clock.offset(Clock.systemUTC(), Duration.between(Instant.now(), monday));
    }

    private void stopAll() {
        bots.forEach(Main.Bot::close);
        bots.clear();
    }

    /** The talk-of-the-day posts the fake received: slot (from the metadata) and first block. */
    private List<JsonNode> digestPosts() throws Exception {
        List<JsonNode> posts = new ArrayList<>();
        for (FakeSlackApi.Posted message : slack.posted()) {
            if (message.channel().equals(CHANNEL) && message.metadata() != null) {
                posts.add(JSON.readTree(message.metadata()).path("event_payload"));
            }
        }
        return posts;
    }

    private List<String> headers() throws Exception {
        List<String> titles = new ArrayList<>();
        for (FakeSlackApi.Call call : slack.calls("chat.postMessage")) {
            if (CHANNEL.equals(call.form().get("channel"))) {
                titles.add(JSON.readTree(call.form().get("blocks")).get(0).path("text").path("text").asText());
            }
        }
        return titles;
    }

    private void awaitPosts(int count, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (digestPosts().size() < count && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

    private static void assertEachSlotOnce(List<JsonNode> posts) {
        Set<String> slots = new HashSet<>();
        for (JsonNode post : posts) {
            assertTrue(slots.add(post.path("slot").asText()), "posted twice: " + post + " in " + posts);
        }
    }

    @Test
    void each_fire_time_posts_once_with_the_talk_title_as_header_and_no_repeats() throws Exception {
        start(EVERY_2_SECONDS);
        awaitPosts(3, Duration.ofSeconds(15));
        stopAll();

        List<JsonNode> posts = digestPosts();
        assertTrue(posts.size() >= 3, "posts: " + posts);
        assertEachSlotOnce(posts);
        List<String> titles = headers();
        assertEquals("keynote (Day 1)", titles.get(0), "the rotation starts with Day 1's keynote, named with its day");
        assertEquals(titles.size(), new HashSet<>(titles.subList(1, titles.size())).size() + 1, "no talk twice in a round: " + titles);
        JsonNode blocks = JSON.readTree(slack.calls("chat.postMessage").get(0).form().get("blocks"));
        assertEquals("header", blocks.get(0).path("type").asText());
        assertTrue(blocks.toString().contains("Action items:* 7 open · 0 claimed · 0 done"), "the digest follows: " + blocks);
    }

    @Test
    void a_restart_on_the_same_database_posts_no_fire_time_twice() throws Exception {
        start(EVERY_2_SECONDS);
        awaitPosts(2, Duration.ofSeconds(10));
        stopAll();
        int before = digestPosts().size();
        start(EVERY_2_SECONDS);
        awaitPosts(before + 2, Duration.ofSeconds(10));
        stopAll();

        List<JsonNode> posts = digestPosts();
        assertTrue(posts.size() >= before + 2, posts.toString());
        assertEachSlotOnce(posts);
        List<String> titles = headers();
        assertEquals(titles.size(), new HashSet<>(titles).size(), "the rotation went on across the restart: " + titles);
    }

    @Test
    void two_bots_on_one_database_file_post_each_fire_time_once() throws Exception {
        start(EVERY_2_SECONDS);
        start(EVERY_2_SECONDS);
        awaitPosts(4, Duration.ofSeconds(15));
        Thread.sleep(1000);
        stopAll();

        List<JsonNode> posts = digestPosts();
        assertTrue(posts.size() >= 4, posts.toString());
        assertEachSlotOnce(posts);
    }

    @Test
    void three_500s_and_two_429s_with_retry_after_still_end_in_exactly_one_post() throws Exception {
        slack.script("chat.postMessage",
                FakeSlackApi.Answer.status(500, Map.of()), FakeSlackApi.Answer.status(500, Map.of()),
                FakeSlackApi.Answer.status(500, Map.of()),
                FakeSlackApi.Answer.status(429, Map.of("Retry-After", "1")),
                FakeSlackApi.Answer.status(429, Map.of("Retry-After", "1")));
        ZonedDateTime soon = ZonedDateTime.now(ZoneId.of("UTC")).plusSeconds(3);
        Main.Bot bot = start(String.format("%d %d %d %d %d ? %d", soon.getSecond(), soon.getMinute(), soon.getHour(),
                soon.getDayOfMonth(), soon.getMonthValue(), soon.getYear()));
        awaitPosts(1, Duration.ofSeconds(20));
        Thread.sleep(500);

        System.out.println("--- what the fake Slack received ---");
        slack.methodsCalled().stream().filter(m -> !m.equals("auth.test")).forEach(System.out::println);
        assertEquals(1, digestPosts().size(), "one post reached the channel");
        assertEquals(6, slack.calls("chat.postMessage").size(), "five failures, then the post");
        List<FakeSlackApi.Call> history = slack.calls("conversations.history");
        assertEquals(3, history.size(), "after each 5xx it looked for a post that went through anyway");
        String health = new SlackRequests(bot.port()).get("/health").body();
        assertTrue(health.contains("\"lastResult\":\"posted\""), health);
    }

    @Test
    void a_post_slack_took_although_it_answered_500_is_not_posted_again() throws Exception {
        slack.script("chat.postMessage", new FakeSlackApi.Answer(500, "{\"ok\":false}", Map.of(), true));
        ZonedDateTime soon = ZonedDateTime.now(ZoneId.of("UTC")).plusSeconds(2);
        start(String.format("%d %d %d %d %d ? %d", soon.getSecond(), soon.getMinute(), soon.getHour(),
                soon.getDayOfMonth(), soon.getMonthValue(), soon.getYear()));
        awaitPosts(1, Duration.ofSeconds(10));
        Thread.sleep(1000);

        assertEquals(1, digestPosts().size());
        assertEquals(1, slack.calls("chat.postMessage").size(), "found in the channel's history instead");
    }

    @Test
    void a_permanent_error_gives_up_at_once_and_says_so() throws Exception {
        slack.script("chat.postMessage", FakeSlackApi.Answer.ok("{\"ok\":false,\"error\":\"not_in_channel\"}"));
        ZonedDateTime soon = ZonedDateTime.now(ZoneId.of("UTC")).plusSeconds(2);
        Main.Bot bot = start(String.format("%d %d %d %d %d ? %d", soon.getSecond(), soon.getMinute(), soon.getHour(),
                soon.getDayOfMonth(), soon.getMonthValue(), soon.getYear()));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        String health = "";
        while (!health.contains("\"givenUp\":1") && System.nanoTime() < deadline) {
            health = new SlackRequests(bot.port()).get("/health").body();
            Thread.sleep(100);
        }
        assertTrue(health.contains("\"lastResult\":\"failed\"") && health.contains("\"givenUp\":1"), health);
        assertEquals(1, slack.calls("chat.postMessage").size(), "not_in_channel will not mend by retrying");
    }

    private String command(Main.Bot bot, String text, String user) throws Exception {
        try (SlackRequests requests = new SlackRequests(bot.port())) {
            return SlackRequests.decoded(requests.command(text, user, slack.responseUrl("cmd")));
        }
    }

    @Test
    void schedule_today_and_digest_answer_from_the_same_schedule() throws Exception {
        Main.Bot bot = start("0 30 9 ? * MON-FRI", mondayMorning());

        String schedule = command(bot, "schedule", "U0ANN");
        assertTrue(schedule.contains("<#C0DIGEST>") && schedule.contains("at 09:30 every day between Monday and Friday")
                && schedule.contains("*Last post:* none yet") && schedule.contains("*Next:* <!date^"), schedule);
        String today = command(bot, "today", "U0ANN");
        assertTrue(today.contains("\"text\":\"keynote (Day 1)\"") && today.contains("Next talk of the day, due"), today);
        String digest = command(bot, "digest", "U0ANN");
        assertTrue(digest.contains("\"response_type\":\"ephemeral\"") && digest.contains("Preview of the post due")
                && digest.contains("Action items:* 7 open"), digest);
        assertEquals(0, slack.calls("chat.postMessage").size(), "previews post nothing");
    }

    @Test
    void post_now_is_for_admins_and_posts_the_next_talk_once() throws Exception {
        Main.Bot bot = start("0 30 9 ? * MON-FRI", mondayMorning());

        assertTrue(command(bot, "post-now", "U0ANN").contains("Only admins"));
        assertTrue(command(bot, "post-now", "U0ADMIN").contains("Posting the next talk of the day now"));
        JsonNode told = slack.await("respond/cmd", 1, FakeSlackApi.seconds(10)).get(0).json();
        assertTrue(told.path("text").asText().contains("Posted *keynote (Day 1)* to <#C0DIGEST>"), told.toString());
        assertEquals(1, digestPosts().size());
        String today = command(bot, "today", "U0ANN");
        assertTrue(today.contains("Today's talk of the day, posted"), today);
        assertTrue(command(bot, "schedule", "U0ANN").contains("*keynote (Day 1)*, posted"));
    }

    @Test
    void owners_of_quiet_claims_get_one_reminder_a_week_with_a_way_out() throws Exception {
        try (Db db = Db.open(dir.resolve("stale.db"))) {
            Instant now = Instant.parse("2026-11-26T09:30:00Z");
            TalkOfTheDay daily = direct(db, "0 30 9 ? * *", "UTC", now);
            new ActionItems(db, Clock.fixed(now.minus(Duration.ofDays(10)), ZoneId.of("UTC")), Set.of())
                    .act(1, ActionItems.Action.CLAIM, "U0ANN", null, null);

            daily.run(Schedule.parse("0 30 9 ? * *", "UTC").latestToday(now).orElseThrow());
            daily.remind();
            daily.remind();
            direct(db, "0 30 9 ? * *", "UTC", now.plus(Duration.ofDays(1))).remind();

            List<FakeSlackApi.Call> dms = slack.calls("chat.postMessage").stream()
                    .filter(call -> "U0ANN".equals(call.form().get("channel"))).toList();
            assertEquals(1, dms.size(), "one reminder a week, not one a look or a day");
            String reminder = dms.get(0).form().get("blocks");
            assertTrue(reminder.contains("item_done") && reminder.contains("item_unclaim") && reminder.contains("item_snooze"), reminder);
            String digest = slack.calls("chat.postMessage").get(0).form().get("blocks");
            assertTrue(digest.contains("Quiet for 7+ days") && digest.contains("A1"), digest);
        }
    }

    @Test
    void reminders_reach_each_owner_at_their_own_morning_on_working_days() throws Exception {
        slack.zone("U0ANN", "Europe/London").zone("U0BOB", "America/New_York").zone("U0DAN", "Europe/London");
        try (Db db = Db.open(dir.resolve("zones.db"))) {
            Instant thursday = Instant.parse("2026-11-26T09:35:00Z"); // 09:35 in London and UTC, 04:35 in New York
            direct(db, "0 30 9 ? * *", "UTC", thursday);
            ActionItems tenDaysAgo = new ActionItems(db, Clock.fixed(thursday.minus(Duration.ofDays(10)), ZoneId.of("UTC")), Set.of());
            tenDaysAgo.act(1, ActionItems.Action.CLAIM, "U0ANN", null, null);
            tenDaysAgo.act(2, ActionItems.Action.CLAIM, "U0BOB", null, null);
            tenDaysAgo.act(3, ActionItems.Action.CLAIM, "U0CAT", null, null); // no zone in Slack: the bot's, UTC

            direct(db, "0 30 9 ? * *", "UTC", thursday).remind();
            assertEquals(List.of("U0ANN", "U0CAT"), remindedInOrder(), "their 09:30; not Bob's (04:35)");
            direct(db, "0 30 9 ? * *", "UTC", thursday.plus(Duration.ofHours(5))).remind(); // 09:35 in New York
            assertEquals(List.of("U0ANN", "U0CAT", "U0BOB"), remindedInOrder());
            direct(db, "0 30 9 ? * *", "UTC", thursday.plus(Duration.ofHours(6))).remind();
            assertEquals(3, remindedInOrder().size(), "10:35 in New York: nobody");
            assertEquals(3, slack.calls("users.info").size(), "each zone looked up once and kept");

            tenDaysAgo.act(4, ActionItems.Action.CLAIM, "U0DAN", null, null);
            direct(db, "0 30 9 ? * *", "UTC", Instant.parse("2026-11-28T09:35:00Z")).remind(); // Saturday
            assertEquals(3, remindedInOrder().size(), "not at the weekend");
            direct(db, "0 30 9 ? * *", "UTC", Instant.parse("2026-11-30T09:35:00Z")).remind(); // Monday
            assertEquals(List.of("U0ANN", "U0CAT", "U0BOB", "U0DAN"), remindedInOrder(), "Monday morning; the others had theirs this week");
        }
    }

    @Test
    void without_users_read_reminders_go_at_the_configured_zones_morning_and_health_says_why() throws Exception {
        slack.script("users.info", FakeSlackApi.Answer.ok("{\"ok\":false,\"error\":\"missing_scope\",\"needed\":\"users:read\"}"),
                FakeSlackApi.Answer.ok("{\"ok\":false,\"error\":\"missing_scope\",\"needed\":\"users:read\"}"));
        try (Db db = Db.open(dir.resolve("scope.db"))) {
            Instant thursday = Instant.parse("2026-11-26T08:35:00Z"); // 09:35 in Paris, QCON_TIMEZONE here
            TalkOfTheDay daily = direct(db, "0 30 9 ? * *", "Europe/Paris", thursday);
            new ActionItems(db, Clock.fixed(thursday.minus(Duration.ofDays(10)), ZoneId.of("UTC")), Set.of())
                    .act(1, ActionItems.Action.CLAIM, "U0ANN", null, null);
            assertNull(daily.remindersProblem());
            daily.remind();
            assertEquals(List.of("U0ANN"), remindedInOrder(), "reminded at 09:30 in QCON_TIMEZONE, not skipped");
            assertTrue(daily.remindersProblem().contains("users:read") && daily.remindersProblem().contains("missing_scope"),
                    daily.remindersProblem());
            assertNull(new Digests(db, new ActionItems(db, Clock.systemUTC(), Set.of()), Clock.systemUTC(), 7).zoneOf("U0ANN"),
                    "nothing kept: asked again once the scope is granted");
        }
    }

    @Test
    void a_reminder_counts_as_sent_only_when_slack_took_the_dm() throws Exception {
        slack.script("chat.postMessage", FakeSlackApi.Answer.ok("{\"ok\":false,\"error\":\"cannot_dm_bot\"}"));
        try (Db db = Db.open(dir.resolve("failed-dm.db"))) {
            Instant thursday = Instant.parse("2026-11-26T09:30:00Z");
            TalkOfTheDay first = direct(db, "0 30 9 ? * *", "UTC", thursday);
            new ActionItems(db, Clock.fixed(thursday.minus(Duration.ofDays(10)), ZoneId.of("UTC")), Set.of())
                    .act(1, ActionItems.Action.CLAIM, "U0ANN", null, null);
            first.remind();
            assertEquals(1, slack.calls("chat.postMessage").size(), "tried once, refused");
            assertEquals(0, slack.posted().size());

            direct(db, "0 30 9 ? * *", "UTC", thursday.plus(Duration.ofMinutes(5))).remind(); // same morning, next look
            assertEquals(1, slack.posted().size(), "the week's reminder was not lost with the failed DM");
            direct(db, "0 30 9 ? * *", "UTC", thursday.plus(Duration.ofMinutes(10))).remind();
            assertEquals(1, slack.posted().size(), "and, sent, it counts: one a week");
        }
    }

    /** Who got a stale-claim reminder (a direct message: posted to a user id), in order. */
    private List<String> remindedInOrder() {
        return slack.calls("chat.postMessage").stream().map(call -> call.form().get("channel"))
                .filter(channel -> channel.startsWith("U")).toList();
    }

    // Without Quartz: the start-up policies, with a clock set where the test needs it.

    private TalkOfTheDay direct(Db db, String cron, String zone, Instant now) throws Exception {
        Talks talks = new Talks(db);
        talks.sync(NotesParser.readAll(TestBot.NOTES));
        Clock clock = Clock.fixed(now, ZoneId.of("UTC"));
        ActionItems items = new ActionItems(db, clock, Set.of());
        Metrics metrics = new Metrics();
        MethodsClient methods = SlackApp.slack(slack.apiUrl(), Duration.ofSeconds(10), metrics).methods("xoxb-test");
        SlackCalls calls = new SlackCalls(metrics);
        SlackCalls.Policy retries = new SlackCalls.Policy("talk_of_the_day", FIRST_RETRY, Duration.ofSeconds(1),
                Duration.ofSeconds(10), 0, SlackCalls.MaybeDone.CHECK_FIRST);
        return new TalkOfTheDay(new TalkOfTheDay.Settings(CHANNEL, Schedule.parse(cron, zone), retries),
                new DailyPosts(db, talks, clock), new Digests(db, items, clock, 7), talks, methods, calls,
                new Announcer(methods, calls), clock, metrics);
    }

    @Test
    void a_fire_time_missed_earlier_today_is_posted_once_at_start_up() throws Exception {
        try (Db db = Db.open(dir.resolve("catch-up.db"))) {
            TalkOfTheDay late = direct(db, "0 30 9 ? * *", "Europe/London", Instant.parse("2026-11-26T11:00:00Z"));
            late.catchUp();
            late.catchUp();

            List<JsonNode> posts = digestPosts();
            assertEquals(1, posts.size());
            assertEquals("2026-11-26T09:30 Europe/London", posts.get(0).path("slot").asText());
        }
    }

    @Test
    void yesterdays_missed_fire_time_is_not_posted() throws Exception {
        try (Db db = Db.open(dir.resolve("catch-up.db"))) {
            direct(db, "0 30 9 ? * *", "Europe/London", Instant.parse("2026-11-26T08:00:00Z")).catchUp();
            assertEquals(0, digestPosts().size());
        }
    }

    @Test
    void of_several_fire_times_missed_today_only_the_latest_is_posted() throws Exception {
        try (Db db = Db.open(dir.resolve("catch-up.db"))) {
            direct(db, "0 0 8,9,10 ? * *", "UTC", Instant.parse("2026-11-26T10:30:00Z")).catchUp();

            List<JsonNode> posts = digestPosts();
            assertEquals(1, posts.size());
            assertEquals("2026-11-26T10:00 UTC", posts.get(0).path("slot").asText());
        }
    }

    @Test
    void a_fire_time_in_the_skipped_or_repeated_hour_posts_once() throws Exception {
        try (Db db = Db.open(dir.resolve("dst.db"))) {
            // 2026-11-01 01:30 happens twice in New York; both instants are the same fire time.
            TalkOfTheDay fallBack = direct(db, "0 30 1 ? * *", "America/New_York", Instant.parse("2026-11-01T07:00:00Z"));
            Schedule schedule = Schedule.parse("0 30 1 ? * *", "America/New_York");
            Schedule.Slot first = schedule.next(Instant.parse("2026-11-01T04:00:00Z")).orElseThrow();
            fallBack.run(first);
            fallBack.run(new Schedule.Slot(first.local(), first.at().plusSeconds(3600), first.zone()));
            // 2026-03-08 02:30 does not exist in New York; it still fires, once, when the clocks have jumped.
            Schedule spring = Schedule.parse("0 30 2 ? * *", "America/New_York");
            Schedule.Slot skipped = spring.next(Instant.parse("2026-03-08T05:00:00Z")).orElseThrow();
            assertEquals(Instant.parse("2026-03-08T07:30:00Z"), skipped.at());
            direct(db, "0 30 2 ? * *", "America/New_York", Instant.parse("2026-03-08T08:00:00Z")).run(skipped);

            List<String> slots = digestPosts().stream().map(post -> post.path("slot").asText()).toList();
            assertEquals(List.of("2026-11-01T01:30 America/New_York", "2026-03-08T02:30 America/New_York"), slots);
        }
    }

    @Test
    void a_post_left_pending_by_a_stopped_bot_is_resumed_and_yesterdays_expires() throws Exception {
        try (Db db = Db.open(dir.resolve("pending.db"))) {
            Talks talks = new Talks(db);
            talks.sync(NotesParser.readAll(TestBot.NOTES));
            Clock then = Clock.fixed(Instant.parse("2026-11-25T09:30:00Z"), ZoneId.of("UTC"));
            DailyPosts crashed = new DailyPosts(db, talks, then);
            crashed.start("2026-11-25T09:30 UTC", Instant.parse("2026-11-25T09:30:00Z"), CHANNEL, "dead-bot", Duration.ofMinutes(2));
            crashed.start("2026-11-26T09:30 UTC", Instant.parse("2026-11-26T09:30:00Z"), CHANNEL, "dead-bot", Duration.ofMinutes(2));

            TalkOfTheDay restarted = direct(db, "0 30 9 ? * *", "UTC", Instant.parse("2026-11-26T10:00:00Z"));
            restarted.resumePending();
            restarted.catchUp();

            List<String> slots = digestPosts().stream().map(post -> post.path("slot").asText()).toList();
            assertEquals(List.of("2026-11-26T09:30 UTC"), slots);
            DailyPosts now = new DailyPosts(db, talks, Clock.systemUTC());
            assertEquals(DailyPosts.State.EXPIRED, now.find("2026-11-25T09:30 UTC").orElseThrow().state());
            assertEquals(DailyPosts.State.POSTED, now.find("2026-11-26T09:30 UTC").orElseThrow().state());
        }
    }
}
