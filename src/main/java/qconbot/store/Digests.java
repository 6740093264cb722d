package qconbot.store;

import qconbot.store.ActionItems.ActionItem;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the action items stand, for the daily digest: counts, threads with new replies, claims gone stale, items
 * finished; and the snoozes and weekly reminders that keep stale claims from nagging.
 */
public final class Digests {

    /**
     * Since the last digest ({@code since} null: since the start). {@code done} counts items closed as done,
     * {@code wontDo} those closed as won't do; {@code doneSince} has both, and items whose outcome was said since;
     * {@code questions}, where the questions asked of the team stand.
     */
    public record Digest(int open, int claimed, int done, int wontDo, List<ActionItem> newReplies, List<ActionItem> stale,
                         List<ActionItem> doneSince, Instant since, Questions.Summary questions) {
    }

    public static final Duration REMINDER_EVERY = Duration.ofDays(7);
    /** Reminders go at about 09:30, a few minutes either way; the week between two of them allows this much less. */
    public static final Duration REMINDER_GRACE = Duration.ofHours(1);
    public static final Duration SNOOZE = Duration.ofDays(7);

    private final Db db;
    private final ActionItems items;
    private final Clock clock;
    private final Duration staleAfter;

    public Digests(Db db, ActionItems items, Clock clock, int staleDays) {
        this.db = db;
        this.items = items;
        this.clock = clock;
        this.staleAfter = Duration.ofDays(staleDays);
    }

    public Duration staleAfter() {
        return staleAfter;
    }

    public Digest build(Instant since) throws SQLException {
        String from = since == null ? "" : Db.time(since);
        Map<String, Integer> counts = db.read(connection -> {
            Map<String, Integer> byState = new LinkedHashMap<>();
            try (PreparedStatement select = connection.prepareStatement(
                    """
                    SELECT CASE WHEN resolution = 'wont_do' AND state = 'done' THEN 'wont_do' ELSE state END, count(*)
                    FROM action_items WHERE in_notes = 1 OR state = 'claimed' GROUP BY 1""");
                 ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    byState.put(rows.getString(1), rows.getInt(2));
                }
            }
            return byState;
        });
        List<ActionItem> replied = items(ids("SELECT DISTINCT item_id FROM threads WHERE last_reply_at > ? ORDER BY item_id", from));
        List<ActionItem> done = items(ids("""
                SELECT DISTINCT c.item_id FROM action_item_changes c JOIN action_items a ON a.id = c.item_id
                WHERE c.to_state = 'done' AND a.state = 'done' AND c.at > ? ORDER BY c.item_id""", from));
        return new Digest(counts.getOrDefault("open", 0), counts.getOrDefault("claimed", 0), counts.getOrDefault("done", 0),
                counts.getOrDefault("wont_do", 0), replied, stale(), done, since, new Questions(db, clock).summary(since, staleAfter));
    }

    /**
     * Claimed longer than the stale period ago, with no reply in the item's threads within it, and not snoozed.
     */
    public List<ActionItem> stale() throws SQLException {
        Instant now = clock.instant();
        String cutoff = Db.time(now.minus(staleAfter));
        return items(ids("""
                SELECT a.id FROM action_items a
                WHERE a.state = 'claimed' AND a.changed_at < ?
                  AND NOT EXISTS (SELECT 1 FROM threads t WHERE t.item_id = a.id AND t.last_reply_at >= ?)
                  AND NOT EXISTS (SELECT 1 FROM snoozes s WHERE s.item_id = a.id AND s.until > ?)
                ORDER BY a.id""", cutoff, cutoff, Db.time(now)));
    }

    /** Stale items by owner, for the weekly reminders. */
    public Map<String, List<ActionItem>> staleByOwner() throws SQLException {
        Map<String, List<ActionItem>> byOwner = new LinkedHashMap<>();
        for (ActionItem item : stale()) {
            byOwner.computeIfAbsent(item.owner(), owner -> new ArrayList<>()).add(item);
        }
        return byOwner;
    }

    /**
     * The time zone Slack gave {@code user}, as looked up before: null when never looked up, "" when Slack had none
     * (the bot's own zone is used then).
     */
    public String zoneOf(String user) throws SQLException {
        return db.read(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT zone FROM user_zones WHERE user_id = ?")) {
                select.setString(1, user);
                try (ResultSet rows = select.executeQuery()) {
                    if (!rows.next()) {
                        return null;
                    }
                    String zone = rows.getString(1);
                    return zone == null ? "" : zone;
                }
            }
        });
    }

    /** Keeps the zone Slack gave {@code user} (null: none), so it is looked up once. */
    public void rememberZone(String user, String zone) throws SQLException {
        db.run(connection -> {
            try (PreparedStatement upsert = connection.prepareStatement("""
                    INSERT INTO user_zones (user_id, zone, looked_up_at) VALUES (?, ?, ?)
                    ON CONFLICT (user_id) DO UPDATE SET zone = excluded.zone, looked_up_at = excluded.looked_up_at""")) {
                upsert.setString(1, user);
                upsert.setString(2, zone);
                upsert.setString(3, Db.time(clock.instant()));
                upsert.executeUpdate();
            }
        });
    }

    /**
     * Taken, and remembered, when {@code user} has had no reminder for a week (else null): at most one a week each. "A week" is
     * seven days less an hour, so a reminder sent a few minutes later in the morning last week does not skip this one.
     */
    public Taken takeReminder(String user) throws SQLException {
        Instant now = clock.instant();
        return db.inTransaction(connection -> {
            String before;
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT sent_at FROM stale_reminders WHERE \"user\" = ?")) {
                select.setString(1, user);
                try (ResultSet rows = select.executeQuery()) {
                    before = rows.next() ? rows.getString(1) : null;
                }
            }
            try (PreparedStatement upsert = connection.prepareStatement("""
                    INSERT INTO stale_reminders ("user", sent_at) VALUES (?, ?)
                    ON CONFLICT ("user") DO UPDATE SET sent_at = excluded.sent_at WHERE stale_reminders.sent_at <= ?""")) {
                upsert.setString(1, user);
                upsert.setString(2, Db.time(now));
                upsert.setString(3, Db.time(now.minus(REMINDER_EVERY).plus(REMINDER_GRACE)));
                return upsert.executeUpdate() == 1 ? new Taken(user, Db.time(now), before) : null;
            }
        });
    }

    /** A week's reminder taken for {@code user} at {@code at}; {@code before} the one it replaced (null: none). */
    public record Taken(String user, String at, String before) {
    }

    /** Gives back a reminder whose DM Slack did not take: the week is as before, unless another took it since. */
    public void giveBack(Taken taken) throws SQLException {
        db.run(connection -> {
            try (PreparedStatement update = connection.prepareStatement(taken.before() == null
                    ? "DELETE FROM stale_reminders WHERE \"user\" = ? AND sent_at = ?"
                    : "UPDATE stale_reminders SET sent_at = ? WHERE \"user\" = ? AND sent_at = ?")) {
                int i = 1;
                if (taken.before() != null) {
                    update.setString(i++, taken.before());
                }
                update.setString(i++, taken.user());
                update.setString(i, taken.at());
                update.executeUpdate();
            }
        });
    }

    /** Leaves a claimed item out of stale lists for a week; only its owner or an admin may. */
    public boolean snooze(long itemId, String user) throws SQLException {
        var item = items.get(itemId);
        if (item.isEmpty() || !(user.equals(item.get().owner()) || items.isAdmin(user))) {
            return false;
        }
        db.run(connection -> {
            try (PreparedStatement upsert = connection.prepareStatement("""
                    INSERT INTO snoozes (item_id, until, by) VALUES (?, ?, ?)
                    ON CONFLICT (item_id) DO UPDATE SET until = excluded.until, by = excluded.by""")) {
                upsert.setLong(1, itemId);
                upsert.setString(2, Db.time(clock.instant().plus(SNOOZE)));
                upsert.setString(3, user);
                upsert.executeUpdate();
            }
        });
        return true;
    }

    private List<Long> ids(String sql, String... values) throws SQLException {
        return db.read(connection -> {
            List<Long> ids = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement(sql)) {
                for (int i = 0; i < values.length; i++) {
                    select.setString(i + 1, values[i]);
                }
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        ids.add(rows.getLong(1));
                    }
                }
            }
            return ids;
        });
    }

    private List<ActionItem> items(List<Long> ids) throws SQLException {
        List<ActionItem> found = new ArrayList<>();
        for (long id : ids) {
            items.get(id).ifPresent(found::add);
        }
        return found;
    }
}
