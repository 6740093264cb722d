package qconbot.store;

import qconbot.TestBot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import qconbot.notes.Notes;
import qconbot.notes.NotesParser;
import qconbot.notes.Talk;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TalksTest {

    @TempDir
    Path dir;

    /** The database under test; {@link TalksOnPostgresTest} runs every test of this class on PostgreSQL. */
    Db open(Path file) throws java.sql.SQLException {
        return Db.open(file);
    }

    Talks talks(Db db) throws java.sql.SQLException {
        return new Talks(db);
    }
    Db db;
    Talks talks;
    String shipped;

    @BeforeEach
    void open() throws Exception {
        db = open(dir.resolve("data/qcon.db"));
        talks = talks(db);
        shipped = Files.readString(TestBot.NOTES.resolve("qcon-2020.txt"));
    }

    @AfterEach
    void close() throws Exception {
        db.close();
    }

    @Test
    void a_cached_statement_is_prepared_once_and_only_handed_out_under_the_lock() throws Exception {
        talks.sync(List.of(NotesParser.parse("qcon-2020.txt", shipped)));
        PreparedStatement first = db.read(connection -> db.cached("SELECT count(*) FROM talks"));
        PreparedStatement again = db.read(connection -> db.cached("SELECT count(*) FROM talks"));
        assertSame(first, again);
        // still usable after a sync rewrote the table, and after the first use
        talks.sync(List.of(NotesParser.parse("qcon-2020.txt", shipped)));
        int count = db.read(connection -> {
            try (ResultSet rows = db.cached("SELECT count(*) FROM talks").executeQuery()) {
                return rows.next() ? rows.getInt(1) : -1;
            }
        });
        assertEquals(20, count);
        assertThrows(IllegalStateException.class, () -> db.cached("SELECT 1"));
    }

    @Test
    void a_talk_read_again_after_a_sync_shows_the_notes_as_they_are_now() throws Exception {
        talks.sync(List.of(NotesParser.parse("qcon-2020.txt", shipped)));
        long id = db.read(connection -> {
            try (ResultSet rows = connection.createStatement().executeQuery(
                    "SELECT id FROM talks WHERE title = 'microservices at Monzo'")) {
                return rows.next() ? rows.getLong(1) : -1L;
            }
        });
        assertTrue(talks.byIds(List.of(id)).get(0).bullets().stream().anyMatch(b -> b.text().equals("they use golang")));
        talks.sync(List.of(NotesParser.parse("qcon-2020.txt", shipped.replace("- they use golang", "- they use rust now"))));
        Talk after = talks.byIds(List.of(id)).get(0);
        assertTrue(after.bullets().stream().anyMatch(b -> b.text().equals("they use rust now")), after.bullets().toString());
        talks.sync(List.of(NotesParser.parse("qcon-2020.txt", shipped.replace("microservices at Monzo:", "Monzo, again:"))));
        assertEquals(List.of(), talks.byIds(List.of(id)), "a talk gone from the notes is not served from memory");
    }

    @Test
    void a_database_from_before_the_title_table_gets_it_filled_on_opening() throws Exception {
        talks.sync(List.of(NotesParser.parse("qcon-2020.txt", shipped)));
        // as a version 4 database was: no title_search
        db.run(connection -> {
            try (var statement = connection.createStatement()) {
                statement.execute("DROP TABLE title_search");
                for (String table : List.of("answer_feedback", "question_changes", "question_replies", "questions")) {
                    statement.execute("DROP TABLE " + table); // version 16's
                }
                statement.execute("ALTER TABLE action_items DROP COLUMN parent"); // version 6's
                statement.execute("DROP TABLE embeddings"); // version 13's
                statement.execute("DROP TABLE user_zones"); // version 12's
                for (String column : List.of("resolution", "closed_by", "outcome", "outcome_link", "outcome_by", "outcome_at")) {
                    statement.execute("ALTER TABLE action_items DROP COLUMN " + column); // version 11's
                }
                statement.execute("ALTER TABLE action_item_changes DROP COLUMN detail");
                statement.execute("DROP TABLE notes_version"); // version 10's
                statement.execute("DROP TABLE imports"); // version 9's
                statement.execute("DROP TABLE added_changes"); // version 8's
                statement.execute("DROP TABLE added_talks"); // version 7's
                statement.execute("DROP TABLE added_points");
                statement.execute("ALTER TABLE bullets DROP COLUMN added_id");
                statement.execute("UPDATE schema_version SET version = 4");
            }
        });
        db.close();
        db = open(dir.resolve("data/qcon.db"));
        assertEquals(Db.LATEST_VERSION, db.schemaVersion());
        assertEquals(20, count("SELECT count(*) FROM title_search"));
        assertEquals(1, count("SELECT count(*) FROM title_search WHERE title_search MATCH 'monzo'"));
    }

    @Test
    void a_new_database_is_created_with_wal_foreign_keys_and_the_latest_schema() throws Exception {
        assertTrue(Files.exists(dir.resolve("data/qcon.db")), "parent folder and file created");
        assertEquals("wal", pragma("journal_mode"));
        assertEquals("1", pragma("foreign_keys"));
        assertEquals(Db.LATEST_VERSION, db.schemaVersion());
    }

    @Test
    void reopening_a_database_applies_no_migration_twice() throws Exception {
        talks.sync(List.of(NotesParser.parse("qcon-2020.txt", shipped)));
        db.close();
        db = open(dir.resolve("data/qcon.db"));
        assertEquals(Db.LATEST_VERSION, db.schemaVersion());
        assertEquals(20, talks(db).count());
    }

    @Test
    void sync_stores_talks_bullets_and_action_items() throws Exception {
        Talks.SyncReport report = talks.sync(List.of(NotesParser.parse("qcon-2020.txt", shipped)));

        assertEquals(20, report.talks());
        assertEquals(7, report.internalLines());
        assertEquals(7, count("SELECT count(*) FROM action_items WHERE in_notes = 1"));
        Talk monzo = talks.byKey("qcon-2020.txt/day-3/microservices-at-monzo").orElseThrow();
        Talk parsed = NotesParser.parse("qcon-2020.txt", shipped).talks().get(0);
        assertEquals(parsed, monzo, "a stored talk reads back exactly as parsed");
    }

    @Test
    void ids_survive_rereading_an_edited_file() throws Exception {
        talks.sync(List.of(NotesParser.parse("qcon-2020.txt", shipped)));
        Map<String, Long> talkIds = ids("SELECT key, id FROM talks");
        Map<String, Long> lineIds = ids("SELECT key, id FROM action_items");

        // A new talk at the top shifts every line; a bullet is re-spaced; one internal line is removed.
        String edited = shipped
                .replace("Day 3\n--------------\n", "Day 3\n--------------\n17:30 closing drinks:\n- [INTERNAL] book a table\n\n")
                .replace("- [INTERNAL] we should look for dead code\n", "")
                .replace("- they use golang", "-   they use   golang");
        Talks.SyncReport report = talks.sync(List.of(NotesParser.parse("qcon-2020.txt", edited)));

        assertEquals(21, report.talks());
        assertEquals(1, report.internalLinesGone());
        Map<String, Long> talkIdsAfter = ids("SELECT key, id FROM talks");
        Map<String, Long> lineIdsAfter = ids("SELECT key, id FROM action_items");
        talkIds.forEach((key, id) -> assertEquals(id, talkIdsAfter.get(key), "talk " + key));
        lineIds.forEach((key, id) -> assertEquals(id, lineIdsAfter.get(key), "internal line " + key));
        assertEquals(1, count("SELECT count(*) FROM action_items WHERE in_notes = 0"), "kept, marked gone");
        assertEquals(8, count("SELECT count(*) FROM action_items"));
    }

    @Test
    void a_talk_gone_from_the_notes_is_kept_but_no_longer_served() throws Exception {
        talks.sync(List.of(NotesParser.parse("qcon-2020.txt", shipped)));
        String withoutQuarkus = shipped.replaceAll("(?s)1035 quarkus:.*?\n\n", "");
        Talks.SyncReport report = talks.sync(List.of(NotesParser.parse("qcon-2020.txt", withoutQuarkus)));

        assertEquals(19, report.talks());
        assertEquals(1, report.talksGone());
        assertTrue(talks.byKey("qcon-2020.txt/day-2/quarkus").isEmpty());
        assertEquals(20, indexCount("SELECT count(*) FROM talks"), "kept in the index too");
        assertEquals(19, indexCount("SELECT count(*) FROM talk_search"));
        assertEquals(19, indexCount("SELECT count(*) FROM title_search"));
    }

    @Test
    void several_files_keep_their_own_conference_and_agenda_order() throws Exception {
        Notes qcon = NotesParser.parse("qcon-2020.txt", shipped);
        Notes other = NotesParser.parse("devoxx-2021.txt", """
                DEVOXX 2021
                -----------
                Day 1
                -----
                1400 records in practice:
                - Jane Doe
                - records are great
                0930 opening:
                - welcome
                """);
        talks.sync(List.of(other, qcon));

        List<Talk> agenda = talks.agenda();
        assertEquals(22, agenda.size());
        assertEquals("DEVOXX 2021", agenda.get(0).conference());
        assertEquals(List.of("opening", "records in practice"), agenda.subList(0, 2).stream().map(Talk::title).toList());
        assertEquals("keynote", agenda.get(2).title(), "QCon Day 1 starts with its 09:00 keynote");
    }

    @Test
    void a_failed_sync_leaves_the_previous_state_whole() throws Exception {
        talks.sync(List.of(NotesParser.parse("qcon-2020.txt", shipped)));
        Talk broken = new Talk("k", "x.txt", "X", "Day 1", 1, null, null, null, List.of(), 1, 1);
        Notes bad = new Notes("x.txt", "X", List.of(broken), List.of());

        assertThrows(SQLException.class, () -> talks.sync(List.of(NotesParser.parse("qcon-2020.txt", shipped), bad)));
        assertEquals(20, talks.count());
        assertEquals(20, indexCount("SELECT count(*) FROM talk_search"));
        assertEquals(20, indexCount("SELECT count(*) FROM title_search"));
    }

    @Test
    void stored_times_sort_as_text_in_time_order_even_within_a_second() {
        java.time.Instant whole = java.time.Instant.parse("2026-11-26T09:32:00Z");
        java.time.Instant half = whole.plusMillis(500);

        assertTrue(whole.toString().compareTo(half.toString()) > 0, "the bug this guards against: Instant.toString()");
        assertTrue(Db.time(whole).compareTo(Db.time(half)) < 0);
        assertEquals(whole, java.time.Instant.parse(Db.time(whole)), "and it reads back");
    }

    private String pragma(String name) throws SQLException {
        return db.read(connection -> {
            try (PreparedStatement statement = connection.prepareStatement("PRAGMA " + name);
                 ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getString(1);
            }
        });
    }

    private int count(String sql) throws SQLException {
        return count(db, sql);
    }

    /** Counts where talks are read and searched: on PostgreSQL the bot's own index. */
    private int indexCount(String sql) throws SQLException {
        return count(talks.index(), sql);
    }

    private static int count(Db db, String sql) throws SQLException {
        return db.read(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql); ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        });
    }

    private Map<String, Long> ids(String sql) throws SQLException {
        return db.read(connection -> {
            Map<String, Long> ids = new LinkedHashMap<>();
            try (PreparedStatement statement = connection.prepareStatement(sql); ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    ids.put(rows.getString(1), rows.getLong(2));
                }
            }
            assertFalse(ids.isEmpty());
            return ids;
        });
    }

    @Test
    void an_internal_sub_point_keeps_the_point_it_sits_under_as_its_context() throws Exception {
        talks.sync(List.of(NotesParser.parse("qcon-2020.txt", shipped)));
        ActionItems items = new ActionItems(db, java.time.Clock.systemUTC(), java.util.Set.of());
        List<ActionItems.ActionItem> all = items.list(ActionItems.View.ALL, null);
        ActionItems.ActionItem clinics = all.stream().filter(item -> item.text().equals("like our clinics")).findFirst().orElseThrow();
        assertEquals("ran incident workshops", clinics.parent());
        assertEquals("ran incident workshops → like our clinics", clinics.shown());
        ActionItems.ActionItem deadCode = all.stream().filter(item -> item.text().equals("we should look for dead code")).findFirst().orElseThrow();
        assertEquals(null, deadCode.parent(), "a top-level line has no parent");
        assertEquals("we should look for dead code", deadCode.shown());
    }
    @Test
    void an_existing_database_has_its_wont_do_reasons_migrated_out_of_what_came_of_items() throws Exception {
        talks.sync(List.of(NotesParser.parse("qcon-2020.txt", shipped)));
        ActionItems items = new ActionItems(db, java.time.Clock.systemUTC(), java.util.Set.of());
        List<ActionItems.ActionItem> all = items.list(ActionItems.View.ALL, null);
        long dropped = all.get(0).id();
        long done = all.get(1).id();
        items.act(dropped, ActionItems.Action.WONT_DO, "U0ALICE", null, null, new ActionItems.Note("no time", null));
        items.act(done, ActionItems.Action.DONE, "U0ALICE", null, null, new ActionItems.Note("shipped it", null));
        // as a database written before V14 holds them: both merged under their lines as OUTCOME
        long talk = count("SELECT min(id) FROM talks");
        db.inTransaction(connection -> {
            try (var statement = connection.createStatement()) {
                statement.executeUpdate("INSERT INTO bullets (talk_id, position, depth, kind, text, quotes, line, added_id)"
                        + " VALUES (" + talk + ", 9998, 2, 'OUTCOME', 'no time', '[]', 0, " + dropped + "),"
                        + " (" + talk + ", 9999, 2, 'OUTCOME', 'shipped it', '[]', 0, " + done + ")");
            }
            return null;
        });
        db.inTransaction(connection -> { // what V14 does to a database from before it
            for (String sql : Db.statements("V14__wont_do.sql", false)) {
                try (var statement = connection.createStatement()) {
                    statement.execute(sql);
                }
            }
            return null;
        });
        assertEquals(1, count("SELECT count(*) FROM bullets WHERE kind = 'WONT_DO' AND added_id = " + dropped),
                "the reason of the dropped item is why not");
        assertEquals(1, count("SELECT count(*) FROM bullets WHERE kind = 'OUTCOME' AND added_id = " + done),
                "what came of the done item stays");
    }
}
