package qconbot.store;

import qconbot.notes.Talk;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The talk of the day, as rows in scheduled_posts: a fire time is recorded (with its talk) before anything is
 * posted, and its message ts after. The slot is the primary key, so however many bots share the database and
 * however often they restart, one fire time has one row; a lease says which bot is posting it.
 */
public final class DailyPosts {

    public enum State { PENDING, POSTED, FAILED, EXPIRED }

    /** One fire time's post; {@code talkTitle} is the talk's name as shown, a keynote with its day. */
    public record Post(String slot, Instant fireAt, String channel, long talkId, String talkKey, String talkTitle,
                       State state, int attempts, String ts, String error, Instant finishedAt) {
    }

    private final Db db;
    private final Talks talks;
    private final Clock clock;

    public DailyPosts(Db db, Talks talks, Clock clock) {
        this.db = db;
        this.talks = talks;
        this.clock = clock;
    }

    /**
     * Records a fire time and takes the next talk in the rotation for it, leased to {@code owner}; empty when the
     * fire time is already recorded (posted, failed, or being posted by another bot) or there are no talks.
     */
    public Optional<Post> start(String slot, Instant fireAt, String channel, String owner, Duration lease)
            throws SQLException {
        return db.inTransaction(connection -> {
            if (find(connection, slot).isPresent()) {
                return Optional.empty();
            }
            Optional<Long> talkId = nextTalk(connection);
            if (talkId.isEmpty()) {
                return Optional.empty();
            }
            try (PreparedStatement rotate = connection.prepareStatement(
                    "UPDATE talks SET last_posted_round = ? WHERE id = ?")) {
                rotate.setInt(1, currentRound(connection));
                rotate.setLong(2, talkId.get());
                rotate.executeUpdate();
            }
            Instant now = clock.instant();
            try (PreparedStatement insert = connection.prepareStatement("""
                    INSERT INTO scheduled_posts (slot, fire_at, channel, talk_id, state, lease_owner, lease_until, created_at)
                    VALUES (?, ?, ?, ?, 'pending', ?, ?, ?)""")) {
                insert.setString(1, slot);
                insert.setString(2, Db.time(fireAt));
                insert.setString(3, channel);
                insert.setLong(4, talkId.get());
                insert.setString(5, owner);
                insert.setString(6, Db.time(now.plus(lease)));
                insert.setString(7, Db.time(now));
                insert.executeUpdate();
            }
            return find(connection, slot);
        });
    }

    /** Takes over a pending post whose lease ran out (its bot stopped or died); empty if another bot holds it. */
    public Optional<Post> takeOver(String slot, String owner, Duration lease) throws SQLException {
        return db.inTransaction(connection -> {
            Instant now = clock.instant();
            try (PreparedStatement update = connection.prepareStatement("""
                    UPDATE scheduled_posts SET lease_owner = ?, lease_until = ?
                    WHERE slot = ? AND state = 'pending' AND (lease_until IS NULL OR lease_until < ? OR lease_owner = ?)""")) {
                update.setString(1, owner);
                update.setString(2, Db.time(now.plus(lease)));
                update.setString(3, slot);
                update.setString(4, Db.time(now));
                update.setString(5, owner);
                return update.executeUpdate() == 1 ? find(connection, slot) : Optional.<Post>empty();
            }
        });
    }

    /** Counts an attempt and extends the lease, so nobody takes over a post that is still being tried. */
    public void attempted(String slot, String owner, Duration lease, String error) throws SQLException {
        update("""
                UPDATE scheduled_posts SET attempts = attempts + 1, error = ?, lease_until = ?
                WHERE slot = ? AND lease_owner = ?""", error, Db.time(clock.instant().plus(lease)), slot, owner);
    }

    /** Lets go of a pending post at shutdown, so the next start resumes it at once. */
    public void release(String slot, String owner) throws SQLException {
        update("UPDATE scheduled_posts SET lease_until = NULL WHERE slot = ? AND lease_owner = ? AND state = 'pending'",
                slot, owner);
    }

    public void posted(String slot, String ts) throws SQLException {
        finish(slot, State.POSTED, ts, null);
    }

    public void failed(String slot, String error) throws SQLException {
        finish(slot, State.FAILED, null, error);
    }

    /** A pending post from an earlier day: too stale to send now. */
    public void expired(String slot) throws SQLException {
        finish(slot, State.EXPIRED, null, "not posted before its day ended");
    }

    public List<Post> pending() throws SQLException {
        return list("SELECT slot FROM scheduled_posts WHERE state = 'pending' ORDER BY fire_at", null, null);
    }

    /** The newest post that ended, posted or not, for /qcon schedule. */
    public Optional<Post> lastFinished() throws SQLException {
        return first("SELECT slot FROM scheduled_posts WHERE state <> 'pending' ORDER BY finished_at DESC LIMIT 1", null, null);
    }

    /** The newest post that reached Slack: the digest reports what changed since then. */
    public Optional<Post> lastPosted() throws SQLException {
        return first("SELECT slot FROM scheduled_posts WHERE state = 'posted' ORDER BY finished_at DESC LIMIT 1", null, null);
    }

    /** The newest post that reached Slack and was due in [from, to). */
    public Optional<Post> postedBetween(Instant from, Instant to) throws SQLException {
        return first("SELECT slot FROM scheduled_posts WHERE state = 'posted' AND fire_at >= ? AND fire_at < ? ORDER BY fire_at DESC LIMIT 1",
                Db.time(from), Db.time(to));
    }

    public Optional<Post> find(String slot) throws SQLException {
        return db.read(connection -> find(connection, slot));
    }

    /** The talk the next post will take, without taking it. */
    public Optional<Talk> peekNext() throws SQLException {
        Optional<Long> id = db.read(DailyPosts::nextTalk);
        return id.isEmpty() ? Optional.empty() : talks.byIds(List.of(id.get())).stream().findFirst();
    }

    /** Least recently rotated first, then agenda order: every talk once before any twice; new talks join this round. */
    private static Optional<Long> nextTalk(Connection connection) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("""
                SELECT id FROM talks WHERE in_notes = 1
                ORDER BY last_posted_round, source, day_number, time IS NULL, time, position LIMIT 1""");
             ResultSet rows = select.executeQuery()) {
            return rows.next() ? Optional.of(rows.getLong(1)) : Optional.empty();
        }
    }

    /** The round being filled: the highest one while some talk still lags behind it, else a new one. */
    private static int currentRound(Connection connection) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT min(last_posted_round), max(last_posted_round) FROM talks WHERE in_notes = 1");
             ResultSet rows = select.executeQuery()) {
            rows.next();
            int min = rows.getInt(1);
            int max = rows.getInt(2);
            return min < max ? max : max + 1;
        }
    }

    private void finish(String slot, State state, String ts, String error) throws SQLException {
        update("""
                UPDATE scheduled_posts SET state = ?, ts = ?, error = ?, finished_at = ?, lease_owner = NULL, lease_until = NULL
                WHERE slot = ? AND state = 'pending'""",
                state.name().toLowerCase(java.util.Locale.ROOT), ts, error, Db.time(clock.instant()), slot);
    }

    private void update(String sql, String... values) throws SQLException {
        db.run(connection -> {
            try (PreparedStatement update = connection.prepareStatement(sql)) {
                for (int i = 0; i < values.length; i++) {
                    update.setString(i + 1, values[i]);
                }
                update.executeUpdate();
            }
        });
    }

    private Optional<Post> first(String sql, String a, String b) throws SQLException {
        List<Post> posts = list(sql, a, b);
        return posts.isEmpty() ? Optional.empty() : Optional.of(posts.get(0));
    }

    private List<Post> list(String sql, String a, String b) throws SQLException {
        return db.read(connection -> {
            List<String> slots = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement(sql)) {
                if (a != null) {
                    select.setString(1, a);
                    select.setString(2, b);
                }
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        slots.add(rows.getString(1));
                    }
                }
            }
            List<Post> posts = new ArrayList<>();
            for (String slot : slots) {
                find(connection, slot).ifPresent(posts::add);
            }
            return posts;
        });
    }

    private static Optional<Post> find(Connection connection, String slot) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("""
                SELECT p.*, t.key AS talk_key, t.title, t.day AS talk_day FROM scheduled_posts p JOIN talks t ON t.id = p.talk_id
                WHERE p.slot = ?""")) {
            select.setString(1, slot);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                String finished = row.getString("finished_at");
                return Optional.of(new Post(row.getString("slot"), Instant.parse(row.getString("fire_at")),
                        row.getString("channel"), row.getLong("talk_id"), row.getString("talk_key"),
                        Talk.name(row.getString("title"), row.getString("talk_day")),
                        State.valueOf(row.getString("state").toUpperCase(java.util.Locale.ROOT)), row.getInt("attempts"),
                        row.getString("ts"), row.getString("error"), finished == null ? null : Instant.parse(finished)));
            }
        }
    }
}
