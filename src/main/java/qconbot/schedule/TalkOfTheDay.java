package qconbot.schedule;

import com.slack.api.methods.MethodsClient;
import com.slack.api.methods.response.chat.ChatPostMessageResponse;
import com.slack.api.methods.response.conversations.ConversationsHistoryResponse;
import com.slack.api.model.Message;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobDataMap;
import org.quartz.JobExecutionContext;
import org.quartz.JobKey;
import org.quartz.ObjectAlreadyExistsException;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import qconbot.commands.Daily;
import qconbot.commands.Messages;
import qconbot.commands.Reply;
import qconbot.metrics.Metrics;
import qconbot.notes.Talk;
import qconbot.slack.Announcer;
import qconbot.slack.SlackCalls;
import qconbot.store.DailyPosts;
import qconbot.store.DailyPosts.Post;
import qconbot.store.Digests;
import qconbot.store.Talks;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The talk of the day as a Quartz job: posts one talk, with the action item digest, to one channel at each fire time,
 * exactly once per fire time, whatever happens to the bot or to Slack.
 *
 * <ul>
 * <li>The fire time is recorded in the database (unique) with its talk before anything is posted, the message ts
 * after; a bot that finds the row already there does nothing, so restarts and a second bot on the same database
 * never post a fire time twice. While a bot posts, it holds the row's lease.</li>
 * <li>Slack failures are retried by {@link SlackCalls} until {@link Settings#retries} gives up; before a retry that
 * may post twice, the channel's history is searched for the post (it carries the fire time in its metadata).</li>
 * <li>At start-up a pending post of today is resumed, and the latest fire time missed earlier today is posted
 * once; older ones are not. Every minute, a pending post whose lease ran out (its bot died mid-post) is taken over
 * and finished, by whichever bot on the database looks first.</li>
 * </ul>
 * What /qcon today, digest and schedule show comes from here as data ({@link Daily}), drawn by {@link Messages}.
 */
@DisallowConcurrentExecution
public final class TalkOfTheDay implements Job, Daily {

    private static final Logger log = LoggerFactory.getLogger(TalkOfTheDay.class);
    private static final JobKey JOB = JobKey.jobKey("talk-of-the-day");
    static final String METADATA_TYPE = "qcon_talk_of_the_day";

    /** Where and when to post (channel null: off), and how long to keep trying. */
    public record Settings(String channel, Schedule schedule, SlackCalls.Policy retries) {
        /** Retried 1 s, 2 s, … up to a minute apart, for up to 15 minutes, looking in the channel before each retry. */
        public static Settings of(String channel, Schedule schedule) {
            return new Settings(channel, schedule, new SlackCalls.Policy("talk_of_the_day", Duration.ofSeconds(1),
                    Duration.ofMinutes(1), Duration.ofMinutes(15), 0, SlackCalls.MaybeDone.CHECK_FIRST));
        }
    }

    private final Settings settings;
    private final DailyPosts posts;
    private final Digests digests;
    private final Talks talks;
    /** Slack, and how to call it; all null in the console, where nothing is posted. */
    private final MethodsClient slack;
    private final SlackCalls calls;
    private final Reminders reminders;
    private final Clock clock;
    private final Metrics metrics;
    /** This process, as the holder of a post's lease. */
    private final String owner = UUID.randomUUID().toString();
    private final AtomicLong failures = new AtomicLong();
    /** Fire times this bot is posting now, on any thread: the per-minute resume leaves them to their delivery. */
    private final java.util.Set<String> delivering = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private Scheduler scheduler;

    public TalkOfTheDay(Settings settings, DailyPosts posts, Digests digests, Talks talks, MethodsClient slack,
                        SlackCalls calls, Announcer announcer, Clock clock, Metrics metrics) {
        this.settings = settings;
        this.posts = posts;
        this.digests = digests;
        this.talks = talks;
        this.slack = slack;
        this.calls = calls;
        this.reminders = new Reminders(digests, announcer);
        this.clock = clock;
        this.metrics = metrics;
    }

    public boolean enabled() {
        return settings.channel() != null;
    }

    public Optional<Post> lastPost() throws SQLException {
        return posts.lastFinished();
    }

    /** Why reminders cannot use owners' own time zones (a scope missing), for /health; null when they can. */
    public String remindersProblem() {
        return reminders.problem();
    }

    /** Posts given up on since start, for /health and the logs. */
    public long failures() {
        return failures.get();
    }

    /** Schedules the next fire time, and a start-up run that resumes and catches up. Needs no Slack call itself. */
    public void start(Scheduler scheduler) throws SchedulerException {
        this.scheduler = scheduler;
        if (!enabled()) {
            log.info("talk of the day: off (QCON_DIGEST_CHANNEL is not set)");
            return;
        }
        scheduler.setJobFactory((bundle, s) -> this);
        scheduler.addJob(JobBuilder.newJob(TalkOfTheDay.class).withIdentity(JOB).storeDurably().build(), true);
        scheduler.scheduleJob(TriggerBuilder.newTrigger().forJob(JOB).withIdentity("start-up")
                .usingJobData("mode", "start-up").startNow().build());
        scheduler.scheduleJob(TriggerBuilder.newTrigger().forJob(JOB).withIdentity("remind")
                .usingJobData("mode", "remind").startNow()
                .withSchedule(SimpleScheduleBuilder.repeatSecondlyForever((int) Reminders.REMIND_EVERY.toSeconds())).build());
        scheduler.scheduleJob(TriggerBuilder.newTrigger().forJob(JOB).withIdentity("resume")
                .usingJobData("mode", "resume").startAt(new Date(System.currentTimeMillis() + RESUME_EVERY.toMillis()))
                .withSchedule(SimpleScheduleBuilder.repeatSecondlyForever((int) RESUME_EVERY.toSeconds())).build());
        scheduleAfter(clock.instant());
    }

    @Override
    public void execute(JobExecutionContext context) {
        JobDataMap data = context.getMergedJobDataMap();
        try {
            if ("start-up".equals(data.getString("mode"))) {
                resumePending();
                catchUp();
            } else if ("resume".equals(data.getString("mode"))) {
                resumePending();
            } else if ("remind".equals(data.getString("mode"))) {
                remind();
            } else {
                Schedule.Slot slot = new Schedule.Slot(LocalDateTime.parse(data.getString("local")),
                        Instant.parse(data.getString("at")), settings.schedule().zone());
                int tries = data.containsKey("tries") ? data.getInt("tries") : 0;
                if (tries == 0) {
                    scheduleAfter(slot.at());
                }
                runOrRetry(slot, tries);
            }
        } catch (Exception e) {
            log.error("talk of the day failed", e);
        }
    }

    /**
     * How long after a fire time the database refused (an outage) it is tried again: 5 s, doubling to at most a
     * minute, for as long as it is still that fire time's day, as a fire time missed while the bot was down is.
     */
    static final Duration RETRY_FIRST = Duration.ofSeconds(5);
    static final Duration RETRY_AT_MOST = Duration.ofMinutes(1);

    /** Runs a fire time; one the database could not record is tried again later, so an outage loses no post. */
    private void runOrRetry(Schedule.Slot slot, int tries) throws SchedulerException {
        try {
            run(slot);
        } catch (SQLException e) {
            LocalDate day = LocalDate.ofInstant(slot.at(), settings.schedule().zone());
            Duration wait = RETRY_FIRST.multipliedBy(1L << Math.min(tries, 4));
            wait = wait.compareTo(RETRY_AT_MOST) > 0 ? RETRY_AT_MOST : wait;
            Instant next = clock.instant().plus(wait);
            if (!LocalDate.ofInstant(next, settings.schedule().zone()).equals(day)) {
                log.error("talk of the day {}: the database refused it all day ({}); not posted", slot.key(), e.toString());
                return;
            }
            log.warn("talk of the day {}: the database refused it ({}); trying again in {} s", slot.key(), e.toString(),
                    wait.toSeconds());
            scheduler.scheduleJob(TriggerBuilder.newTrigger().forJob(JOB).withIdentity("retry " + slot.key() + " " + (tries + 1))
                    .usingJobData("local", slot.local().toString()).usingJobData("at", slot.at().toString())
                    .usingJobData("tries", tries + 1).startAt(Date.from(next))
                    .withSchedule(SimpleScheduleBuilder.simpleSchedule().withMisfireHandlingInstructionFireNow()).build());
        }
    }

    /** Posts one fire time, unless some bot already recorded it. */
    void run(Schedule.Slot slot) throws SQLException {
        Optional<Post> post = posts.start(slot.key(), slot.at(), settings.channel(), owner, lease(Duration.ZERO));
        if (post.isEmpty()) {
            log.info("talk of the day {}: already recorded, nothing to do", slot.key());
            metrics.digestPost("already_recorded");
            return;
        }
        deliver(post.get(), true);
    }

    /**
     * Reminds the owners of quiet claims whose 09:30 it is now, in their own time zone (the schedule's zone for those
     * Slack gives none); each at most once a week.
     */
    void remind() {
        reminders.remind(clock.instant(), settings.schedule().zone());
    }

    /** The latest fire time earlier today, if it was missed; older ones are left alone. */
    void catchUp() throws SQLException {
        Optional<Schedule.Slot> latest = settings.schedule().latestToday(clock.instant());
        if (latest.isPresent() && posts.find(latest.get().key()).isEmpty()) {
            log.info("talk of the day {}: missed while the bot was down; posting it now", latest.get().key());
            run(latest.get());
        }
    }

    /** Pending posts whose bot stopped: today's are posted, older ones expire. */
    void resumePending() throws SQLException {
        LocalDate today = LocalDate.ofInstant(clock.instant(), settings.schedule().zone());
        for (Post pending : posts.pending()) {
            Optional<Post> mine = posts.takeOver(pending.slot(), owner, lease(Duration.ZERO));
            if (mine.isEmpty()) {
                continue;
            }
            if (!LocalDate.ofInstant(pending.fireAt(), settings.schedule().zone()).equals(today)) {
                posts.expired(pending.slot());
                metrics.digestPost("expired");
                log.warn("talk of the day {}: was pending from an earlier day; not posting it now", pending.slot());
            } else {
                log.info("talk of the day {}: resuming a post left pending", pending.slot());
                deliver(mine.get(), false);
            }
        }
    }

    private void scheduleAfter(Instant after) throws SchedulerException {
        Optional<Schedule.Slot> next = settings.schedule().next(after);
        if (next.isEmpty()) {
            log.warn("talk of the day: {} never fires again", settings.schedule().expression());
            return;
        }
        Schedule.Slot slot = next.get();
        // One trigger per fire time; if the bot was paused past it, fire as soon as it can (the slot is recorded
        // by its scheduled time, so a late run is still the same fire time).
        Trigger trigger = TriggerBuilder.newTrigger().forJob(JOB).withIdentity("slot " + slot.key())
                .usingJobData("local", slot.local().toString()).usingJobData("at", slot.at().toString())
                .startAt(Date.from(slot.at()))
                .withSchedule(SimpleScheduleBuilder.simpleSchedule().withMisfireHandlingInstructionFireNow())
                .build();
        try {
            scheduler.scheduleJob(trigger);
        } catch (ObjectAlreadyExistsException alreadyScheduled) {
            // scheduled already, by start-up or an earlier run
        }
    }

    /**
     * Posts a recorded fire time. A post that a stopped bot was trying may have landed: look for it first. If the
     * bot stops while waiting to retry, the post stays pending for the next start.
     */
    private void deliver(Post post, boolean firstTry) throws SQLException {
        if (!delivering.add(post.slot())) {
            return; // this bot is posting it right now (a post-now waiting to retry): its lease is its own
        }
        try {
            post(post, firstTry);
        } finally {
            delivering.remove(post.slot());
        }
    }

    private void post(Post post, boolean firstTry) throws SQLException {
        Optional<Talk> talk = talks.byIds(List.of(post.talkId())).stream().findFirst();
        if (talk.isEmpty()) {
            posts.failed(post.slot(), "the talk is no longer in the notes");
            return;
        }
        Optional<String> landed = firstTry ? Optional.empty() : findPosted(post);
        if (landed.isPresent()) {
            posts.posted(post.slot(), landed.get());
            metrics.digestPost("posted");
            log.info("talk of the day {}: found already posted ({}), recorded", post.slot(), landed.get());
            return;
        }
        Reply message = Messages.talkOfTheDay(talk.get(), digests.build(since(post.slot())), digests.staleAfter().toDays());
        SlackCalls.Result<ChatPostMessageResponse> sent = calls.call(settings.retries(),
                () -> slack.chatPostMessage(r -> r.channel(post.channel()).text(message.text()).blocks(message.blocks())
                        .metadata(new Message.Metadata(METADATA_TYPE, Map.of("slot", post.slot())))),
                () -> findPosted(post).map(TalkOfTheDay::found),
                (attempt, failure, wait) -> posts.attempted(post.slot(), owner, lease(wait), failure.error()));
        if (sent.ok()) {
            posts.posted(post.slot(), sent.value().getTs());
            metrics.digestPost("posted");
            log.info("talk of the day {}: posted \"{}\" to {}", post.slot(), talk.get().title(), post.channel());
        } else if (sent.stopped()) {
            posts.release(post.slot(), owner);
            log.info("talk of the day {}: left pending for the next start", post.slot());
        } else {
            posts.failed(post.slot(), sent.error());
            failures.incrementAndGet();
            metrics.digestPost("failed");
            log.error("talk of the day {}: gave up: {}. Check that the bot is in {} (/invite @qcon) and its token is valid.",
                    post.slot(), sent.error(), post.channel());
        }
    }

    /** Our post for this fire time, if Slack has it: a timed-out or failed call may have gone through. */
    private Optional<String> findPosted(Post post) {
        SlackCalls.Result<ConversationsHistoryResponse> history = calls.call(SlackCalls.Policy.once("find_posted"),
                () -> slack.conversationsHistory(r -> r.channel(post.channel())
                        .oldest(String.valueOf(post.fireAt().minusSeconds(60).getEpochSecond())).limit(100).includeAllMetadata(true)));
        if (!history.ok() || history.value().getMessages() == null) {
            return Optional.empty();
        }
        return history.value().getMessages().stream()
                .filter(m -> m.getMetadata() != null && METADATA_TYPE.equals(m.getMetadata().getEventType())
                        && m.getMetadata().getEventPayload() != null
                        && post.slot().equals(m.getMetadata().getEventPayload().get("slot")))
                .map(Message::getTs).findFirst();
    }

    /** A post found in the channel, as if chat.postMessage had answered with it. */
    private static ChatPostMessageResponse found(String ts) {
        ChatPostMessageResponse response = new ChatPostMessageResponse();
        response.setOk(true);
        response.setTs(ts);
        return response;
    }

    /** The digest reports what changed since the last post that reached Slack (other than this fire time's). */
    private Instant since(String slot) throws SQLException {
        return posts.lastPosted().filter(p -> !p.slot().equals(slot)).map(Post::finishedAt).orElse(null);
    }

    /**
     * How often a bot looks for a post left pending by a bot that died: its lease is 2 minutes, so it is finished
     * within 3. Runs on the one Quartz thread, so never beside this bot's own delivery.
     */
    static final Duration RESUME_EVERY = Duration.ofMinutes(1);

    /** A pending post's lease: long enough to cover the wait before its next attempt. */
    private static Duration lease(Duration wait) {
        return Duration.ofMinutes(2).plus(wait);
    }

    private Instant nextFireTime() {
        return enabled() ? settings.schedule().next(clock.instant()).map(Schedule.Slot::at).orElse(null) : null;
    }

    // What /qcon today, digest, schedule and post-now show: data for Messages.

    @Override
    public Optional<Today> today() throws SQLException {
        ZoneId zone = settings.schedule().zone();
        LocalDate today = LocalDate.ofInstant(clock.instant(), zone);
        Optional<Post> posted = posts.postedBetween(today.atStartOfDay(zone).toInstant(),
                today.plusDays(1).atStartOfDay(zone).toInstant());
        if (posted.isPresent()) {
            Optional<Talk> talk = talks.byIds(List.of(posted.get().talkId())).stream().findFirst();
            if (talk.isPresent()) {
                return Optional.of(new Today(talk.get(), posted.get().finishedAt(), null, enabled()));
            }
        }
        return posts.peekNext().map(talk -> new Today(talk, null, nextFireTime(), enabled()));
    }

    @Override
    public Optional<Preview> preview() throws SQLException {
        Optional<Talk> next = posts.peekNext();
        if (next.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Preview(next.get(), digests.build(since("preview")), digests.staleAfter().toDays(),
                nextFireTime(), settings.channel()));
    }

    @Override
    public Status status() throws SQLException {
        return new Status(settings.channel(), settings.schedule().inWords(), settings.schedule().expression(),
                settings.schedule().zone().getId(), posts.lastFinished().orElse(null), nextFireTime(), failures.get());
    }

    @Override
    public PostNow postNow() throws SQLException {
        if (!enabled()) {
            return new PostNow(null, null);
        }
        Instant now = clock.instant();
        Optional<Post> post = posts.start("now " + now, now, settings.channel(), owner, lease(Duration.ZERO));
        if (post.isEmpty()) {
            return new PostNow(settings.channel(), null);
        }
        deliver(post.get(), true);
        return new PostNow(settings.channel(), posts.find(post.get().slot()).orElseThrow());
    }
}
