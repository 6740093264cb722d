package qconbot.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Questions the notes could not answer, asked of the team (issue 25): asked once per click, posted to the questions
 * channel, answered once (by a reply saved as a point, in {@link Added#answer}) or closed as "no one knows", with
 * every change in {@code question_changes}. Also the "Answered it" / "Not really" clicks on answers.
 */
public final class Questions {

    /** The longest question kept: a question, not a document. */
    public static final int MAX_QUESTION = 500;

    public enum State { OPEN, ANSWERED, NO_ONE_KNOWS }

    public record Question(long id, String text, String askedBy, Instant askedAt, String nearTalkKey, State state,
                           String channel, String ts, String permalink, String postError, Instant lastActivity,
                           Long answerPoint, String answeredBy, String closedBy, Instant closedAt) {
        public String ref() {
            return "Q" + id;
        }

        public boolean open() {
            return state == State.OPEN;
        }

        /** Posted to the questions channel: it has a thread to answer in. */
        public boolean posted() {
            return ts != null;
        }
    }

    /** A question asked: {@code fresh} when this request asked it, else the one asked before (a replay, or the same words). */
    public record Asked(Question question, boolean fresh) {
    }

    /**
     * For the digest: how many are open, answered in the last week, the median time from asking to an answer (null
     * for none yet), the oldest open one, and those that went {@code quiet} (no reply for the stale period) since the
     * last digest, so each is mentioned once; {@code at}: when this was worked out.
     */
    public record Summary(int open, int answeredThisWeek, Duration medianToAnswer, Question oldest, List<Question> quiet,
                          Instant at) {
    }

    private final Db db;
    private final Clock clock;

    public Questions(Db db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /**
     * Asks the team {@code text}, once per {@code request} (a replayed click), and once while the same asker has the
     * same words open: then the question asked before is returned, not fresh.
     */
    public Asked ask(String text, String by, String nearTalkKey, String request) throws SQLException {
        String question = clip(text.strip().replaceAll("\\s+", " "), MAX_QUESTION);
        String now = Db.time(clock.instant());
        return db.inTransaction(connection -> {
            Optional<Question> before = one(connection, "request = ? OR (asked_by = ? AND text = ? AND state = 'open')",
                    request, by, question);
            if (before.isPresent()) {
                return new Asked(before.get(), false);
            }
            try (PreparedStatement insert = connection.prepareStatement("""
                    INSERT INTO questions (text, asked_by, asked_at, near_talk_key, request, state, last_activity_at)
                    VALUES (?, ?, ?, ?, ?, 'open', ?)""")) {
                insert.setString(1, question);
                insert.setString(2, by);
                insert.setString(3, now);
                insert.setString(4, nearTalkKey);
                insert.setString(5, request);
                insert.setString(6, now);
                insert.executeUpdate();
            }
            long id = db.lastId(connection);
            change(connection, id, "asked", by, now, null);
            return new Asked(one(connection, "id = ?", id).orElseThrow(), true);
        });
    }

    /** The question's post, as Slack took it: its thread is where it is answered. */
    public void posted(long id, String channel, String ts, String permalink) throws SQLException {
        db.inTransaction(connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE questions SET channel = ?, ts = ?, permalink = ?, post_error = NULL WHERE id = ?")) {
                update.setString(1, channel);
                update.setString(2, ts);
                update.setString(3, permalink);
                update.setLong(4, id);
                update.executeUpdate();
            }
            change(connection, id, "posted", null, Db.time(clock.instant()), channel);
            return null;
        });
    }

    /** How long a post may be on its way before Post again may try it once more: its outcome was never written. */
    static final Duration POSTING = Duration.ofMinutes(5);

    /**
     * Post again, taken by one click: true when this click may post the question now. Only an open, unposted question
     * that Slack refused, or whose post has been on its way for over {@link #POSTING}, is taken; two clicks at once,
     * or one click on two replicas, take it once.
     */
    public boolean postAgain(long id, String by) throws SQLException {
        Instant now = clock.instant();
        return db.inTransaction(connection -> {
            int taken;
            try (PreparedStatement update = connection.prepareStatement("""
                    UPDATE questions SET post_error = NULL, posting_since = ?
                    WHERE id = ? AND state = 'open' AND ts IS NULL
                      AND (post_error IS NOT NULL OR COALESCE(posting_since, asked_at) < ?)""")) {
                update.setString(1, Db.time(now));
                update.setLong(2, id);
                update.setString(3, Db.time(now.minus(POSTING)));
                taken = update.executeUpdate();
            }
            if (taken == 1) {
                change(connection, id, "post_again", by, Db.time(now), null);
            }
            return taken == 1;
        });
    }

    /** Slack would not take the question's post ({@code error}): it stays open, unposted, for an editor to route. */
    public void postFailed(long id, String channel, String error) throws SQLException {
        db.inTransaction(connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE questions SET post_error = ? WHERE id = ?")) {
                update.setString(1, error);
                update.setLong(2, id);
                update.executeUpdate();
            }
            change(connection, id, "post_failed", null, Db.time(clock.instant()), channel + ": " + error);
            return null;
        });
    }

    public Optional<Question> get(long id) throws SQLException {
        return db.read(connection -> one(connection, "id = ?", id));
    }

    /** The question whose post is the thread {@code channel}/{@code ts}, if any. */
    public Optional<Question> byThread(String channel, String ts) throws SQLException {
        if (channel == null || ts == null) {
            return Optional.empty();
        }
        return db.read(connection -> one(connection, "channel = ? AND ts = ?", channel, ts));
    }

    /** A reply in a question's thread: who wrote it, when, its words. */
    public record Reply(String ts, String by, Instant at, String text) {
    }

    /** The longest reply kept: Slack's own limit for a point. */
    static final int MAX_REPLY = 3000;

    /** A reply in a question's thread, without its words (tests, and replies whose text Slack did not send). */
    public boolean replied(String channel, String threadTs, String user, Instant at) throws SQLException {
        return replied(channel, threadTs, user, at, "r" + at.toEpochMilli(), "");
    }

    /**
     * A reply ({@code ts}, {@code text}) in a question's thread: its author may make a reply the answer, it is offered
     * in the answer form, and the question is not quiet. Kept once per reply. False for a thread no question has.
     */
    public boolean replied(String channel, String threadTs, String user, Instant at, String ts, String text)
            throws SQLException {
        if (byThread(channel, threadTs).isEmpty()) {
            return false; // most threads are not a question's: no write for them
        }
        return db.inTransaction(connection -> {
            Optional<Question> question = one(connection, "channel = ? AND ts = ?", channel, threadTs);
            if (question.isEmpty()) {
                return false;
            }
            try (PreparedStatement insert = connection.prepareStatement("""
                    INSERT INTO question_replies (question_id, ts, by_user, at, text) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT DO NOTHING""");
                 PreparedStatement touch = connection.prepareStatement(
                         "UPDATE questions SET last_activity_at = ? WHERE id = ? AND last_activity_at < ?")) {
                insert.setLong(1, question.get().id());
                insert.setString(2, ts);
                insert.setString(3, user);
                insert.setString(4, Db.time(at));
                insert.setString(5, clip(text, MAX_REPLY));
                insert.executeUpdate();
                touch.setString(1, Db.time(at));
                touch.setLong(2, question.get().id());
                touch.setString(3, Db.time(at));
                touch.executeUpdate();
            }
            return true;
        });
    }

    /**
     * A kept reply in a question's thread edited ({@code text}) or deleted ({@code text} null) by its author
     * ({@code user}): offered as it reads now, or no longer. False when no kept reply is that one.
     */
    public boolean replyEdited(String channel, String threadTs, String ts, String user, String text) throws SQLException {
        Optional<Question> question = byThread(channel, threadTs);
        if (question.isEmpty()) {
            return false;
        }
        return db.inTransaction(connection -> {
            try (PreparedStatement change = connection.prepareStatement(text == null
                    ? "DELETE FROM question_replies WHERE question_id = ? AND ts = ? AND by_user = ?"
                    : "UPDATE question_replies SET text = ? WHERE question_id = ? AND ts = ? AND by_user = ?")) {
                int at = 1;
                if (text != null) {
                    change.setString(at++, clip(text, MAX_REPLY));
                }
                change.setLong(at++, question.get().id());
                change.setString(at++, ts);
                change.setString(at, user);
                return change.executeUpdate() > 0;
            }
        });
    }

    /** Whether {@code user} replied in the question's thread. */
    public boolean replied(long id, String user) throws SQLException {
        return db.read(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT 1 FROM question_replies WHERE question_id = ? AND by_user = ?")) {
                select.setLong(1, id);
                select.setString(2, user);
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next();
                }
            }
        });
    }

    /** The replies in the question's thread, oldest first. */
    public List<Reply> replies(long id) throws SQLException {
        return db.read(connection -> {
            List<Reply> replies = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT ts, by_user, at, text FROM question_replies WHERE question_id = ? ORDER BY at, ts")) {
                select.setLong(1, id);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        replies.add(new Reply(rows.getString(1), rows.getString(2), Instant.parse(rows.getString(3)),
                                rows.getString(4)));
                    }
                }
            }
            return replies;
        });
    }

    /** Closes an open question as "no one knows"; false when it is not open (answered or closed already). */
    public boolean noOneKnows(long id, String by) throws SQLException {
        String now = Db.time(clock.instant());
        return db.inTransaction(connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE questions SET state = 'no_one_knows', closed_by = ?, closed_at = ? WHERE id = ? AND state = 'open'")) {
                update.setString(1, by);
                update.setString(2, now);
                update.setLong(3, id);
                if (update.executeUpdate() == 0) {
                    return false;
                }
            }
            change(connection, id, "no_one_knows", by, now, null);
            return true;
        });
    }

    /**
     * In {@link Added#answer}'s transaction: the open question {@code id} answered by the point {@code pointId}, from
     * a reply by {@code replier}; false (nothing changed) when it is not open any more.
     */
    static boolean answered(Connection connection, long id, long pointId, String replier, String by, String now)
            throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("""
                UPDATE questions SET state = 'answered', answer_point = ?, answered_by = ?, closed_by = ?, closed_at = ?
                WHERE id = ? AND state = 'open'""")) {
            update.setLong(1, pointId);
            update.setString(2, replier);
            update.setString(3, by);
            update.setString(4, now);
            update.setLong(5, id);
            if (update.executeUpdate() == 0) {
                return false;
            }
        }
        change(connection, id, "answered", by, now, "P" + pointId);
        return true;
    }

    /**
     * In the transaction that takes back added points: the questions they answered are open again, for the team to
     * answer anew, each with "reopened" in its history.
     */
    static void reopen(Connection connection, Collection<Long> pointIds, String by, Instant at) throws SQLException {
        String now = Db.time(at);
        for (long point : pointIds) {
            for (Question question : all(connection, "answer_point = ? AND state = 'answered'", point)) {
                try (PreparedStatement update = connection.prepareStatement("""
                        UPDATE questions SET state = 'open', answer_point = NULL, answered_by = NULL, closed_by = NULL,
                            closed_at = NULL, last_activity_at = ?
                        WHERE id = ? AND state = 'answered'""")) {
                    update.setString(1, now);
                    update.setLong(2, question.id());
                    update.executeUpdate();
                }
                change(connection, question.id(), "reopened", by, now, "P" + point + " was taken back");
            }
        }
    }

    /** The ids of the answered questions: after points are taken back, those open again are the reopened ones. */
    public Set<Long> answeredIds() throws SQLException {
        return db.read(connection -> {
            Set<Long> ids = new HashSet<>();
            try (PreparedStatement select = connection.prepareStatement("SELECT id FROM questions WHERE state = 'answered'");
                 ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getLong(1));
                }
            }
            return ids;
        });
    }

    /** In a transaction: whether the question is open now. */
    static boolean isOpen(Connection connection, long id) throws SQLException {
        return one(connection, "id = ?", id).map(Question::open).orElse(false);
    }

    /** Open questions, oldest first: all of them ({@code by} null) or one person's. */
    public List<Question> open(String by) throws SQLException {
        return db.read(connection -> all(connection, by == null ? "state = 'open'" : "state = 'open' AND asked_by = ?",
                by == null ? new Object[0] : new Object[] {by}));
    }

    /** The question's history: "asked by U1 at …", oldest first, as lines for /qcon questions Q3. */
    public List<String> history(long id) throws SQLException {
        return db.read(connection -> {
            List<String> lines = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT action, by_user, at, detail FROM question_changes WHERE question_id = ? ORDER BY id")) {
                select.setLong(1, id);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        lines.add(rows.getString(1) + "|" + rows.getString(2) + "|" + rows.getString(3) + "|" + rows.getString(4));
                    }
                }
            }
            return lines;
        });
    }

    /** For the digest, as of now; {@code since}: the last digest that reached Slack (null: none yet). */
    public Summary summary(Instant since, Duration staleAfter) throws SQLException {
        Instant now = clock.instant();
        return db.read(connection -> {
            List<Question> open = all(connection, "state = 'open'");
            List<Question> answered = all(connection, "state = 'answered'");
            int thisWeek = (int) answered.stream().filter(q -> q.closedAt().isAfter(now.minus(Duration.ofDays(7)))).count();
            List<Duration> waits = answered.stream().map(q -> Duration.between(q.askedAt(), q.closedAt())).sorted().toList();
            Duration median = waits.isEmpty() ? null : waits.size() % 2 == 1 ? waits.get(waits.size() / 2)
                    : waits.get(waits.size() / 2 - 1).plus(waits.get(waits.size() / 2)).dividedBy(2);
            Instant quietFrom = since == null ? Instant.EPOCH : since.minus(staleAfter);
            Instant quietTo = now.minus(staleAfter);
            List<Question> quiet = open.stream().filter(q -> q.lastActivity().isAfter(quietFrom)
                    && !q.lastActivity().isAfter(quietTo)).toList();
            return new Summary(open.size(), thisWeek, median, open.isEmpty() ? null : open.get(0), quiet, now);
        });
    }

    /**
     * Who may know, for the nearest talk: owners of its action items, then whoever added points to it, most first;
     * never {@code asker}; at most {@code max}.
     */
    public List<String> whoKnows(String talkKey, String asker, int max) throws SQLException {
        if (talkKey == null) {
            return List.of();
        }
        return db.read(connection -> {
            Set<String> people = new LinkedHashSet<>();
            try (PreparedStatement owners = connection.prepareStatement("""
                    SELECT owner FROM action_items WHERE owner IS NOT NULL AND substr(key, 1, ?) = ? ORDER BY id""");
                 PreparedStatement adders = connection.prepareStatement("""
                    SELECT added_by FROM added_points WHERE talk_key = ? AND removed_at IS NULL AND added_by IS NOT NULL
                    GROUP BY added_by ORDER BY count(*) DESC, min(id)""")) {
                owners.setInt(1, talkKey.length() + 1);
                owners.setString(2, talkKey + "#");
                adders.setString(1, talkKey);
                for (PreparedStatement select : List.of(owners, adders)) {
                    try (ResultSet rows = select.executeQuery()) {
                        while (rows.next()) {
                            people.add(rows.getString(1));
                        }
                    }
                }
            }
            people.remove(asker);
            return people.stream().filter(user -> user.matches("[UW][A-Z0-9]{2,}")).limit(max).toList();
        });
    }

    /**
     * "Answered it" ({@code answered}) or "Not really" on an answer: the question, the talk and point shown first.
     * Once per click ({@code request}); false for a replay.
     */
    public boolean feedback(String question, String talkKey, String point, boolean answered, String by, String request)
            throws SQLException {
        return db.inTransaction(connection -> {
            try (PreparedStatement insert = connection.prepareStatement("""
                    INSERT INTO answer_feedback (question, talk_key, point, kind, by_user, at, request)
                    VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""")) {
                insert.setString(1, clip(question, MAX_QUESTION));
                insert.setString(2, talkKey);
                insert.setString(3, point);
                insert.setString(4, answered ? "answered" : "not_really");
                insert.setString(5, by);
                insert.setString(6, Db.time(clock.instant()));
                insert.setString(7, request);
                return insert.executeUpdate() == 1;
            }
        });
    }

    private static void change(Connection connection, long id, String action, String by, String at, String detail)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO question_changes (question_id, action, by_user, at, detail) VALUES (?, ?, ?, ?, ?)")) {
            insert.setLong(1, id);
            insert.setString(2, action);
            insert.setString(3, by);
            insert.setString(4, at);
            insert.setString(5, detail);
            insert.executeUpdate();
        }
    }

    private static Optional<Question> one(Connection connection, String where, Object... values) throws SQLException {
        List<Question> found = all(connection, where, values);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    private static List<Question> all(Connection connection, String where, Object... values) throws SQLException {
        List<Question> questions = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT * FROM questions WHERE " + where + " ORDER BY id")) {
            for (int i = 0; i < values.length; i++) {
                select.setObject(i + 1, values[i]);
            }
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    questions.add(question(rows));
                }
            }
        }
        return questions;
    }

    private static Question question(ResultSet rows) throws SQLException {
        long point = rows.getLong("answer_point");
        boolean noPoint = rows.wasNull();
        return new Question(rows.getLong("id"), rows.getString("text"), rows.getString("asked_by"),
                Instant.parse(rows.getString("asked_at")), rows.getString("near_talk_key"),
                State.valueOf(rows.getString("state").toUpperCase(java.util.Locale.ROOT)), rows.getString("channel"),
                rows.getString("ts"), rows.getString("permalink"), rows.getString("post_error"),
                Instant.parse(rows.getString("last_activity_at")), noPoint ? null : point, rows.getString("answered_by"),
                rows.getString("closed_by"), rows.getString("closed_at") == null ? null : Instant.parse(rows.getString("closed_at")));
    }

    private static String clip(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }
}
