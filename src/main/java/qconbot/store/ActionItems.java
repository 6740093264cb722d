package qconbot.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The [INTERNAL] lines as action items: who may claim, assign, unclaim, finish and reopen them, every change
 * written with its audit row in one transaction, and the Slack threads where each is discussed.
 */
public final class ActionItems {

    public enum State { OPEN, CLAIMED, DONE }

    /**
     * What people do to an item. WONT_DO closes it as DONE does, as "won't do", with a reason; OUTCOME says (or
     * changes) what came of a closed item.
     */
    public enum Action { CLAIM, UNCLAIM, ASSIGN, DONE, REOPEN, WONT_DO, OUTCOME }

    /** What came of a closed item (or why it won't be done): a line of text, an optional link, who said it, when. */
    public record ItemOutcome(String text, String link, String by, Instant at) {
        /** One line, also for one saved before outcomes were kept on one line. */
        public ItemOutcome {
            text = oneLine(text);
        }
    }

    /** Line breaks and the blanks around them become one space; null stays null. */
    public static String oneLine(String text) {
        return text == null ? null : text.replaceAll("\\s*\\R\\s*", " ").strip();
    }

    /**
     * What someone says came of an item as they close it or later: text (may be empty) and an optional link. The
     * text is one line, as a point is: line breaks typed in a form become spaces, so an outcome or a reason can never
     * look like lines of its own (a forged "[INTERNAL]" bullet) wherever it is shown or exported.
     */
    public record Note(String text, String link) {
        public Note {
            text = oneLine(text);
        }

        public boolean isEmpty() {
            return text.isBlank() && link == null;
        }
    }

    /** How an action ended. Only CHANGED wrote anything. */
    public enum Verdict {
        CHANGED,
        /** The item already was as asked (claim your own item, reopen an open one). */
        ALREADY,
        /** Someone else owns it. */
        TAKEN,
        /** Only the owner, whoever assigned it, or an admin may do that. */
        NOT_ALLOWED,
        /** It is done: reopen it first. */
        IS_DONE,
        /** Reopen is for done items; a claimed one is unclaimed instead. */
        NOT_DONE,
        /** No item has that id. */
        NOT_FOUND,
        /** This very request (same event or click) was handled before. */
        DUPLICATE
    }

    /** Where an item is discussed: the bot's message in a channel, and what happened in its thread. */
    public record Thread(String channel, String ts, String permalink, int replies, List<String> participants,
                         Instant lastReplyAt) {
    }

    /**
     * @param parent  the point the item's line sits under in the notes, or null when it is a top-level line
     * @param addedBy who added the item's point in Slack (line 0), or null for a line of a notes file
     */
    public record ActionItem(long id, String text, String talkKey, String talkTitle, String day, String source,
                             int line, boolean inNotes, State state, String owner, String assignedBy,
                             Instant changedAt, List<Thread> threads, String parent, String addedBy,
                             boolean wontDo, String closedBy, ItemOutcome outcome) {

        /** What people type: "A3". */
        public String ref() {
            return "A" + id;
        }

        /** The item as shown on its own: under its parent, "ran incident workshops → like our clinics". */
        public String shown() {
            return parent == null ? text : parent + " → " + text;
        }
    }

    /** One row of the audit trail; {@code detail} is the outcome or reason said with it, if any. */
    public record Change(long itemId, Instant at, String actor, Action action, State from, State to,
                         String fromOwner, String toOwner, String detail) {
    }

    /** The result of an action: how it ended, and the item as it is now (null only when NOT_FOUND). */
    public record Result(Verdict verdict, Action action, String actor, ActionItem item) {
        public boolean changed() {
            return verdict == Verdict.CHANGED;
        }
    }

    /** Which items a list shows. */
    public enum View { OUTSTANDING, MINE, OPEN, ALL }

    private final Db db;
    private final Clock clock;
    private final Set<String> admins;

    public ActionItems(Db db, Clock clock, Set<String> admins) {
        this.db = db;
        this.clock = clock;
        this.admins = Set.copyOf(admins);
    }

    public boolean isAdmin(String user) {
        return admins.contains(user);
    }

    /**
     * Claims, assigns, unclaims, finishes or reopens an item for {@code actor}. Decides on the item as it is inside
     * the transaction, then writes with a version check, so concurrent clicks end with exactly one winner.
     *
     * @param assignee   the new owner, for ASSIGN only
     * @param requestKey the Slack event or click this comes from, so a replay changes nothing; null for none
     */
    public Result act(long id, Action action, String actor, String assignee, String requestKey) throws SQLException {
        return act(id, action, actor, assignee, requestKey, null);
    }

    /**
     * The same, with what came of it ({@code note}, may be null) for DONE, WONT_DO (its reason) and OUTCOME. The note
     * is kept on the item and in the audit row, in the same transaction.
     */
    public Result act(long id, Action action, String actor, String assignee, String requestKey, Note note)
            throws SQLException {
        Objects.requireNonNull(actor, "actor");
        if (action == Action.ASSIGN) {
            Objects.requireNonNull(assignee, "assignee");
        }
        return db.inTransaction(connection -> {
            if (requestKey != null && !markHandled(connection, requestKey)) {
                return new Result(Verdict.DUPLICATE, action, actor, read(connection, id).orElse(null));
            }
            Optional<ActionItem> found = read(connection, id);
            if (found.isEmpty()) {
                return new Result(Verdict.NOT_FOUND, action, actor, null);
            }
            ActionItem item = found.get();
            Decision decision = decide(item, action, actor, assignee);
            if (decision.verdict() != Verdict.CHANGED) {
                return new Result(decision.verdict(), action, actor, item);
            }
            Instant now = clock.instant();
            update(connection, item, decision, now);
            closing(connection, id, action, actor, note, now);
            if (!Objects.equals(item.owner(), decision.owner())) {
                // A snooze was the old owner's "not now"; a new owner starts afresh.
                try (PreparedStatement unsnooze = connection.prepareStatement("DELETE FROM snoozes WHERE item_id = ?")) {
                    unsnooze.setLong(1, id);
                    unsnooze.executeUpdate();
                }
            }
            audit(connection, item, action, actor, decision, note, now);
            return new Result(Verdict.CHANGED, action, actor, read(connection, id).orElseThrow());
        });
    }

    /** The decided change, only if the item is still as it was read (a version check under the write lock). */
    private static void update(Connection connection, ActionItem item, Decision decision, Instant now) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("""
                UPDATE action_items SET state = ?, owner = ?, assigned_by = ?, changed_at = ?, version = version + 1
                WHERE id = ? AND state = ? AND owner IS NOT DISTINCT FROM ?""")) {
            update.setString(1, decision.state().name().toLowerCase(Locale.ROOT));
            update.setString(2, decision.owner());
            update.setString(3, decision.assignedBy());
            update.setString(4, Db.time(now));
            update.setLong(5, item.id());
            update.setString(6, item.state().name().toLowerCase(Locale.ROOT));
            update.setString(7, item.owner());
            if (update.executeUpdate() != 1) {
                throw new SQLException("action item " + item.id() + " changed under a write lock; refusing to guess");
            }
        }
    }

    /** The audit row of a change, with what was said with it; in the change's transaction. */
    private static void audit(Connection connection, ActionItem item, Action action, String actor, Decision decision,
                              Note note, Instant now) throws SQLException {
        try (PreparedStatement audit = connection.prepareStatement("""
                INSERT INTO action_item_changes (item_id, at, actor, action, from_state, to_state, from_owner, to_owner,
                                                 detail)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
            audit.setLong(1, item.id());
            audit.setString(2, Db.time(now));
            audit.setString(3, actor);
            audit.setString(4, action.name().toLowerCase(Locale.ROOT));
            audit.setString(5, item.state().name().toLowerCase(Locale.ROOT));
            audit.setString(6, decision.state().name().toLowerCase(Locale.ROOT));
            audit.setString(7, item.owner());
            audit.setString(8, decision.owner());
            audit.setString(9, note == null || note.isEmpty() ? null
                    : note.text() + (note.link() == null ? "" : " " + note.link()));
            audit.executeUpdate();
        }
    }

    /**
     * How a closing change leaves the item's resolution and outcome: DONE and WONT_DO close it (by {@code actor},
     * with the note as its outcome or reason), OUTCOME replaces the outcome, REOPEN clears them all.
     */
    private static void closing(Connection connection, long id, Action action, String actor, Note note, Instant now)
            throws SQLException {
        if (!EnumSet.of(Action.DONE, Action.WONT_DO, Action.OUTCOME, Action.REOPEN).contains(action)) {
            return;
        }
        boolean said = note != null && !note.isEmpty();
        String sql = switch (action) {
            case OUTCOME -> "UPDATE action_items SET outcome = ?, outcome_link = ?, outcome_by = ?, outcome_at = ? WHERE id = ?";
            case REOPEN -> "UPDATE action_items SET resolution = NULL, closed_by = NULL, outcome = NULL, outcome_link = NULL,"
                    + " outcome_by = NULL, outcome_at = NULL WHERE id = ?";
            default -> "UPDATE action_items SET outcome = ?, outcome_link = ?, outcome_by = ?, outcome_at = ?,"
                    + " resolution = ?, closed_by = ? WHERE id = ?";
        };
        try (PreparedStatement update = connection.prepareStatement(sql)) {
            int i = 1;
            if (action != Action.REOPEN) {
                update.setString(i++, said ? note.text() : null);
                update.setString(i++, said ? note.link() : null);
                update.setString(i++, said ? actor : null);
                update.setString(i++, said ? Db.time(now) : null);
            }
            if (action == Action.DONE || action == Action.WONT_DO) {
                update.setString(i++, action == Action.DONE ? "done" : "wont_do");
                update.setString(i++, actor);
            }
            update.setLong(i, id);
            update.executeUpdate();
        }
    }

    private record Decision(Verdict verdict, State state, String owner, String assignedBy) {
        static Decision refuse(Verdict verdict) {
            return new Decision(verdict, null, null, null);
        }
    }

    /** The rules, in one place. Unclaim, done and reassigning a claimed item: owner, assigner or admin. */
    private Decision decide(ActionItem item, Action action, String actor, String assignee) {
        boolean mayChange = actor.equals(item.owner()) || actor.equals(item.assignedBy()) || admins.contains(actor);
        return switch (action) {
            case CLAIM -> switch (item.state()) {
                case OPEN -> new Decision(Verdict.CHANGED, State.CLAIMED, actor, null);
                case CLAIMED -> Decision.refuse(actor.equals(item.owner()) ? Verdict.ALREADY : Verdict.TAKEN);
                case DONE -> Decision.refuse(Verdict.IS_DONE);
            };
            case UNCLAIM -> switch (item.state()) {
                case OPEN -> Decision.refuse(Verdict.ALREADY);
                case CLAIMED -> mayChange ? new Decision(Verdict.CHANGED, State.OPEN, null, null)
                        : Decision.refuse(Verdict.NOT_ALLOWED);
                case DONE -> Decision.refuse(Verdict.IS_DONE);
            };
            case ASSIGN -> switch (item.state()) {
                case OPEN -> new Decision(Verdict.CHANGED, State.CLAIMED, assignee, actor);
                case CLAIMED -> assignee.equals(item.owner()) ? Decision.refuse(Verdict.ALREADY)
                        : mayChange ? new Decision(Verdict.CHANGED, State.CLAIMED, assignee, actor)
                        : Decision.refuse(Verdict.NOT_ALLOWED);
                case DONE -> Decision.refuse(Verdict.IS_DONE);
            };
            // An unowned item may be finished by anyone: there is nobody's claim to protect. Won't do closes alike.
            case DONE, WONT_DO -> switch (item.state()) {
                case OPEN -> new Decision(Verdict.CHANGED, State.DONE, actor, null);
                case CLAIMED -> mayChange ? new Decision(Verdict.CHANGED, State.DONE, item.owner(), item.assignedBy())
                        : Decision.refuse(Verdict.NOT_ALLOWED);
                case DONE -> Decision.refuse(Verdict.ALREADY);
            };
            case REOPEN -> switch (item.state()) {
                case OPEN -> Decision.refuse(Verdict.ALREADY);
                case CLAIMED -> Decision.refuse(Verdict.NOT_DONE);
                case DONE -> new Decision(Verdict.CHANGED, State.OPEN, null, null);
            };
            // What came of it: the owner, whoever closed it, or an admin; only once it is closed.
            case OUTCOME -> item.state() != State.DONE ? Decision.refuse(Verdict.NOT_DONE)
                    : actor.equals(item.owner()) || actor.equals(item.closedBy()) || admins.contains(actor)
                    ? new Decision(Verdict.CHANGED, State.DONE, item.owner(), item.assignedBy())
                    : Decision.refuse(Verdict.NOT_ALLOWED);
        };
    }

    public Optional<ActionItem> get(long id) throws SQLException {
        return db.read(connection -> read(connection, id));
    }

    /** Items for a list, oldest first. Items gone from the notes show in ALL only, unless still claimed. */
    public List<ActionItem> list(View view, String user) throws SQLException {
        String where = switch (view) {
            case OUTSTANDING -> "a.state <> 'done' AND (a.in_notes = 1 OR a.state = 'claimed')";
            case MINE -> "a.state = 'claimed' AND a.owner = ?";
            case OPEN -> "a.state = 'open' AND a.in_notes = 1";
            case ALL -> "1 = 1";
        };
        return db.read(connection -> {
            List<Long> ids = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT a.id FROM action_items a WHERE " + where + " ORDER BY a.id")) {
                if (view == View.MINE) {
                    select.setString(1, user);
                }
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        ids.add(rows.getLong(1));
                    }
                }
            }
            List<ActionItem> items = new ArrayList<>();
            for (long id : ids) {
                read(connection, id).ifPresent(items::add);
            }
            return items;
        });
    }

    /** The audit trail of one item, oldest first. */
    public List<Change> history(long id) throws SQLException {
        return db.read(connection -> {
            List<Change> changes = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT * FROM action_item_changes WHERE item_id = ? ORDER BY id")) {
                select.setLong(1, id);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        changes.add(new Change(rows.getLong("item_id"), Instant.parse(rows.getString("at")),
                                rows.getString("actor"), Action.valueOf(rows.getString("action").toUpperCase(Locale.ROOT)),
                                state(rows.getString("from_state")), state(rows.getString("to_state")),
                                rows.getString("from_owner"), rows.getString("to_owner"), rows.getString("detail")));
                    }
                }
            }
            return changes;
        });
    }

    /** Remembers the message that holds an item's discussion in a channel; the first one recorded stays. */
    public Thread recordThread(long itemId, String channel, String ts, String permalink) throws SQLException {
        db.run(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO threads (item_id, channel, ts, permalink) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
                insert.setLong(1, itemId);
                insert.setString(2, channel);
                insert.setString(3, ts);
                insert.setString(4, permalink);
                insert.executeUpdate();
            }
        });
        return threadIn(itemId, channel).orElseThrow();
    }

    public Optional<Thread> threadIn(long itemId, String channel) throws SQLException {
        return db.read(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT * FROM threads WHERE item_id = ? AND channel = ?")) {
                select.setLong(1, itemId);
                select.setString(2, channel);
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next() ? Optional.of(thread(connection, rows)) : Optional.empty();
                }
            }
        });
    }

    /** The item whose discussion is the thread under {@code threadTs} in {@code channel}. */
    public Optional<Long> itemForThread(String channel, String threadTs) throws SQLException {
        return db.read(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT item_id FROM threads WHERE channel = ? AND ts = ?")) {
                select.setString(1, channel);
                select.setString(2, threadTs);
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next() ? Optional.of(rows.getLong(1)) : Optional.empty();
                }
            }
        });
    }

    /**
     * Counts a reply in an item's thread, once per event: false when the event was seen before or the thread is
     * not an item's.
     */
    public boolean recordReply(String eventKey, String channel, String threadTs, String user, Instant at)
            throws SQLException {
        return db.inTransaction(connection -> {
            // Most messages are in no item's thread: check that first, so they leave nothing behind.
            try (PreparedStatement select = connection.prepareStatement("SELECT 1 FROM threads WHERE channel = ? AND ts = ?")) {
                select.setString(1, channel);
                select.setString(2, threadTs);
                try (ResultSet rows = select.executeQuery()) {
                    if (!rows.next()) {
                        return false;
                    }
                }
            }
            if (!markHandled(connection, eventKey)) {
                return false;
            }
            try (PreparedStatement update = connection.prepareStatement("""
                    UPDATE threads SET reply_count = reply_count + 1,
                        last_reply_at = CASE WHEN last_reply_at IS NULL OR last_reply_at < ? THEN ? ELSE last_reply_at END
                    WHERE channel = ? AND ts = ?""")) {
                update.setString(1, Db.time(at));
                update.setString(2, Db.time(at));
                update.setString(3, channel);
                update.setString(4, threadTs);
                if (update.executeUpdate() == 0) {
                    return false;
                }
            }
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO thread_participants (channel, ts, \"user\") VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
                insert.setString(1, channel);
                insert.setString(2, threadTs);
                insert.setString(3, user);
                insert.executeUpdate();
            }
            return true;
        });
    }

    /** Marks an event as handled; false when it already was (Slack retried it, or it was replayed). */
    public boolean markHandled(String key) throws SQLException {
        return db.inTransaction(connection -> markHandled(connection, key));
    }

    /** Forgets handled requests older than {@code before}; Slack stops retrying within minutes. */
    public int forgetHandledBefore(Instant before) throws SQLException {
        return db.inTransaction(connection -> {
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM handled_requests WHERE at < ?")) {
                delete.setString(1, Db.time(before));
                return delete.executeUpdate();
            }
        });
    }

    private boolean markHandled(Connection connection, String key) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO handled_requests (key, at) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
            insert.setString(1, key);
            insert.setString(2, Db.time(clock.instant()));
            return insert.executeUpdate() == 1;
        }
    }

    private static Optional<ActionItem> read(Connection connection, long id) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("""
                SELECT a.*, t.key AS talk_key, t.title, t.day, t.source
                FROM action_items a JOIN talks t ON t.id = a.talk_id WHERE a.id = ?""")) {
            select.setLong(1, id);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(map(connection, rows)) : Optional.empty();
            }
        }
    }

    private static ActionItem map(Connection connection, ResultSet row) throws SQLException {
        long id = row.getLong("id");
        String changedAt = row.getString("changed_at");
        List<Thread> threads = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT * FROM threads WHERE item_id = ? ORDER BY rowid")) {
            select.setLong(1, id);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    threads.add(thread(connection, rows));
                }
            }
        }
        String addedBy = null;
        if (row.getInt("line") == 0) { // a point added in Slack: who added it
            try (PreparedStatement select = connection.prepareStatement("""
                    SELECT added_by FROM added_points WHERE talk_key = ? AND text = ? AND internal = 1
                    ORDER BY removed_at IS NOT NULL, id LIMIT 1""")) {
                select.setString(1, row.getString("talk_key"));
                select.setString(2, row.getString("text"));
                try (ResultSet rows = select.executeQuery()) {
                    addedBy = rows.next() ? rows.getString(1) : null;
                }
            }
        }
        String outcomeAt = row.getString("outcome_at");
        ItemOutcome outcome = outcomeAt == null ? null : new ItemOutcome(row.getString("outcome"),
                row.getString("outcome_link"), row.getString("outcome_by"), Instant.parse(outcomeAt));
        return new ActionItem(id, row.getString("text"), row.getString("talk_key"), row.getString("title"),
                row.getString("day"), row.getString("source"), row.getInt("line"), row.getInt("in_notes") == 1,
                state(row.getString("state")), row.getString("owner"), row.getString("assigned_by"),
                changedAt == null ? null : Instant.parse(changedAt), threads, row.getString("parent"), addedBy,
                "wont_do".equals(row.getString("resolution")), row.getString("closed_by"), outcome);
    }

    private static Thread thread(Connection connection, ResultSet row) throws SQLException {
        String channel = row.getString("channel");
        String ts = row.getString("ts");
        List<String> participants = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT \"user\" FROM thread_participants WHERE channel = ? AND ts = ? ORDER BY rowid")) {
            select.setString(1, channel);
            select.setString(2, ts);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    participants.add(rows.getString(1));
                }
            }
        }
        String last = row.getString("last_reply_at");
        return new Thread(channel, ts, row.getString("permalink"), row.getInt("reply_count"), participants,
                last == null ? null : Instant.parse(last));
    }

    private static State state(String value) {
        return State.valueOf(value.toUpperCase(Locale.ROOT));
    }
}
