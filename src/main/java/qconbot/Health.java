package qconbot;

import qconbot.schedule.TalkOfTheDay;
import qconbot.slack.BoltHttpServer;
import qconbot.slack.SlackApp;
import qconbot.search.Meaning;
import qconbot.store.Db;
import qconbot.store.NotesLoader;
import qconbot.store.Talks;

import java.util.Locale;
import java.util.function.Supplier;

/**
 * GET /health: 200 with "status":"ok" when the database answers, takes writes and notes are loaded, else 503 with
 * the reason under "database" (a storage problem) or "talks" (none loaded). The JSON is written by hand: a dozen
 * flat fields do not need a JSON library, and loading Jackson's was most of the first /health's time at start-up.
 */
final class Health {

    private Health() {
    }

    static BoltHttpServer.Health check(Db db, Talks talks, NotesLoader notes, Meaning meaning, SlackApp.BotIdentity identity,
                                       TalkOfTheDay talkOfTheDay, Supplier<String> socketMode) {
        StringBuilder body = new StringBuilder("{");
        boolean ready;
        try {
            int count = talks.count();
            String fault = db.fault();
            field(body, "database", fault != null ? "storage problem: " + fault
                    : db.busy() ? "busy: another process holds the write lock; reads still answer" : "ok");
            body.append(",\"talks\":").append(count);
            ready = count > 0 && fault == null;
        } catch (Exception e) {
            field(body, "database", "error: " + e.getClass().getSimpleName());
            ready = false;
        }
        String notesProblem = notes.problem();
        field(body.append(','), "notes",
                notesProblem == null ? "ok" : notesProblem + " Serving the talks already in the database.");
        body.append(",\"meaning\":").append(meaning(meaning.status()));
        field(body.append(','), "slack", identity.status());
        String socket = socketMode.get();
        if (socket != null) {
            field(body.append(','), "socketMode", socket);
        }
        body.append(",\"talkOfTheDay\":").append(talkOfTheDay(talkOfTheDay));
        field(body.append(','), "status", ready ? "ok" : "unavailable");
        return new BoltHttpServer.Health(ready ? 200 : 503, body.append('}').toString());
    }

    /**
     * Search by meaning: "off", "loading" (the model), "computing" (points' vectors, with how many of how many),
     * "ready", or "failed" with the reason (search is by words alone, and the bot is still ok).
     */
    private static String meaning(Meaning.Status status) {
        StringBuilder json = new StringBuilder("{");
        field(json, "state", status.state().name().toLowerCase(Locale.ROOT));
        if (status.state() != Meaning.State.OFF) {
            json.append(",\"points\":").append(status.done()).append(",\"of\":").append(status.total())
                    .append(",\"workedOut\":").append(status.computed());
        }
        if (status.reason() != null) {
            field(json.append(','), "reason", status.reason());
        }
        return json.append('}').toString();
    }

    private static String talkOfTheDay(TalkOfTheDay talkOfTheDay) {
        StringBuilder daily = new StringBuilder("{\"enabled\":").append(talkOfTheDay.enabled())
                .append(",\"givenUp\":").append(talkOfTheDay.failures());
        if (talkOfTheDay.remindersProblem() != null) {
            field(daily.append(','), "reminders", talkOfTheDay.remindersProblem());
        }
        try {
            talkOfTheDay.lastPost().ifPresent(post -> {
                field(daily.append(','), "lastSlot", post.slot());
                field(daily.append(','), "lastResult", post.state().name().toLowerCase(Locale.ROOT));
            });
        } catch (Exception e) {
            field(daily.append(','), "lastResult", "unknown: " + e.getClass().getSimpleName());
        }
        return daily.append('}').toString();
    }

    /** Appends {@code "name":"value"}, the value escaped as JSON requires (quotes, backslashes, control characters). */
    static void field(StringBuilder json, String name, String value) {
        json.append('"').append(name).append("\":");
        if (value == null) {
            json.append("null");
            return;
        }
        json.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                default -> {
                    if (c < 0x20) {
                        json.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        json.append('"');
    }
}
