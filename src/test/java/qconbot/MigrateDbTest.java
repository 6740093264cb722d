package qconbot;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;
import qconbot.notes.NotesParser;
import qconbot.store.ActionItems;
import qconbot.store.Added;
import qconbot.store.Db;
import qconbot.store.Talks;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code migrate-db --to jdbc:postgresql://…} as an operator runs it: an SQLite database with talks, claims and a
 * point added in Slack is copied whole, the counts match, ids go on where they left off, and a second run refuses
 * the now non-empty database.
 */
@EnabledIf(value = TestPostgres.WANTED, disabledReason = TestPostgres.HOW)
class MigrateDbTest {

    @TempDir
    Path dir;

    @Test
    void copies_a_whole_sqlite_database_into_an_empty_postgresql_one_and_refuses_a_full_one() throws Exception {
        Path file = dir.resolve("qcon.db");
        try (Db db = Db.open(file)) {
            Talks talks = new Talks(db);
            Added added = new Added(db, Clock.systemUTC(), Set.of());
            added.addPoint("qcon-2020.txt/day-3/microservices-at-monzo", null, "we should try chaos days", true, "U0ANN",
                    null, "view:1");
            talks.sync(added.mergeInto(NotesParser.readAll(TestBot.NOTES)));
            ActionItems items = new ActionItems(db, Clock.systemUTC(), Set.of());
            items.act(2, ActionItems.Action.CLAIM, "U0BOB", null, "click:1");
            items.act(3, ActionItems.Action.CLAIM, "U0CAROL", null, "click:2");
            items.act(3, ActionItems.Action.DONE, "U0CAROL", null, "click:3");
        }
        String url = TestPostgres.freshDatabase();

        Process first = migrate(file, url);
        String said = new String(first.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(first.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, first.exitValue(), said);
        assertTrue(said.contains("action_item_changes=3") && said.contains("added_points=1") && said.contains("talks=20"), said);

        try (Db postgres = Db.openPostgres(url, null, null)) {
            ActionItems items = new ActionItems(postgres, Clock.systemUTC(), Set.of());
            assertEquals("U0BOB", items.get(2).orElseThrow().owner());
            assertEquals(ActionItems.State.DONE, items.get(3).orElseThrow().state());
            assertEquals(3, items.history(3).size() + items.history(2).size());
            assertEquals(ActionItems.Verdict.CHANGED, items.act(1, ActionItems.Action.CLAIM, "U0DAN", null, "click:4").verdict(),
                    "a new change gets a new id after the copied ones");
            assertEquals(1, items.history(1).size());
        }

        Process second = migrate(file, url);
        String refused = new String(second.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(second.waitFor(60, TimeUnit.SECONDS));
        assertEquals(2, second.exitValue(), refused);
        assertTrue(refused.contains("is not empty"), refused);
    }

    private Process migrate(Path file, String url) throws Exception {
        return ChildBot.command(dir, Map.of(Config.QCON_DB, file.toString()), "migrate-db", "--to", url)
                .redirectErrorStream(true).start();
    }
}
