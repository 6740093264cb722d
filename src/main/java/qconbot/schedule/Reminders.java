package qconbot.schedule;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import qconbot.commands.ItemMessages;
import qconbot.commands.Reply;
import qconbot.slack.Announcer;
import qconbot.store.ActionItems.ActionItem;
import qconbot.store.Digests;

import java.sql.SQLException;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;

/**
 * At most one direct message a week to each owner of quiet claims, at about 09:30 on a working day in the owner's own
 * time zone: called every {@link #REMIND_EVERY}, it reminds those whose local time is in [09:30, 09:45).
 */
final class Reminders {

    private static final Logger log = LoggerFactory.getLogger(Reminders.class);

    /** When reminders go out: 09:30 local time, on working days. */
    static final LocalTime MORNING = LocalTime.of(9, 30);
    /** How often the bot looks for owners whose morning it is: each one's 09:30 falls in exactly one look. */
    static final Duration REMIND_EVERY = Duration.ofMinutes(15);

    private final Digests digests;
    private final Announcer announcer;

    Reminders(Digests digests, Announcer announcer) {
        this.digests = digests;
        this.announcer = announcer;
    }

    /** Slack's error when it would not tell this app a user's zone (no users:read), for /health; null when it did. */
    private volatile String refused;

    /**
     * Why owners' zones are not Slack's, for /health: "users.info refused (missing_scope): …", or null when Slack
     * tells them.
     */
    String problem() {
        String error = refused;
        return error == null ? null : "users.info refused (" + error + "): the app needs the users:read scope to"
                + " remind each owner at their own morning; QCON_TIMEZONE is used meanwhile";
    }

    /**
     * Reminds the owners whose morning it is at {@code now}; {@code fallback} (QCON_TIMEZONE) is the zone of those
     * Slack gives none or will not tell. A week's reminder is taken before the DM (so two replicas send one) and given
     * back when the DM fails, so that it counts as sent only once Slack took it.
     */
    void remind(Instant now, ZoneId fallback) {
        try {
            for (Map.Entry<String, List<ActionItem>> owned : digests.staleByOwner().entrySet()) {
                ZoneId zone = owned.getKey() == null ? null : zoneOf(owned.getKey(), fallback);
                Digests.Taken taken = zone != null && morning(now.atZone(zone)) ? digests.takeReminder(owned.getKey()) : null;
                if (taken != null) {
                    Reply reminder = ItemMessages.staleReminder(owned.getValue(), digests.staleAfter().toDays());
                    if (!announcer.tell(owned.getKey(), reminder)) {
                        digests.giveBack(taken);
                        log.warn("The reminder to {} was not sent; it is tried again at the next look", owned.getKey());
                    }
                }
            }
        } catch (SQLException e) {
            log.warn("stale reminders failed: {}", e.toString());
        }
    }

    private static boolean morning(ZonedDateTime local) {
        LocalTime time = local.toLocalTime();
        return local.getDayOfWeek() != DayOfWeek.SATURDAY && local.getDayOfWeek() != DayOfWeek.SUNDAY
                && !time.isBefore(MORNING) && time.isBefore(MORNING.plus(REMIND_EVERY));
    }

    /**
     * {@code user}'s time zone: from Slack the first time, then as kept; {@code fallback} when Slack has none or will
     * not say. Null when Slack could not be asked now (asked again at the next look).
     */
    private ZoneId zoneOf(String user, ZoneId fallback) throws SQLException {
        String known = digests.zoneOf(user);
        if (known == null) {
            Announcer.UserZone asked = announcer.timeZone(user);
            if (asked.refused() != null) { // not kept: asked again once the scope is there
                if (refused == null) {
                    log.warn("Slack will not tell owners' time zones ({}): the app needs the users:read scope;"
                            + " reminders go at 09:30 in QCON_TIMEZONE ({}) meanwhile", asked.refused(), fallback);
                }
                refused = asked.refused();
                return fallback;
            }
            if (asked.zone() == null) {
                return null;
            }
            refused = null;
            known = asked.zone();
            digests.rememberZone(user, known.isEmpty() ? null : known);
        }
        try {
            return known.isEmpty() ? fallback : ZoneId.of(known);
        } catch (DateTimeException unknown) {
            return fallback;
        }
    }
}
