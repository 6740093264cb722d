package qconbot.schedule;

import com.cronutils.descriptor.CronDescriptor;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.parser.CronParser;
import org.quartz.CronExpression;

import java.text.ParseException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.util.Date;
import java.util.Locale;
import java.util.Optional;
import java.util.TimeZone;

/**
 * When the talk of the day is due: a Quartz cron expression read in wall-clock time in one zone.
 *
 * <p>Fire times are worked out in local time and only then placed in the zone, because Quartz's own cron trigger
 * drops a whole day when the time falls in a spring-forward gap ("0 30 2 ? * *" in America/New_York goes from
 * 7 March 2026 straight to 9 March). A slot in a skipped hour fires when the clocks have jumped (02:30 becomes
 * 03:30); a slot in a repeated hour fires once, at its first occurrence. (A cron firing more often than hourly
 * can put two skipped-hour slots on the instant of a later one; each instant still fires once.)
 */
public final class Schedule {

    /** One fire time: its wall-clock time, which names it, and the instant it falls on. */
    public record Slot(LocalDateTime local, Instant at, ZoneId zone) {
        /** Unique per fire time and stable across restarts: "2026-11-26T09:30 Europe/London". */
        public String key() {
            return local + " " + zone.getId();
        }
    }

    private final String expression;
    private final ZoneId zone;
    /** The expression evaluated in UTC over local date-times, i.e. with no daylight saving at all. */
    private final CronExpression localCron;

    private Schedule(String expression, ZoneId zone, CronExpression localCron) {
        this.expression = expression;
        this.zone = zone;
        this.localCron = localCron;
    }

    /** @throws IllegalArgumentException naming what is wrong with the expression or the zone */
    public static Schedule parse(String expression, String zone) {
        ZoneId zoneId;
        try {
            zoneId = ZoneId.of(zone);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("unknown time zone \"" + zone + "\"; use an IANA name such as Europe/London");
        }
        CronExpression cron;
        try {
            cron = new CronExpression(expression);
        } catch (ParseException e) {
            throw new IllegalArgumentException("\"" + expression + "\" is not a Quartz cron expression ("
                    + e.getMessage() + "); for example 0 30 9 ? * MON-FRI is 09:30 on weekdays");
        }
        cron.setTimeZone(TimeZone.getTimeZone(ZoneOffset.UTC));
        if (cron.getNextValidTimeAfter(new Date()) == null) {
            throw new IllegalArgumentException("\"" + expression + "\" never fires again");
        }
        return new Schedule(expression, zoneId, cron);
    }

    public String expression() {
        return expression;
    }

    public ZoneId zone() {
        return zone;
    }

    /** The first fire time strictly after {@code after}; empty if the expression never fires again. */
    public Optional<Slot> next(Instant after) {
        LocalDateTime local = LocalDateTime.ofInstant(after, zone);
        // During the second pass of a repeated hour, local slots map to their first, already past, occurrence:
        // jump to the end of the repeated hour rather than step through it (a per-second cron has 3,600 slots).
        ZoneOffsetTransition overlap = zone.getRules().getTransition(local);
        if (overlap != null && overlap.isOverlap() && after.isAfter(local.atZone(zone).withEarlierOffsetAtOverlap().toInstant())) {
            local = overlap.getDateTimeBefore().minusNanos(1);
        }
        for (int i = 0; i < 10_000; i++) {
            Date next = localCron.getNextValidTimeAfter(Date.from(local.toInstant(ZoneOffset.UTC)));
            if (next == null) {
                return Optional.empty();
            }
            local = LocalDateTime.ofInstant(next.toInstant(), ZoneOffset.UTC);
            Instant at = local.atZone(zone).toInstant();
            if (at.isAfter(after)) {
                return Optional.of(new Slot(local, at, zone));
            }
        }
        return Optional.empty();
    }

    /** The latest fire time at or before {@code now} on the same local day; empty if there was none yet today. */
    public Optional<Slot> latestToday(Instant now) {
        LocalDate today = LocalDateTime.ofInstant(now, zone).toLocalDate();
        Instant cursor = today.atStartOfDay(zone).toInstant().minusSeconds(1);
        Slot latest = null;
        for (int i = 0; i < 100_000; i++) {
            Optional<Slot> next = next(cursor);
            if (next.isEmpty() || next.get().at().isAfter(now) || !next.get().local().toLocalDate().equals(today)) {
                break;
            }
            latest = next.get();
            cursor = latest.at();
        }
        return Optional.ofNullable(latest);
    }

    /** "at 09:30 every day between Monday and Friday", or the expression itself if it cannot be put in words. */
    public String inWords() {
        try {
            CronParser parser = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.QUARTZ));
            return CronDescriptor.instance(Locale.UK).describe(parser.parse(expression));
        } catch (RuntimeException e) {
            return expression;
        }
    }
}
