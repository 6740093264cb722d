package qconbot.store;

import qconbot.notes.Bullet;
import qconbot.notes.Notes;
import qconbot.notes.NotesParser;
import qconbot.notes.Talk;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Talks, points and whole notes files added from Slack. They are kept in the database, never in a notes file, and every load of the
 * notes merges them into what the files say ({@link #mergeInto}): reading the files again, a changed file or a
 * restart never loses them. A talk renamed or moved in the notes takes them along, and one deleted keeps them in
 * view under its old title ({@link Renames}); an editor can move a point elsewhere ({@link #movePoint}).
 */
public final class Added {

    /** Slack's limit for a section's text, and so for a point that must fit in one. */
    public static final int MAX_POINT = 3000;
    /** Where talks added in Slack come from, as a notes file's name would say. */
    public static final String SOURCE = "added in Slack";
    private static final Pattern DAY = Pattern.compile("(?i)day\\s*(\\d{1,3})");
    /** A new talk's day as typed: "Day 2", "day2" or "2"; saved as "Day 2". */
    public static final Pattern DAY_FIELD = Pattern.compile("(?i)(?:day\\s*)?0*(\\d{1,3})");

    /** A talk someone is adding: title required; day ("Day 2"), time ("10:35"), speaker, conference optional. */
    public record NewTalk(String title, String day, String time, String speaker, String conference) {
    }

    private final Db db;
    private final Clock clock;
    private final Set<String> editors;

    public Added(Db db, Clock clock) {
        this(db, clock, Set.of());
    }

    /** {@code editors} may import whole notes files, as admins may (QCON_EDITORS). */
    public Added(Db db, Clock clock, Set<String> editors) {
        this.db = db;
        this.clock = clock;
        this.editors = Set.copyOf(editors);
    }

    public boolean isEditor(String user) {
        return editors.contains(user);
    }

    /** A notes file someone is importing: pending until they press Import (or Cancel). */
    public record Import(long id, String name, String text, String by, String state) {
        public boolean pending() {
            return "pending".equals(state);
        }
    }

    /** Keeps a file to preview; nothing the bot serves changes until {@link #applyImport}. */
    public long stageImport(String name, String text, String by) throws SQLException {
        String now = clock.instant().toString();
        return db.inTransaction(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO imports (name, text, by_user, at, state) VALUES (?, ?, ?, ?, 'pending')")) {
                insert.setString(1, name);
                insert.setString(2, text);
                insert.setString(3, by);
                insert.setString(4, now);
                insert.executeUpdate();
            }
            return db.lastId(connection);
        });
    }

    public Optional<Import> importById(long id) throws SQLException {
        return db.read(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT * FROM imports WHERE id = ?")) {
                select.setLong(1, id);
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next() ? Optional.of(new Import(rows.getLong("id"), rows.getString("name"),
                            rows.getString("text"), rows.getString("by_user"), rows.getString("state"))) : Optional.empty();
                }
            }
        });
    }

    /** The text of the file imported under this name now, if any. */
    public Optional<String> imported(String name) throws SQLException {
        return db.read(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT text FROM imports WHERE name = ? AND state = 'imported'")) {
                select.setString(1, name);
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next() ? Optional.of(rows.getString(1)) : Optional.empty();
                }
            }
        });
    }

    /**
     * Imports a pending file (replacing an earlier one of the same name) or cancels it, in one transaction. False when
     * it is not pending any more (imported or cancelled already: a replayed click), so nothing changed.
     */
    public boolean finishImport(long id, boolean apply) throws SQLException {
        return db.inTransaction(connection -> {
            String name;
            try (PreparedStatement select = connection.prepareStatement("SELECT name FROM imports WHERE id = ? AND state = 'pending'")) {
                select.setLong(1, id);
                try (ResultSet rows = select.executeQuery()) {
                    if (!rows.next()) {
                        return false;
                    }
                    name = rows.getString(1);
                }
            }
            if (apply) {
                try (PreparedStatement replace = connection.prepareStatement(
                        "UPDATE imports SET state = 'replaced' WHERE name = ? AND state = 'imported'")) {
                    replace.setString(1, name);
                    replace.executeUpdate();
                }
            }
            try (PreparedStatement update = connection.prepareStatement("UPDATE imports SET state = ? WHERE id = ?")) {
                update.setString(1, apply ? "imported" : "cancelled");
                update.setLong(2, id);
                update.executeUpdate();
            }
            return true;
        });
    }

    /**
     * Adds a point to the talk with {@code talkKey}, or to a new talk when {@code newTalk} is given. {@code request}
     * names the submission (a modal's view id): the same request again adds nothing and returns empty.
     *
     * @return the key of the talk the point went to
     */
    public Optional<String> addPoint(String talkKey, NewTalk newTalk, String text, boolean internal, String by,
                                     String permalink, String request) throws SQLException {
        String now = clock.instant().toString();
        return db.inTransaction(connection -> {
            try (PreparedStatement seen = connection.prepareStatement("SELECT 1 FROM added_points WHERE request = ?")) {
                seen.setString(1, request);
                try (ResultSet rows = seen.executeQuery()) {
                    if (rows.next()) {
                        return Optional.empty();
                    }
                }
            }
            String key = newTalk == null ? talkKey : insertTalk(connection, newTalk, by, now);
            insertPoint(connection, key, text, internal, by, now, permalink, request);
            return Optional.of(key);
        });
    }

    /** How saving a reply as a question's answer went: {@code talkKey} and {@code pointId} when it was saved. */
    public record Answered(Outcome outcome, String talkKey, long pointId) {
        public enum Outcome { SAVED, ALREADY_SAVED, NOT_OPEN }
    }

    /**
     * Saves {@code text} as a point of the talk {@code talkKey} (or of {@code newTalk}) that answers the open question
     * {@code questionId}, from a reply by {@code replier} (who is the point's author); both in one transaction, so a
     * question is answered once however many replicas or clicks race (the others get NOT_OPEN, nothing saved). Once per {@code request}.
     */
    public Answered answer(long questionId, String talkKey, NewTalk newTalk, String text, String by, String replier,
                           String permalink, String request) throws SQLException {
        String now = Db.time(clock.instant());
        return db.inTransaction(connection -> {
            try (PreparedStatement seen = connection.prepareStatement("SELECT talk_key, id FROM added_points WHERE request = ?")) {
                seen.setString(1, request);
                try (ResultSet rows = seen.executeQuery()) {
                    if (rows.next()) {
                        return new Answered(Answered.Outcome.ALREADY_SAVED, rows.getString(1), rows.getLong(2));
                    }
                }
            }
            if (!Questions.isOpen(connection, questionId)) {
                return new Answered(Answered.Outcome.NOT_OPEN, null, 0);
            }
            String key = newTalk == null ? talkKey : insertTalk(connection, newTalk, by, now);
            long id = insertPoint(connection, key, text, false, replier, now, permalink, request);
            Questions.answered(connection, questionId, id, replier, by, now);
            return new Answered(Answered.Outcome.SAVED, key, id);
        });
    }

    /** One point added in Slack; returns its id. */
    private long insertPoint(Connection connection, String key, String text, boolean internal, String by, String now,
                             String permalink, String request) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO added_points (talk_key, text, internal, added_by, added_at, permalink, request)
                VALUES (?, ?, ?, ?, ?, ?, ?)""")) {
            insert.setString(1, key);
            insert.setString(2, oneLine(text));
            insert.setInt(3, internal ? 1 : 0);
            insert.setString(4, by);
            insert.setString(5, now);
            if (permalink == null) {
                insert.setNull(6, Types.VARCHAR);
            } else {
                insert.setString(6, permalink);
            }
            insert.setString(7, request);
            insert.executeUpdate();
        }
        return db.lastId(connection);
    }

    /** A point added in Slack as stored: its talk, text, who added it, and whether it was removed. */
    public record Point(long id, String talkKey, String text, String addedBy, boolean removed) {
    }

    public Optional<Point> point(long id) throws SQLException {
        return db.read(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT id, talk_key, text, added_by, removed_at FROM added_points WHERE id = ?")) {
                select.setLong(1, id);
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next() ? Optional.of(new Point(rows.getLong(1), rows.getString(2), rows.getString(3),
                            rows.getString(4), rows.getString(5) != null)) : Optional.empty();
                }
            }
        });
    }

    /**
     * Changes a point's text ({@code text} not null) or removes it (null), with the change in the audit trail. False
     * when the point is gone already, so nothing changed.
     */
    public boolean change(long id, String text, String by) throws SQLException {
        String now = clock.instant().toString();
        return db.inTransaction(connection -> {
            String old;
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT text FROM added_points WHERE id = ? AND removed_at IS NULL")) {
                select.setLong(1, id);
                try (ResultSet rows = select.executeQuery()) {
                    if (!rows.next()) {
                        return false;
                    }
                    old = rows.getString(1);
                }
            }
            try (PreparedStatement update = connection.prepareStatement(text == null
                    ? "UPDATE added_points SET removed_by = ?, removed_at = ? WHERE id = ?"
                    : "UPDATE added_points SET text = ? WHERE id = ?")) {
                if (text == null) {
                    update.setString(1, by);
                    update.setString(2, now);
                    update.setLong(3, id);
                } else {
                    update.setString(1, oneLine(text));
                    update.setLong(2, id);
                }
                update.executeUpdate();
            }
            audit(connection, id, old, text, by, now);
            if (text == null) {
                Questions.reopen(connection, List.of(id), by, clock.instant());
            }
            return true;
        });
    }

    /**
     * Takes back a talk added in Slack (spam, a mistake): it and its points are marked removed by {@code by}, each
     * point's removal in its history; nothing is deleted. The number of points it had; -1 when there is no such talk
     * (or it was removed already), so nothing changed.
     */
    public int removeTalk(String key, String by) throws SQLException {
        String now = clock.instant().toString();
        return db.inTransaction(connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE added_talks SET removed_by = ?, removed_at = ? WHERE key = ? AND removed_at IS NULL")) {
                update.setString(1, by);
                update.setString(2, now);
                update.setString(3, key);
                if (update.executeUpdate() == 0) {
                    return -1;
                }
            }
            Map<Long, String> points = new LinkedHashMap<>();
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT id, text FROM added_points WHERE talk_key = ? AND removed_at IS NULL ORDER BY id")) {
                select.setString(1, key);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        points.put(rows.getLong(1), rows.getString(2));
                    }
                }
            }
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE added_points SET removed_by = ?, removed_at = ? WHERE talk_key = ? AND removed_at IS NULL")) {
                update.setString(1, by);
                update.setString(2, now);
                update.setString(3, key);
                update.executeUpdate();
            }
            for (Map.Entry<Long, String> point : points.entrySet()) {
                audit(connection, point.getKey(), point.getValue(), null, by, now);
            }
            Questions.reopen(connection, points.keySet(), by, clock.instant());
            return points.size();
        });
    }

    /** Takes back an imported file: no load reads it any more. False when no file of that name is imported. */
    public boolean removeImport(String name, String by) throws SQLException {
        String now = clock.instant().toString();
        return db.inTransaction(connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE imports SET state = 'removed',"
                    + " removed_by = ?, removed_at = ? WHERE name = ? AND state = 'imported'")) {
                update.setString(1, by);
                update.setString(2, now);
                update.setString(3, name);
                return update.executeUpdate() > 0;
            }
        });
    }

    /**
     * Moves a point added in Slack, with its action item when it is one, to the talk {@code to} (an editor putting
     * back what was added to a talk no longer in the notes); the move is in the point's history. False when the
     * point is gone, so nothing changed.
     */
    public boolean movePoint(long id, String to, String by) throws SQLException {
        String now = clock.instant().toString();
        return db.inTransaction(connection -> {
            String from;
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT talk_key FROM added_points WHERE id = ? AND removed_at IS NULL")) {
                select.setLong(1, id);
                try (ResultSet rows = select.executeQuery()) {
                    if (!rows.next()) {
                        return false;
                    }
                    from = rows.getString(1);
                }
            }
            try (PreparedStatement update = connection.prepareStatement("UPDATE added_points SET talk_key = ? WHERE id = ?")) {
                update.setString(1, to);
                update.setLong(2, id);
                update.executeUpdate();
            }
            try (PreparedStatement update = connection.prepareStatement("UPDATE action_items SET key = ? WHERE key = ?")) {
                update.setString(1, to + "#P" + id); // its item, keyed by the point (Talks.internalLineKey)
                update.setString(2, from + "#P" + id);
                update.executeUpdate();
            }
            try (PreparedStatement audit = connection.prepareStatement("""
                    INSERT INTO added_changes (point_id, action, by_user, at, old_text, new_text) VALUES (?, 'moved', ?, ?, ?, ?)""")) {
                audit.setLong(1, id);
                audit.setString(2, by);
                audit.setString(3, now);
                audit.setString(4, from);
                audit.setString(5, to);
                audit.executeUpdate();
            }
            return true;
        });
    }

    /** The change's line in the audit trail: the point's text before, and after (null when it was removed). */
    private static void audit(Connection connection, long id, String old, String text, String by, String now)
            throws SQLException {
        try (PreparedStatement audit = connection.prepareStatement("""
                INSERT INTO added_changes (point_id, action, by_user, at, old_text, new_text) VALUES (?, ?, ?, ?, ?, ?)""")) {
            audit.setLong(1, id);
            audit.setString(2, text == null ? "removed" : "edited");
            audit.setString(3, by);
            audit.setString(4, now);
            audit.setString(5, old);
            audit.setString(6, text == null ? null : oneLine(text));
            audit.executeUpdate();
        }
    }

    /** A point is one line of the notes (export writes it so): line breaks become spaces. */
    private static String oneLine(String text) {
        return text.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    private static String insertTalk(Connection connection, NewTalk talk, String by, String now) throws SQLException {
        long id;
        try (PreparedStatement next = connection.prepareStatement("SELECT COALESCE(MAX(id), 0) + 1 FROM added_talks");
             ResultSet rows = next.executeQuery()) {
            rows.next();
            id = rows.getLong(1);
        }
        String key = "slack/" + id + "-" + slug(talk.title());
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO added_talks (id, key, conference, day, time, title, speaker, added_by, added_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
            insert.setLong(1, id);
            insert.setString(2, key);
            insert.setString(3, blank(talk.conference()) ? SOURCE : oneLine(talk.conference()));
            insert.setString(4, dayField(talk.day()));
            insert.setString(5, blank(talk.time()) ? null : (talk.time().strip().length() == 4 ? "0" : "") + talk.time().strip());
            insert.setString(6, oneLine(talk.title()));
            insert.setString(7, blank(talk.speaker()) ? null : oneLine(talk.speaker()));
            insert.setString(8, by);
            insert.setString(9, now);
            insert.executeUpdate();
        }
        return key;
    }

    /**
     * The talks of the notes files with the points added in Slack after their own, and the talks added in Slack as
     * notes of their own, one per conference. A point whose talk is in neither is left out (and kept).
     */
    public List<Notes> mergeInto(List<Notes> files) throws SQLException {
        return merge(withImports(files));
    }

    /**
     * {@link #mergeInto}, with the talks no longer in the notes that are kept in view for what was added to them
     * ({@code kept}, as {@link Talks#keptInView} reads them): for export, so what was added to a deleted talk is
     * written out too, under that talk in its file.
     */
    public List<Notes> mergeInto(List<Notes> files, List<Talk> kept) throws SQLException {
        List<Renames.Orphan> orphans = new ArrayList<>();
        for (Talk talk : kept) {
            List<Bullet> own = talk.bullets().stream().filter(bullet -> bullet.added() == null).toList();
            orphans.add(new Renames.Orphan(new Talk(talk.key(), talk.source(), talk.conference(), talk.day(),
                    talk.dayNumber(), talk.time(), talk.title(), talk.speaker(), own, 0, 0), 0, 0));
        }
        return merge(withImports(files), orphans);
    }

    /** The notes files and after them the files imported from Slack, parsed, nothing added yet. */
    public List<Notes> withImports(List<Notes> files) throws SQLException {
        List<Notes> all = new ArrayList<>(files);
        db.read(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT name, text FROM imports WHERE state = 'imported' ORDER BY name");
                 ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    all.add(NotesParser.parse(rows.getString(1), rows.getString(2)));
                }
            }
            return null;
        });
        return all;
    }

    /** {@link #mergeInto} for notes that hold the imported files already ({@link #withImports}). */
    public List<Notes> merge(List<Notes> all) throws SQLException {
        return merge(all, List.of());
    }

    /**
     * Follows the talks of the last load ({@code before}) into the notes about to be loaded ({@code all}): a talk
     * renamed, moved to another day or file takes what was added to it along ({@link Renames}); the talks gone with
     * something people added or did are returned, to stay in view ({@link #merge(List, List)}).
     */
    Renames.Followed follow(List<Talk> before, List<Notes> all) throws SQLException {
        List<Talk> now = new ArrayList<>();
        all.forEach(file -> now.addAll(file.talks()));
        return Renames.follow(db, before, now);
    }

    /** The same, with the talks gone from the notes that are kept in view for what was added to them, at the end of their file. */
    List<Notes> merge(List<Notes> all, List<Renames.Orphan> orphans) throws SQLException {
        Additions additions = db.read(connection -> Additions.read(connection, null));
        Map<String, List<Talk>> kept = new LinkedHashMap<>();
        orphans.forEach(orphan -> kept.computeIfAbsent(orphan.talk().source(), source -> new ArrayList<>()).add(orphan.talk()));
        List<Notes> merged = new ArrayList<>();
        for (Notes file : all) {
            List<Talk> talks = new ArrayList<>(file.talks());
            talks.addAll(kept.getOrDefault(file.source(), List.of()));
            kept.remove(file.source());
            merged.add(new Notes(file.source(), file.conference(), additions.onto(talks), file.warnings()));
        }
        kept.forEach((source, talks) -> merged.add(new Notes(source, talks.get(0).conference(), additions.onto(talks), List.of())));
        Map<String, List<Talk>> byConference = new LinkedHashMap<>();
        for (Talk talk : additions.onto(additions.talks())) {
            byConference.computeIfAbsent(talk.conference(), c -> new ArrayList<>()).add(talk);
        }
        byConference.forEach((conference, talks) -> merged.add(new Notes(SOURCE, conference, talks, List.of())));
        return merged;
    }

    /** The talks of one file (an import just applied) as {@link #merge} would give them. */
    public List<Talk> mergeFile(Notes file) throws SQLException {
        return mergeFile(file, List.of());
    }

    /** The same, with its talks gone and kept in view for what was added to them ({@link #follow}) after its own. */
    List<Talk> mergeFile(Notes file, List<Renames.Orphan> orphans) throws SQLException {
        List<Talk> talks = new ArrayList<>(file.talks());
        orphans.forEach(orphan -> talks.add(orphan.talk()));
        return db.read(connection -> Additions.read(connection, null)).onto(talks);
    }

    /**
     * What importing {@code now} over the file imported under its name before ({@code before}, null for none) would
     * do to what people added to that file's talks, changing nothing, for the preview.
     */
    public Renames.Followed importWouldKeep(Notes before, Notes now) throws SQLException {
        return before == null ? Renames.Followed.NOTHING : Renames.preview(db, before.talks(), now.talks());
    }

    /**
     * One talk as {@link #merge} would give it: {@code base} (from a notes file, at {@code position} in it) with what
     * was added to it, or, when {@code base} is null, the talk added in Slack with this key, at its place among the
     * talks added for its conference. Empty when there is no such talk. Reads only the rows of this talk.
     */
    public Optional<Talks.Placed> mergeTalk(Talk base, int position, String key) throws SQLException {
        return db.read(connection -> {
            Additions additions = Additions.read(connection, key);
            if (base != null) {
                return Optional.of(new Talks.Placed(additions.onto(List.of(base)).get(0), position));
            }
            if (additions.talks().isEmpty()) {
                return Optional.empty();
            }
            Talk talk = additions.onto(additions.talks()).get(0);
            return Optional.of(new Talks.Placed(talk, addedBefore(connection, key, talk.conference())));
        });
    }

    /** How many talks were added for this conference before the one with this key: its place among them. */
    private static int addedBefore(Connection connection, String key, String conference) throws SQLException {
        try (PreparedStatement count = connection.prepareStatement("""
                SELECT count(*) FROM added_talks WHERE conference = ? AND id < (SELECT id FROM added_talks WHERE key = ?)""")) {
            count.setString(1, conference);
            count.setString(2, key);
            try (ResultSet rows = count.executeQuery()) {
                return rows.next() ? rows.getInt(1) : 0;
            }
        }
    }

    /**
     * What was added in Slack: the points by talk key, each closed item's outcome keyed as its line is, and the talks
     * added. Read for every talk, or ({@code key} not null) for that one talk only.
     */
    private record Additions(Map<String, List<Bullet>> points, Map<String, Bullet> outcomes, List<Talk> talks,
                             Exported exported) {

        static Additions read(Connection connection, String key) throws SQLException {
            return new Additions(Added.points(connection, key), Added.outcomes(connection, key),
                    addedTalks(connection, key), Exported.read(connection, key));
        }

        /**
         * The talks with the lines export wrote for the database's own points and outcomes taken out (the
         * database's are merged, once), the points added after their own and each outcome under its item's line.
         */
        List<Talk> onto(List<Talk> talks) {
            return withOutcomes(withPoints(exported.withoutCopies(talks), points), outcomes);
        }
    }

    /**
     * What lines of an exported file, read back, are the same as the database's: a point's "[P3] " marker names a
     * point of the database (kept or removed) in that talk; an outcome line "what came of it (A3, …)" names an item
     * of the database in that talk. Those lines are left out, as the database's own are merged (a removed point stays
     * removed); any other marked line is a plain line of its file ({@link Bullet#plain}). Read for every talk, or
     * ({@code key} not null) for one.
     */
    private record Exported(Map<Long, String> pointTalks, Map<Long, String> itemTalks) {

        static Exported read(Connection connection, String key) throws SQLException {
            Map<Long, String> pointTalks = new HashMap<>();
            try (PreparedStatement select = connection.prepareStatement("SELECT id, talk_key FROM added_points"
                    + (key == null ? "" : " WHERE talk_key = ?"))) {
                if (key != null) {
                    select.setString(1, key);
                }
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        pointTalks.put(rows.getLong(1), rows.getString(2));
                    }
                }
            }
            Map<Long, String> itemTalks = new HashMap<>();
            try (PreparedStatement select = connection.prepareStatement("SELECT id, key FROM action_items"
                    + (key == null ? "" : " WHERE substr(key, 1, ?) = ?"))) {
                if (key != null) {
                    select.setInt(1, key.length() + 1);
                    select.setString(2, key + "#");
                }
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        String item = rows.getString(2);
                        itemTalks.put(rows.getLong(1), item.contains("#") ? item.substring(0, item.indexOf('#')) : item);
                    }
                }
            }
            return new Exported(pointTalks, itemTalks);
        }

        List<Talk> withoutCopies(List<Talk> talks) {
            List<Talk> kept = new ArrayList<>(talks.size());
            for (Talk talk : talks) {
                if (talk.bullets().stream().noneMatch(Bullet::fromExport)) {
                    kept.add(talk);
                    continue;
                }
                List<Bullet> bullets = new ArrayList<>();
                for (Bullet bullet : talk.bullets()) {
                    if (!bullet.fromExport() || !same(talk, bullet)) {
                        bullets.add(bullet.plain());
                    }
                }
                kept.add(new Talk(talk.key(), talk.source(), talk.conference(), talk.day(), talk.dayNumber(), talk.time(),
                        talk.title(), talk.speaker(), bullets, talk.firstLine(), talk.lastLine()));
            }
            return kept;
        }

        private boolean same(Talk talk, Bullet bullet) {
            long id = bullet.added().id();
            return talk.key().equals((bullet.isOutcome() ? itemTalks : pointTalks).get(id));
        }
    }

    private static Map<String, List<Bullet>> points(Connection connection, String key) throws SQLException {
        Map<String, List<Bullet>> points = new LinkedHashMap<>();
        try (PreparedStatement select = connection.prepareStatement("""
                SELECT id, talk_key, text, internal, added_by, added_at, permalink FROM added_points
                WHERE removed_at IS NULL""" + (key == null ? "" : " AND talk_key = ?") + " ORDER BY id")) {
            if (key != null) {
                select.setString(1, key);
            }
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    Bullet.Added added = new Bullet.Added(rows.getLong("id"), rows.getString("added_by"),
                            Instant.parse(rows.getString("added_at")), rows.getString("permalink"));
                    points.computeIfAbsent(rows.getString("talk_key"), k -> new ArrayList<>()).add(new Bullet(1,
                            rows.getInt("internal") == 1 ? Bullet.Kind.INTERNAL : Bullet.Kind.POINT,
                            rows.getString("text"), List.of(), 0, added));
                }
            }
        }
        return points;
    }

    private static List<Talk> addedTalks(Connection connection, String key) throws SQLException {
        List<Talk> talks = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT * FROM added_talks WHERE removed_at IS NULL" + (key == null ? "" : " AND key = ?") + " ORDER BY id")) {
            if (key != null) {
                select.setString(1, key);
            }
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    String day = rows.getString("day");
                    Matcher number = DAY.matcher(day);
                    talks.add(new Talk(rows.getString("key"), SOURCE, rows.getString("conference"), day,
                            number.find() ? Integer.parseInt(number.group(1)) : 0, rows.getString("time"),
                            rows.getString("title"), rows.getString("speaker"), List.of(), 0, 0));
                }
            }
        }
        return talks;
    }

    private static List<Talk> withPoints(List<Talk> talks, Map<String, List<Bullet>> points) {
        List<Talk> merged = new ArrayList<>();
        for (Talk talk : talks) {
            List<Bullet> more = points.get(talk.key());
            if (more == null) {
                merged.add(talk);
                continue;
            }
            List<Bullet> bullets = new ArrayList<>(talk.bullets());
            bullets.addAll(more);
            merged.add(new Talk(talk.key(), talk.source(), talk.conference(), talk.day(), talk.dayNumber(), talk.time(),
                    talk.title(), talk.speaker(), bullets, talk.firstLine(), talk.lastLine()));
        }
        return merged;
    }

    /**
     * What came of each closed item (or why it won't be done), keyed as its line is (Talks.internalLineKey): it goes under that line. For one
     * talk ({@code key} not null), its items only: their keys begin with the talk's key and "#".
     */
    private static Map<String, Bullet> outcomes(Connection connection, String key) throws SQLException {
        Map<String, Bullet> outcomes = new HashMap<>();
        try (PreparedStatement select = connection.prepareStatement("""
                SELECT id, key, resolution, outcome, outcome_link, outcome_by, outcome_at FROM action_items
                WHERE state = 'done' AND outcome_at IS NOT NULL""" + (key == null ? "" : " AND substr(key, 1, ?) = ?"))) {
            if (key != null) {
                select.setInt(1, key.length() + 1);
                select.setString(2, key + "#");
            }
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    Bullet.Kind kind = "wont_do".equals(rows.getString("resolution")) ? Bullet.Kind.WONT_DO
                            : Bullet.Kind.OUTCOME;
                    outcomes.put(rows.getString("key"), new Bullet(2, kind, ActionItems.oneLine(rows.getString("outcome")),
                            List.of(), 0, new Bullet.Added(rows.getLong("id"), rows.getString("outcome_by"),
                            Instant.parse(rows.getString("outcome_at")), rows.getString("outcome_link"))));
                }
            }
        }
        return outcomes;
    }

    /** Each outcome as the point right under its item's line (a sub-point; under a sub-point, beside it). */
    private static List<Talk> withOutcomes(List<Talk> talks, Map<String, Bullet> outcomes) {
        if (outcomes.isEmpty()) {
            return talks;
        }
        List<Talk> merged = new ArrayList<>();
        for (Talk talk : talks) {
            List<Bullet> bullets = new ArrayList<>();
            for (Bullet bullet : talk.bullets()) {
                bullets.add(bullet);
                Bullet outcome = bullet.isInternal() ? outcomes.get(Talks.internalLineKey(talk, bullet)) : null;
                if (outcome != null) {
                    bullets.add(outcome);
                }
            }
            merged.add(bullets.size() == talk.bullets().size() ? talk : new Talk(talk.key(), talk.source(),
                    talk.conference(), talk.day(), talk.dayNumber(), talk.time(), talk.title(), talk.speaker(), bullets,
                    talk.firstLine(), talk.lastLine()));
        }
        return merged;
    }

    /** "Day 2" for a day typed as "Day 2", "day2" or "2"; "" for none (or, from an older form, one with no number). */
    private static String dayField(String day) {
        Matcher typed = blank(day) ? null : DAY_FIELD.matcher(day.strip());
        return typed != null && typed.matches() && !typed.group(1).equals("0") ? "Day " + typed.group(1) : "";
    }

    private static boolean blank(String text) {
        return text == null || text.isBlank();
    }

    private static String slug(String title) {
        String slug = title.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]+", "-").replaceAll("^-|-$", "");
        slug = slug.length() > 60 ? slug.substring(0, 60) : slug;
        return slug.isEmpty() ? "talk" : slug;
    }
}
