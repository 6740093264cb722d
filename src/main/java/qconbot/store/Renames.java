package qconbot.store;

import qconbot.notes.Bullet;
import qconbot.notes.Talk;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which talks gone from the notes are new talks under another key: a title edited, a talk moved to another day or
 * another file. A talk's key is its file, day and title, so each of those edits makes it look like one talk gone
 * and another new; what people added to it (points, claims, discussions, outcomes) hangs on the key.
 *
 * <p>The rule: a gone talk is the same as a new talk when at least half of its lines from the file are in the new
 * one (so any edit of title, day or file that keeps the points), or when, in the same file, the words of one title
 * are all among the other's ("microservices at Monzo" and "Microservices at Monzo (Matt Heath)"). A match is sure
 * only when it is the only one both ways: the gone talk qualifies for one new talk, and that new talk for no other
 * gone talk. What is not sure is not matched: its additions stay visible under the old talk, and an editor can move
 * them ({@link Added#movePoint}).
 */
public final class Renames {

    /** A talk of the last load ({@code from}) that is {@code to} in the notes read now. */
    public record Move(Talk from, Talk to) {
    }

    /**
     * A talk gone from the notes with what people added to it, kept in view: {@code talk} is the old talk with only
     * its items people worked on (claimed, closed, discussed) and the points they sit under; the points added in
     * Slack join it as they join any talk.
     */
    public record Orphan(Talk talk, int points, int items) {
    }

    /** What a load did about talks gone from the notes: the ones it matched, the ones kept in view. */
    public record Followed(List<Move> moved, List<Orphan> orphans) {
        static final Followed NOTHING = new Followed(List.of(), List.of());

        /** Lines for the load's report: matched talks, then what belongs to talks no longer in the notes. */
        List<String> report() {
            List<String> lines = new ArrayList<>();
            if (!moved.isEmpty()) {
                Move first = moved.get(0);
                lines.add(moved.size() + (moved.size() == 1 ? " talk" : " talks") + " matched to a new title, day or file,"
                        + " with what was added to " + (moved.size() == 1 ? "it" : "them") + " (" + first.from().name()
                        + " is now " + first.to().name() + (moved.size() > 1 ? ", …" : "") + ")");
            }
            for (Orphan orphan : orphans) {
                lines.add(what(orphan) + (orphan.points() + orphan.items() == 1 ? " belongs to " : " belong to ")
                        + orphan.talk().name()
                        + ", no longer in the notes: kept under it until an editor moves them");
            }
            return lines;
        }

        /** The same, before an import: what it would do, for its preview. */
        public List<String> previewLines() {
            List<String> lines = new ArrayList<>();
            for (Move move : moved) {
                lines.add(move.from().name() + " would be matched to " + move.to().name() + ": what was added to it moves along");
            }
            for (Orphan orphan : orphans) {
                lines.add(orphan.talk().name() + " would go: " + what(orphan)
                        + (orphan.points() + orphan.items() == 1 ? " stays" : " stay") + " in view under it");
            }
            return lines;
        }

        /** "2 points added in Slack and 1 item people worked on". */
        private static String what(Orphan orphan) {
            String points = counted(orphan.points(), "point added in Slack", "points added in Slack");
            String items = counted(orphan.items(), "item people worked on", "items people worked on");
            return points.isEmpty() || items.isEmpty() ? points + items : points + " and " + items;
        }

        private static String counted(int count, String one, String many) {
            return count == 0 ? "" : count + " " + (count == 1 ? one : many);
        }
    }

    private Renames() {
    }

    /**
     * Follows the talks of the last load ({@code before}) into the notes read {@code now}: each sure match gets the
     * old talk's row (its id, its place in the talk of the day's rotation), its points added in Slack and its action
     * items, in one transaction, before the load writes the talks; each talk gone without one, that has something
     * people added or did, is returned to be kept in view.
     */
    static Followed follow(Db db, List<Talk> before, List<Talk> now) throws SQLException {
        List<Move> moves = match(before, now);
        List<Talk> gone = goneUnmatched(before, now, moves);
        if (moves.isEmpty() && gone.isEmpty()) {
            return Followed.NOTHING;
        }
        return db.inTransaction(connection -> {
            for (Move move : moves) {
                move(connection, move.from().key(), move.to().key());
            }
            return new Followed(moves, orphans(connection, gone));
        });
    }

    /** What {@link #follow} would do, changing nothing: for an import's preview. */
    static Followed preview(Db db, List<Talk> before, List<Talk> now) throws SQLException {
        List<Move> moves = match(before, now);
        List<Talk> gone = goneUnmatched(before, now, moves);
        return moves.isEmpty() && gone.isEmpty() ? Followed.NOTHING
                : db.read(connection -> new Followed(moves, orphans(connection, gone)));
    }

    private static List<Talk> goneUnmatched(List<Talk> before, List<Talk> now, List<Move> moves) {
        Set<String> nowKeys = new HashSet<>();
        now.forEach(talk -> nowKeys.add(talk.key()));
        Set<String> moved = new HashSet<>();
        moves.forEach(move -> moved.add(move.from().key()));
        return before.stream().filter(talk -> !nowKeys.contains(talk.key()) && !moved.contains(talk.key())
                && !Added.SOURCE.equals(talk.source())).toList();
    }

    /** Everything keyed by the talk {@code from} to {@code to}: its row, its points, its items. */
    private static void move(Connection connection, String from, String to) throws SQLException {
        update(connection, "UPDATE talks SET key = ? WHERE key = ? AND NOT EXISTS (SELECT 1 FROM talks WHERE key = ?)",
                to, from, to);
        update(connection, "UPDATE added_points SET talk_key = ? WHERE talk_key = ?", to, from);
        try (PreparedStatement update = connection.prepareStatement("""
                UPDATE action_items SET key = CAST(? AS TEXT) || substr(key, ?)
                WHERE substr(key, 1, ?) = ? AND NOT EXISTS
                    (SELECT 1 FROM action_items other WHERE other.key = CAST(? AS TEXT) || substr(action_items.key, ?))""")) {
            update.setString(1, to);
            update.setInt(2, from.length() + 1);
            update.setInt(3, from.length() + 1);
            update.setString(4, from + "#");
            update.setString(5, to);
            update.setInt(6, from.length() + 1);
            update.executeUpdate();
        }
    }

    private static void update(Connection connection, String sql, String... values) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                update.setString(i + 1, values[i]);
            }
            update.executeUpdate();
        }
    }

    /** The gone talks with points added in Slack or items people worked on, each with just those items. */
    private static List<Orphan> orphans(Connection connection, List<Talk> gone) throws SQLException {
        Map<String, Integer> points = new HashMap<>();
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT talk_key, count(*) FROM added_points WHERE removed_at IS NULL GROUP BY talk_key");
             ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                points.put(rows.getString(1), rows.getInt(2));
            }
        }
        Set<String> workedOn = new HashSet<>();
        try (PreparedStatement select = connection.prepareStatement("""
                SELECT key FROM action_items a
                WHERE state <> 'open' OR EXISTS (SELECT 1 FROM threads t WHERE t.item_id = a.id)""");
             ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                workedOn.add(rows.getString(1));
            }
        }
        List<Orphan> orphans = new ArrayList<>();
        for (Talk talk : gone) {
            Talk kept = workedOnOnly(talk, workedOn);
            int items = (int) kept.bullets().stream().filter(Bullet::isInternal).count();
            int added = points.getOrDefault(talk.key(), 0);
            if (added + items > 0) {
                orphans.add(new Orphan(kept, added, items));
            }
        }
        return orphans;
    }

    /**
     * The talk with only its lines from the file that are items someone worked on, each with the point it sits under;
     * no line numbers (it is in no file now).
     */
    private static Talk workedOnOnly(Talk talk, Set<String> workedOn) {
        List<Bullet> bullets = talk.bullets();
        int[] parents = talk.parents();
        java.util.TreeSet<Integer> keep = new java.util.TreeSet<>();
        for (int i = 0; i < bullets.size(); i++) {
            Bullet bullet = bullets.get(i);
            if (bullet.isInternal() && bullet.added() == null && workedOn.contains(Talks.internalLineKey(talk, bullet))) {
                keep.add(i);
                if (parents[i] >= 0) {
                    keep.add(parents[i]);
                }
            }
        }
        List<Bullet> kept = new ArrayList<>();
        keep.forEach(i -> kept.add(bullets.get(i)));
        return new Talk(talk.key(), talk.source(), talk.conference(), talk.day(), talk.dayNumber(), talk.time(),
                talk.title(), talk.speaker(), kept, 0, 0);
    }

    /** The sure matches between talks {@code before} (in the database) and the talks read {@code now}. */
    static List<Move> match(List<Talk> before, List<Talk> now) {
        Set<String> nowKeys = new HashSet<>();
        now.forEach(talk -> nowKeys.add(talk.key()));
        Set<String> beforeKeys = new HashSet<>();
        before.forEach(talk -> beforeKeys.add(talk.key()));
        List<Talk> gone = before.stream().filter(talk -> !nowKeys.contains(talk.key()) && !Added.SOURCE.equals(talk.source()))
                .toList();
        List<Talk> fresh = now.stream().filter(talk -> !beforeKeys.contains(talk.key())).toList();
        // Indexed, so that a reload of a renamed 10,000-talk file is not 10,000 x 10,000 comparisons: the new talks by
        // each of their lines; by file for the title rule, compared pair by pair only while that stays cheap.
        Map<String, List<Talk>> byLine = new HashMap<>();
        Map<String, List<Talk>> bySource = new HashMap<>();
        for (Talk talk : fresh) {
            lines(talk).forEach(line -> byLine.computeIfAbsent(line, l -> new ArrayList<>()).add(talk));
            bySource.computeIfAbsent(talk.source(), s -> new ArrayList<>()).add(talk);
        }
        long titleChecks = gone.stream().mapToLong(old -> bySource.getOrDefault(old.source(), List.of()).size()).sum();
        Map<String, List<Talk>> candidates = new HashMap<>();
        Map<String, Integer> wanted = new HashMap<>();
        for (Talk old : gone) {
            List<Talk> same = candidates(old, byLine, titleChecks <= MAX_TITLE_CHECKS
                    ? bySource.getOrDefault(old.source(), List.of()) : List.of());
            candidates.put(old.key(), same);
            same.forEach(talk -> wanted.merge(talk.key(), 1, Integer::sum));
        }
        List<Move> moves = new ArrayList<>();
        for (Talk old : gone) {
            List<Talk> same = candidates.get(old.key());
            if (same.size() == 1 && wanted.get(same.get(0).key()) == 1) {
                moves.add(new Move(old, same.get(0)));
            }
        }
        return moves;
    }

    /** Beyond this many title comparisons in one load, titles are not compared: lines decide (a renamed or re-dated file). */
    static final long MAX_TITLE_CHECKS = 1_000_000;

    /** The new talks {@code old} is the same as: by its lines (through the index), then by title among {@code sameFile}. */
    private static List<Talk> candidates(Talk old, Map<String, List<Talk>> byLine, List<Talk> sameFile) {
        Set<String> lines = lines(old);
        Map<String, Integer> shared = new HashMap<>();
        Map<String, Talk> talks = new java.util.LinkedHashMap<>();
        for (String line : lines) {
            for (Talk talk : byLine.getOrDefault(line, List.of())) {
                shared.merge(talk.key(), 1, Integer::sum);
                talks.putIfAbsent(talk.key(), talk);
            }
        }
        Map<String, Talk> same = new java.util.LinkedHashMap<>();
        talks.forEach((key, talk) -> {
            if (shared.get(key) * 2 >= lines.size()) {
                same.put(key, talk);
            }
        });
        for (Talk talk : sameFile) {
            if (!same.containsKey(talk.key()) && titleWithin(old.title(), talk.title())) {
                same.put(talk.key(), talk);
            }
        }
        return List.copyOf(same.values());
    }

    /** The lines a talk has from its file (not what was added in Slack), compared without case and spacing. */
    private static Set<String> lines(Talk talk) {
        Set<String> lines = new HashSet<>();
        for (Bullet bullet : talk.bullets()) {
            if (bullet.added() == null) {
                lines.add(normal(bullet.text()));
            }
        }
        lines.remove("");
        return lines;
    }

    /** Whether every word of one title is in the other. */
    private static boolean titleWithin(String a, String b) {
        Set<String> one = words(a);
        Set<String> other = words(b);
        return !one.isEmpty() && !other.isEmpty() && (one.containsAll(other) || other.containsAll(one));
    }

    private static Set<String> words(String text) {
        Set<String> words = new HashSet<>(List.of(normal(text).split(" ")));
        words.remove("");
        return words;
    }

    private static String normal(String text) {
        return text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]+", " ").strip();
    }
}
