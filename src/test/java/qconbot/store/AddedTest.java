package qconbot.store;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import qconbot.TestBot;
import qconbot.notes.Bullet;
import qconbot.notes.Talk;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Points and talks added in Slack, in a real SQLite file, merged into every load of notes files that change. */
class AddedTest {

    private static final String MONZO = "notes.txt/day-3/microservices-at-monzo";

    @TempDir
    Path dir;

    /** The database under test; {@link AddedOnPostgresTest} runs every test of this class on PostgreSQL. */
    Db open(Path file) throws java.sql.SQLException {
        return Db.open(file);
    }

    Talks talks(Db db) throws java.sql.SQLException {
        return new Talks(db);
    }
    Db db;
    Talks talks;
    Added added;
    NotesLoader loader;
    Path file;

    @BeforeEach
    void open() throws Exception {
        file = dir.resolve("notes").resolve("notes.txt");
        Files.createDirectories(file.getParent());
        Files.copy(TestBot.NOTES.resolve("qcon-2020.txt"), file);
        db = open(dir.resolve("qcon.db"));
        talks = talks(db);
        added = new Added(db, Clock.fixed(Instant.parse("2026-11-30T10:00:00Z"), ZoneOffset.UTC));
        loader = new NotesLoader(file.getParent(), talks, added);
        loader.load();
    }

    @AfterEach
    void close() throws Exception {
        db.close();
    }

    @Test
    void an_added_point_joins_its_talk_with_who_added_it_and_survives_an_edited_file() throws Exception {
        added.addPoint(MONZO, null, "  chaos days every quarter ", false, "U0ANN",
                "https://x.slack.com/archives/C1/p1", "view:1");
        loader.load();

        Bullet point = last(talks.byKey(MONZO).orElseThrow());
        assertEquals("chaos days every quarter", point.text());
        assertEquals(new Bullet.Added(point.added().id(), "U0ANN", Instant.parse("2026-11-30T10:00:00Z"),
                "https://x.slack.com/archives/C1/p1"), point.added());

        Files.writeString(file, Files.readString(file).replace("- they use golang", "- they use golang and some rust"));
        loader.load();
        Talk edited = talks.byKey(MONZO).orElseThrow();
        assertTrue(edited.bullets().stream().anyMatch(b -> b.text().equals("they use golang and some rust")), "the file's edit is read");
        assertEquals("chaos days every quarter", last(edited).text(), "what was added is kept");
        assertNull(edited.bullets().get(0).added(), "a line of the file is not marked as added");
    }

    @Test
    void the_same_request_adds_once_and_an_internal_point_is_an_action_item() throws Exception {
        ActionItems items = new ActionItems(db, Clock.systemUTC(), java.util.Set.of());
        int before = items.list(ActionItems.View.ALL, "U0ANN").size();

        assertTrue(added.addPoint(MONZO, null, "we should run chaos days", true, "U0ANN", null, "view:2").isPresent());
        assertEquals(Optional.empty(), added.addPoint(MONZO, null, "we should run chaos days", true, "U0ANN", null, "view:2"));
        loader.load();

        assertEquals(1, talks.byKey(MONZO).orElseThrow().bullets().stream().filter(b -> b.added() != null).count());
        assertEquals(before + 1, items.list(ActionItems.View.ALL, "U0ANN").size());
        assertTrue(items.list(ActionItems.View.ALL, "U0ANN").stream().anyMatch(item -> item.text().equals("we should run chaos days")));
    }

    @Test
    void an_item_added_in_slack_is_keyed_by_its_point_and_one_keyed_by_its_text_before_is_moved_once() throws Exception {
        ActionItems items = new ActionItems(db, Clock.systemUTC(), java.util.Set.of());
        added.addPoint(MONZO, null, "we should run chaos dyas", true, "U0ANN", null, "view:7");
        loader.load();
        ActionItems.ActionItem item = items.list(ActionItems.View.ALL, null).stream()
                .filter(i -> i.text().equals("we should run chaos dyas")).findFirst().orElseThrow();
        items.act(item.id(), ActionItems.Action.CLAIM, "U0BOB", null, null);
        long point = last(talks.byKey(MONZO).orElseThrow()).added().id();
        // as a database from before keeps it: under its talk and text
        db.run(connection -> {
            try (var update = connection.prepareStatement("UPDATE action_items SET key = ? WHERE id = ?")) {
                update.setString(1, MONZO + "#we should run chaos dyas");
                update.setLong(2, item.id());
                update.executeUpdate();
            }
        });
        loader.load(); // the first load of a bot of this version moves it
        int before = items.list(ActionItems.View.ALL, null).size();

        assertTrue(added.change(point, "we should run chaos days", "U0ANN"));
        loader.load();

        assertEquals(before, items.list(ActionItems.View.ALL, null).size(), "one item, not two");
        ActionItems.ActionItem same = items.get(item.id()).orElseThrow();
        assertEquals("we should run chaos days", same.text());
        assertEquals("U0BOB", same.owner());
        assertTrue(same.inNotes(), "still in the notes");
    }

    @Test
    void a_renamed_or_re_dated_talk_keeps_what_was_added_and_a_deleted_one_keeps_it_in_view() throws Exception {
        ActionItems items = new ActionItems(db, Clock.systemUTC(), java.util.Set.of());
        added.addPoint(MONZO, null, "chaos days every quarter", false, "U0ANN", null, "view:r1");
        added.addPoint(MONZO, null, "we should run chaos days", true, "U0ANN", null, "view:r2");
        loader.load();
        long point = talks.byKey(MONZO).orElseThrow().bullets().stream().filter(b -> b.added() != null)
                .findFirst().orElseThrow().added().id();
        assertTrue(added.change(point, "chaos days every month", "U0ANN"), "an edit");
        long addedItem = itemId(items, "we should run chaos days");
        items.act(addedItem, ActionItems.Action.CLAIM, "U0BOB", null, null);
        long deadCode = itemId(items, "we should look for dead code");
        items.act(deadCode, ActionItems.Action.DONE, "U0BOB", null, null, new ActionItems.Note("removed 4,000 lines", null));
        loader.load();
        long monzoId = talkId(MONZO);

        // renamed: the heading gains the speaker; moved: day 3 becomes day 4
        Files.writeString(file, Files.readString(file).replace("16:10 microservices at Monzo:", "16:10 Microservices at Monzo (Matt Heath):")
                .replace("Day 3\n", "Day 4\n"));
        NotesLoader.Report report = loader.load();
        String renamed = "notes.txt/day-4/microservices-at-monzo-matt-heath";
        assertTrue(report.summary().contains("talks matched to a new title, day or file"), report.summary());
        Talk monzo = talks.byKey(renamed).orElseThrow();
        assertEquals(monzoId, talkId(renamed), "the same talk: its row, its id, its place in the rotation");
        assertTrue(monzo.bullets().stream().anyMatch(b -> b.text().equals("chaos days every month")), "the edited point came along");
        assertEquals(renamed, items.get(addedItem).orElseThrow().talkKey());
        assertEquals("U0BOB", items.get(addedItem).orElseThrow().owner(), "its item, still claimed");
        Talk containers = talks.byKey("notes.txt/day-4/java-in-containers").orElseThrow();
        assertTrue(containers.bullets().stream().anyMatch(b -> b.kind() == Bullet.Kind.OUTCOME && b.text().equals("removed 4,000 lines")),
                "the re-dated talk keeps its item's outcome under its line");
        assertTrue(items.get(deadCode).orElseThrow().inNotes());

        // deleted: no new talk to match, so what was added stays in view under the old talk
        String text = Files.readString(file);
        int start = text.indexOf("16:10 Microservices at Monzo");
        Files.writeString(file, text.substring(0, start) + text.substring(text.indexOf("14:55 microservices for growth")));
        report = loader.load();
        assertTrue(report.summary().contains("2 points added in Slack belong to Microservices at Monzo (Matt Heath)")
                        && report.summary().contains("no longer in the notes"), report.summary());
        Talk kept = talks.byKey(renamed).orElseThrow();
        assertEquals(List.of("chaos days every month", "we should run chaos days"),
                kept.bullets().stream().map(Bullet::text).sorted().toList(), "only what people added, not the file's lines");
        assertEquals(0, kept.firstLine(), "in no file now");
        assertTrue(items.get(addedItem).orElseThrow().inNotes(), "the claimed item is still in view");
        assertTrue(talks.byKey("notes.txt/day-4/microservices-for-growth").isPresent());

        // and export writes it out, under its old title in its file, with what was added to it
        List<qconbot.notes.Notes> exported = added.mergeInto(qconbot.notes.NotesParser.readAll(file.getParent()), talks.keptInView());
        String written = qconbot.notes.NotesWriter.write(exported.get(0));
        assertTrue(java.util.regex.Pattern.compile("Microservices at Monzo \\(Matt Heath\\):\n- \\[P\\d+] chaos days every month\n"
                + "- \\[INTERNAL] \\[P\\d+] we should run chaos days\n").matcher(written).find(), written);

        // once an editor takes the points away, the talk goes as the notes say
        for (Bullet bullet : kept.bullets()) {
            added.change(bullet.added().id(), null, "U0ADMIN");
        }
        loader.talkChanged(renamed);
        assertTrue(talks.byKey(renamed).isEmpty(), "nothing left to keep in view");
    }

    @Test
    void an_export_edited_and_imported_again_any_number_of_times_shows_everything_once() throws Exception {
        String devoxx = "Devoxx 2026\n-----------\n\nDay 1\n-----\n10:00 edge computing:\n- edge functions are cheap\n"
                + "- [INTERNAL] we should try edge functions\n\n11:00 wasm everywhere:\n- wasm runs in the database now\n";
        importFile("devoxx-2026.txt", devoxx);
        String edge = "devoxx-2026.txt/day-1/edge-computing";
        added.addPoint(edge, null, "cold starts under 5 ms", false, "U0ANN", null, "view:x1");
        added.addPoint(edge, null, "we should measure cold starts", true, "U0ANN", null, "view:x2");
        loader.talkChanged(edge);
        ActionItems items = new ActionItems(db, Clock.systemUTC(), java.util.Set.of());
        items.act(itemId(items, "we should try edge functions"), ActionItems.Action.DONE, "U0BOB", null, null,
                new ActionItems.Note("tried them: fast", null));
        items.act(itemId(items, "we should measure cold starts"), ActionItems.Action.WONT_DO, "U0BOB", null, null,
                new ActionItems.Note("no time", null));
        loader.talkChanged(edge);
        int itemsBefore = items.list(ActionItems.View.ALL, null).size();

        for (int cycle = 1; cycle <= 3; cycle++) {
            qconbot.notes.Notes exported = added.mergeInto(qconbot.notes.NotesParser.readAll(file.getParent())).stream()
                    .filter(notes -> notes.source().equals("devoxx-2026.txt")).findFirst().orElseThrow();
            String text = qconbot.notes.NotesWriter.write(exported);
            if (cycle == 1) { // the editor takes a talk out of the file they send back
                text = text.substring(0, text.indexOf("11:00 wasm everywhere:"));
            }
            importFile("devoxx-2026.txt", text);
            loader.load();

            Talk talk = talks.byKey(edge).orElseThrow();
            List<String> texts = talk.bullets().stream().map(Bullet::text).toList();
            assertEquals(1, texts.stream().filter("cold starts under 5 ms"::equals).count(), "cycle " + cycle + ": " + texts);
            assertEquals(1, texts.stream().filter("we should measure cold starts"::equals).count(), texts.toString());
            assertEquals(1, talk.bullets().stream().filter(b -> b.kind() == Bullet.Kind.OUTCOME).count(), texts.toString());
            assertEquals(1, talk.bullets().stream().filter(b -> b.kind() == Bullet.Kind.WONT_DO).count(), texts.toString());
            assertTrue(talk.bullets().stream().noneMatch(b -> b.text().startsWith("what came of it")), texts.toString());
            assertTrue(talks.byKey("devoxx-2026.txt/day-1/wasm-everywhere").isEmpty(), "the talk taken out is out");
            assertEquals(itemsBefore, items.list(ActionItems.View.ALL, null).size(), "no item twice");
        }
    }

    private void importFile(String name, String text) throws Exception {
        assertTrue(added.finishImport(added.stageImport(name, text, "U0EDIT"), true));
        loader.fileChanged(name);
    }

    private static long itemId(ActionItems items, String text) throws Exception {
        return items.list(ActionItems.View.ALL, null).stream().filter(i -> i.text().equals(text)).findFirst().orElseThrow().id();
    }

    private long talkId(String key) throws Exception {
        return db.read(connection -> {
            try (var select = connection.prepareStatement("SELECT id FROM talks WHERE key = ?")) {
                select.setString(1, key);
                try (var rows = select.executeQuery()) {
                    return rows.next() ? rows.getLong(1) : -1L;
                }
            }
        });
    }

    @Test
    void a_new_talk_is_its_own_conference_talk_with_a_stable_key() throws Exception {
        String key = added.addPoint(null, new Added.NewTalk("Edge computing", "Day 2", "11:00", "Dana Example", "Devoxx 2026"),
                "edge functions are cheap", false, "U0ANN", null, "view:3").orElseThrow();
        loader.load();

        Talk talk = talks.byKey(key).orElseThrow();
        assertEquals("slack/1-edge-computing", key);
        assertEquals("Devoxx 2026", talk.conference());
        assertEquals(2, talk.dayNumber());
        assertEquals("11:00", talk.time());
        assertEquals(Added.SOURCE, talk.source());
        assertEquals("edge functions are cheap", last(talk).text());
        assertTrue(talks.agenda().stream().anyMatch(t -> t.key().equals(key)), "in the agenda and the rotation");
    }

    private static Bullet last(Talk talk) {
        return talk.bullets().get(talk.bullets().size() - 1);
    }
}
