package qconbot.schedule;

import com.slack.api.methods.MethodsClient;
import com.slack.api.methods.SlackApiException;
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
import qconbot.notes.Talk;
import qconbot.slack.Daily;
import qconbot.slack.ItemMessages;
import qconbot.slack.Messages;
import qconbot.slack.Metrics;
import qconbot.slack.Reply;
import qconbot.store.ActionItems.ActionItem;
import qconbot.store.DailyPosts;
import qconbot.store.DailyPosts.Post;
import qconbot.store.Digests;
import qconbot.store.Talks;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Posts the talk of the day, with the action item digest, to one channel at each fire time: exactly once per fire
 * time, whatever happens to the bot or to Slack.
 *
 * <ul>
 * <li>The fire time is recorded in SQLite (unique) with its talk before anything is posted, the message ts after;
 * a bot that finds the row already there does nothing, so restarts and a second bot on the same file never post
 * a fire time twice.</li>
 * <li>Failures (HTTP 5xx, 429 with Retry-After, ok:false ratelimited, timeouts) are retried with backoff until
 * {@link Settings#giveUpAfter}; before each retry Slack's history is checked for the post (it carries the fire time
 * in its metadata), since a timed-out call may still have posted.</li>
 * <li>At start-up a pending post of today is resumed, and the latest fire time missed earlier today is posted
 * once; older ones are not.</li>
 * </ul>
 */
@DisallowConcurrentExecution
public final class TalkOfTheDay implements Job, Daily {

    private static final Logger log = LoggerFactory.getLogger(TalkOfTheDay.class);
    private static final JobKey JOB = JobKey.jobKey("talk-of-the-day");
    static final String METADATA_TYPE = "qcon_talk_of_the_day";
    /** Slack errors worth another try; anything else (not_in_channel, invalid_auth...) will not mend by waiting. */
    private static final Set<String> TRANSIENT = Set.of("ratelimited", "internal_error", "fatal_error",
            "service_unavailable", "request_timeout");

    /** How to post: where, when, and how long to keep trying. */
    public record Settings(String channel, Schedule schedule, long staleDays, Duration firstRetry,
                           Duration maxRetryWait, Duration giveUpAfter) {
        public static Settings of(String channel, Schedule schedule, long staleDays) {
            return new Settings(channel, schedule, staleDays, Duration.ofSeconds(1), Duration.ofMinutes(1), Duration.ofMinutes(15));
        }
    }

    private final Settings settings;
    private final DailyPosts posts;
    private final Digests digests;
    private final Talks talks;
    private final MethodsClient slack;
    private final Clock clock;
    private final Metrics metrics;
    /** This process, as the holder of a post's lease. */
    private final String owner = UUID.randomUUID().toString();
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final AtomicLong failures = new AtomicLong();
    private Scheduler scheduler;

    public TalkOfTheDay(Settings settings, DailyPosts posts, Digests digests, Talks talks, MethodsClient slack, Clock clock,
                        Metrics metrics) {
        this.settings = settings;
        this.posts = posts;
        this.digests = digests;
        this.talks = talks;
        this.slack = slack;
        this.clock = clock;
        this.metrics = metrics;
    }

    public boolean enabled() {
        return settings.channel() != null;
    }

    public Optional<Post> lastPost() throws SQLException {
        return posts.lastFinished();
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
        scheduleAfter(clock.instant());
    }

    /** Stops retrying: a post being tried stays pending and is resumed by the next start. */
    public void stop() {
        stopping.countDown();
    }

    @Override
    public void execute(JobExecutionContext context) {
        JobDataMap data = context.getMergedJobDataMap();
        try {
            if ("start-up".equals(data.getString("mode"))) {
                resumePending();
                catchUp();
            } else {
                Schedule.Slot slot = new Schedule.Slot(LocalDateTime.parse(data.getString("local")),
                        Instant.parse(data.getString("at")), settings.schedule().zone());
                scheduleAfter(slot.at());
                run(slot);
            }
        } catch (Exception e) {
            log.error("talk of the day failed", e);
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

    /** Posts a recorded fire time, retrying transient failures until {@link Settings#giveUpAfter}. */
    private void deliver(Post post, boolean firstTry) throws SQLException {
        Optional<Talk> talk = talks.byIds(List.of(post.talkId())).stream().findFirst();
        if (talk.isEmpty()) {
            posts.failed(post.slot(), "the talk is no longer in the notes");
            return;
        }
        Reply message = message(talk.get(), post.slot());
        Instant giveUpAt = clock.instant().plus(settings.giveUpAfter());
        Duration backoff = settings.firstRetry();
        boolean mayHavePosted = !firstTry;
        for (int attempt = 1; ; attempt++) {
            if (mayHavePosted) {
                Optional<String> ts = findPosted(post);
                if (ts.isPresent()) {
                    posts.posted(post.slot(), ts.get());
                    metrics.digestPost("posted");
                    log.info("talk of the day {}: found already posted ({}), recorded", post.slot(), ts.get());
                    return;
                }
            }
            Duration wait = backoff;
            String error;
            try {
                ChatPostMessageResponse response = slack.chatPostMessage(r -> r.channel(post.channel())
                        .text(message.text()).blocks(message.blocks())
                        .metadata(new Message.Metadata(METADATA_TYPE, Map.of("slot", post.slot()))));
                if (response.isOk()) {
                    posts.posted(post.slot(), response.getTs());
                    metrics.digestPost("posted");
                    log.info("talk of the day {}: posted \"{}\" to {} after {} attempt(s)", post.slot(),
                            talk.get().title(), post.channel(), attempt);
                    remindStaleOwners();
                    return;
                }
                error = response.getError();
                if (!TRANSIENT.contains(error)) {
                    giveUp(post, attempt, error);
                    return;
                }
                wait = retryAfter(response.getHttpResponseHeaders(), wait);
            } catch (SlackApiException e) {
                int status = e.getResponse().code();
                error = "HTTP " + status;
                if (status != 429 && status < 500) {
                    giveUp(post, attempt, error);
                    return;
                }
                mayHavePosted = status >= 500;
                wait = retryAfter(e.getResponse().headers().toMultimap(), wait);
            } catch (IOException e) {
                error = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
                mayHavePosted = true;
            }
            if (clock.instant().plus(wait).isAfter(giveUpAt)) {
                giveUp(post, attempt, error);
                return;
            }
            posts.attempted(post.slot(), owner, lease(wait), error);
            log.warn("talk of the day {}: attempt {} failed ({}); trying again in {} ms", post.slot(), attempt, error, wait.toMillis());
            try {
                if (stopping.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                    posts.release(post.slot(), owner);
                    log.info("talk of the day {}: left pending for the next start", post.slot());
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                posts.release(post.slot(), owner);
                return;
            }
            backoff = min(backoff.multipliedBy(2), settings.maxRetryWait());
        }
    }

    private void giveUp(Post post, int attempts, String error) throws SQLException {
        posts.failed(post.slot(), error);
        failures.incrementAndGet();
        metrics.digestPost("failed");
        log.error("talk of the day {}: gave up after {} attempt(s): {}. Check that the bot is in {} (/invite @qcon)"
                + " and its token is valid.", post.slot(), attempts, error, post.channel());
    }

    /** Our post for this fire time, if Slack has it: a timed-out or failed call may have gone through. */
    private Optional<String> findPosted(Post post) {
        try {
            ConversationsHistoryResponse history = slack.conversationsHistory(r -> r.channel(post.channel())
                    .oldest(String.valueOf(post.fireAt().minusSeconds(60).getEpochSecond())).limit(100).includeAllMetadata(true));
            if (!history.isOk() || history.getMessages() == null) {
                return Optional.empty();
            }
            return history.getMessages().stream()
                    .filter(m -> m.getMetadata() != null && METADATA_TYPE.equals(m.getMetadata().getEventType())
                            && m.getMetadata().getEventPayload() != null
                            && post.slot().equals(m.getMetadata().getEventPayload().get("slot")))
                    .map(Message::getTs).findFirst();
        } catch (IOException | SlackApiException e) {
            return Optional.empty();
        }
    }

    /** At most one direct message a week to each owner of quiet claims. */
    private void remindStaleOwners() {
        try {
            for (Map.Entry<String, List<ActionItem>> owned : digests.staleByOwner().entrySet()) {
                if (owned.getKey() != null && digests.takeReminder(owned.getKey())) {
                    Reply reminder = ItemMessages.staleReminder(owned.getValue(), settings.staleDays());
                    var response = slack.chatPostMessage(r -> r.channel(owned.getKey()).text(reminder.text()).blocks(reminder.blocks()));
                    if (!response.isOk()) {
                        log.warn("stale reminder to {} failed: {}", owned.getKey(), response.getError());
                    }
                }
            }
        } catch (Exception e) {
            log.warn("stale reminders failed: {}", e.toString());
        }
    }

    private Reply message(Talk talk, String slot) throws SQLException {
        Instant since = posts.lastPosted().filter(p -> !p.slot().equals(slot)).map(Post::finishedAt).orElse(null);
        return Messages.talkOfTheDay(talk, ItemMessages.digest(digests.build(since), settings.staleDays()));
    }

    /** A pending post's lease: long enough to cover the wait before its next attempt. */
    private static Duration lease(Duration wait) {
        return Duration.ofMinutes(2).plus(wait);
    }

    private static Duration retryAfter(Map<String, List<String>> headers, Duration otherwise) {
        if (headers != null) {
            for (Map.Entry<String, List<String>> header : headers.entrySet()) {
                if ("retry-after".equalsIgnoreCase(header.getKey()) && !header.getValue().isEmpty()
                        && header.getValue().get(0).strip().matches("\\d{1,5}")) {
                    return Duration.ofSeconds(Long.parseLong(header.getValue().get(0).strip()));
                }
            }
        }
        return otherwise;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    // /qcon today, digest, schedule, post-now

    @Override
    public Reply today() throws SQLException {
        LocalDate today = LocalDate.ofInstant(clock.instant(), settings.schedule().zone());
        Optional<Post> posted = posts.postedBetween(today.atStartOfDay(settings.schedule().zone()).toInstant(),
                today.plusDays(1).atStartOfDay(settings.schedule().zone()).toInstant());
        if (posted.isPresent()) {
            Optional<Talk> talk = talks.byIds(List.of(posted.get().talkId())).stream().findFirst();
            if (talk.isPresent()) {
                return Messages.withNote(Messages.talk(talk.get(), null), "Today's talk of the day, posted "
                        + ItemMessages.date(posted.get().finishedAt()) + ".");
            }
        }
        Optional<Talk> next = posts.peekNext();
        if (next.isEmpty()) {
            return Messages.error("There are no talks in the notes.");
        }
        String when = enabled() ? settings.schedule().next(clock.instant())
                .map(slot -> "Next talk of the day, due " + ItemMessages.date(slot.at()) + ".").orElse("Next in the rotation.")
                : "No talk of the day is scheduled (QCON_DIGEST_CHANNEL is not set); this one is next in the rotation.";
        return Messages.withNote(Messages.talk(next.get(), null), when);
    }

    @Override
    public Reply preview() throws SQLException {
        Optional<Talk> next = posts.peekNext();
        if (next.isEmpty()) {
            return Messages.error("There are no talks in the notes.");
        }
        String when = enabled() ? settings.schedule().next(clock.instant())
                .map(slot -> "Preview of the post due " + ItemMessages.date(slot.at()) + " in <#" + settings.channel() + ">.")
                .orElse("Preview.") : "Preview (QCON_DIGEST_CHANNEL is not set, so nothing is scheduled).";
        return Messages.withNote(message(next.get(), "preview"), when);
    }

    @Override
    public Reply status() throws SQLException {
        StringBuilder text = new StringBuilder();
        if (!enabled()) {
            text.append("*Talk of the day:* off. Set QCON_DIGEST_CHANNEL to a channel id to turn it on.\n");
        } else {
            text.append("*Channel:* <#").append(settings.channel()).append(">\n");
        }
        text.append("*Schedule:* ").append(Messages.escape(settings.schedule().inWords())).append(" (`")
                .append(Messages.escape(settings.schedule().expression())).append("`), ")
                .append(settings.schedule().zone().getId()).append('\n');
        Optional<Post> last = posts.lastFinished();
        text.append("*Last post:* ").append(last.map(p -> ItemMessages.date(p.finishedAt()) + ", *"
                + Messages.escape(p.talkTitle()) + "*, " + switch (p.state()) {
                    case POSTED -> "posted";
                    case FAILED -> "failed: " + Messages.escape(p.error());
                    case EXPIRED -> "not posted (its day had passed)";
                    case PENDING -> "still being posted";
                }).orElse("none yet")).append('\n');
        text.append("*Next:* ").append(enabled() ? settings.schedule().next(clock.instant())
                .map(slot -> ItemMessages.date(slot.at())).orElse("never") : "nothing scheduled");
        if (failures.get() > 0) {
            text.append("\n*Given up since start:* ").append(failures.get());
        }
        return Messages.note(text.toString());
    }

    @Override
    public String postNow() throws SQLException {
        if (!enabled()) {
            return "There is no digest channel: set QCON_DIGEST_CHANNEL first.";
        }
        Instant now = clock.instant();
        Optional<Post> post = posts.start("now " + now, now, settings.channel(), owner, lease(Duration.ZERO));
        if (post.isEmpty()) {
            return "There are no talks in the notes to post.";
        }
        deliver(post.get(), true);
        Post done = posts.find(post.get().slot()).orElseThrow();
        return done.state() == DailyPosts.State.POSTED
                ? "Posted *" + Messages.escape(done.talkTitle()) + "* to <#" + settings.channel() + ">."
                : "Could not post to <#" + settings.channel() + ">: " + Messages.escape(String.valueOf(done.error())) + ".";
    }
}
