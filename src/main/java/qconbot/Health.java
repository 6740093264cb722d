package qconbot;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import qconbot.schedule.TalkOfTheDay;
import qconbot.slack.BoltHttpServer;
import qconbot.slack.SlackApp;
import qconbot.store.Db;
import qconbot.store.NotesLoader;
import qconbot.store.Talks;

import java.util.function.Supplier;

/**
 * GET /health: 200 with "status":"ok" when the database answers, takes writes and notes are loaded, else 503 with
 * the reason under "database" (a storage problem) or "talks" (none loaded).
 */
final class Health {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Health() {
    }

    static BoltHttpServer.Health check(Db db, Talks talks, NotesLoader notes, SlackApp.BotIdentity identity,
                                       TalkOfTheDay talkOfTheDay, Supplier<String> socketMode) {
        ObjectNode body = JSON.createObjectNode();
        boolean ready;
        try {
            int count = talks.count();
            String fault = db.fault();
            body.put("database", fault != null ? "storage problem: " + fault
                    : db.busy() ? "busy: another process holds the write lock; reads still answer" : "ok");
            body.put("talks", count);
            ready = count > 0 && fault == null;
        } catch (Exception e) {
            body.put("database", "error: " + e.getClass().getSimpleName());
            ready = false;
        }
        String notesProblem = notes.problem();
        body.put("notes", notesProblem == null ? "ok" : notesProblem + " Serving the talks already in the database.");
        body.put("slack", identity.status());
        String socket = socketMode.get();
        if (socket != null) {
            body.put("socketMode", socket);
        }
        ObjectNode daily = body.putObject("talkOfTheDay");
        daily.put("enabled", talkOfTheDay.enabled());
        daily.put("givenUp", talkOfTheDay.failures());
        try {
            talkOfTheDay.lastPost().ifPresent(post -> {
                daily.put("lastSlot", post.slot());
                daily.put("lastResult", post.state().name().toLowerCase(java.util.Locale.ROOT));
            });
        } catch (Exception e) {
            daily.put("lastResult", "unknown: " + e.getClass().getSimpleName());
        }
        body.put("status", ready ? "ok" : "unavailable");
        return new BoltHttpServer.Health(ready ? 200 : 503, body.toString());
    }
}
