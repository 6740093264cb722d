package qconbot;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import qconbot.notes.Bullet;
import qconbot.notes.Notes;
import qconbot.notes.NotesParser;
import qconbot.notes.NotesWriter;
import qconbot.notes.Talk;
import qconbot.store.Added;
import qconbot.store.Db;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The notes are never locked in the database: exported files read back as the same talks, points and items. */
class ExportTest {

    @TempDir
    Path dir;

    @Test
    void both_notes_files_read_back_the_same_after_writing() throws Exception {
        List<Notes> originals = new ArrayList<>(NotesParser.readAll(TestBot.NOTES));
        originals.add(NotesParser.read(Path.of("src/test/resources/questions/craft-2022.txt")));
        originals.add(new Notes("added in Slack", "Devoxx 2026", List.of(
                new Talk("k1", "added in Slack", "Devoxx 2026", "", 0, null, "no day yet", null,
                        List.of(new Bullet(1, Bullet.Kind.POINT, "a point", List.of(), 0)), 0, 0),
                new Talk("k2", "added in Slack", "Devoxx 2026", "Day 2", 2, "10:35", "Edge computing", "Dana Example",
                        List.of(new Bullet(1, Bullet.Kind.HIGHLIGHT, "very important", List.of(), 0),
                                new Bullet(2, Bullet.Kind.QUESTION, "is it cheap", List.of(), 0),
                                new Bullet(1, Bullet.Kind.INTERNAL, "we should try it", List.of(), 0)), 0, 0)),
                List.of()));

        for (Notes original : originals) {
            Notes back = NotesParser.parse(NotesWriter.fileName(original), NotesWriter.write(original));
            assertEquals(shape(original), shape(back), original.source());
            assertEquals(original.conference(), back.conference());
            assertEquals(original.talks().stream().mapToLong(t -> t.internalLines().size()).sum(),
                    back.talks().stream().mapToLong(t -> t.internalLines().size()).sum(), "the same action items");
        }
    }

    @Test
    void export_writes_the_files_with_what_was_added_in_slack_and_they_read_back_the_same() throws Exception {
        Path db = dir.resolve("qcon.db");
        Map<String, String> env = Map.of(qconbot.Config.QCON_CONFIG, Files.writeString(dir.resolve("empty.env"), "").toString(),
                qconbot.Config.QCON_DB, db.toString(), qconbot.Config.QCON_NOTES, TestBot.NOTES.toString());
        try (Main.Core core = Main.Core.open(qconbot.Config.loadForConsole(env), Clock.systemUTC())) {
            core.added().addPoint("qcon-2020.txt/day-3/microservices-at-monzo", null, "chaos days\nevery quarter", true,
                    "U0ANN", null, "view:1");
            core.added().addPoint(null, new Added.NewTalk("Edge computing", "Day 2", "10:35", null, "Devoxx 2026"),
                    "edge functions are cheap", false, "U0ANN", null, "view:2");
        }

        Tools.export(qconbot.Config.loadForConsole(env), new String[] {"export", dir.resolve("out").toString()});

        List<Notes> exported = NotesParser.readAll(dir.resolve("out"));
        assertEquals(2, exported.size(), exported.stream().map(Notes::source).toList().toString());
        Talk monzo = exported.stream().flatMap(n -> n.talks().stream()).filter(t -> t.title().equals("microservices at Monzo"))
                .findFirst().orElseThrow();
        Bullet last = monzo.bullets().get(monzo.bullets().size() - 1);
        assertEquals(new Bullet(1, Bullet.Kind.INTERNAL, "chaos days every quarter", List.of(), last.line(),
                new Bullet.Added(1, null, null, null)), last, "with its point's marker, [P1]");
        assertTrue(exported.stream().anyMatch(n -> n.conference().equals("Devoxx 2026")
                && n.talks().get(0).bullets().get(0).text().equals("edge functions are cheap")));
        try (Db reopened = Db.open(db)) {
            List<Notes> merged = new Added(reopened, Clock.systemUTC()).mergeInto(NotesParser.readAll(TestBot.NOTES));
            // (read back in file-name order)
            assertEquals(new java.util.HashSet<>(merged.stream().map(ExportTest::shape).toList()),
                    new java.util.HashSet<>(exported.stream().map(ExportTest::shape).toList()), "the exported files are what the bot serves");
        }
    }

    @Test
    void the_console_exports_the_same_way() throws Exception {
        Map<String, String> env = Map.of(qconbot.Config.QCON_CONFIG, Files.writeString(dir.resolve("empty.env"), "").toString(),
                qconbot.Config.QCON_DB, dir.resolve("console.db").toString(), qconbot.Config.QCON_NOTES, TestBot.NOTES.toString());
        qconbot.Config config = qconbot.Config.loadForConsole(env);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (Main.Core core = Main.Core.open(config, Clock.systemUTC())) {
            new qconbot.commands.Console(Main.offline(core, config, Clock.systemUTC(), java.time.Duration.ofSeconds(2)),
                    folder -> Tools.export(core, config, folder))
                    .run(new java.io.BufferedReader(new java.io.StringReader("export " + dir.resolve("from-console") + "\nexit\n")),
                            new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
        }

        assertTrue(out.toString(java.nio.charset.StandardCharsets.UTF_8).contains("Wrote " + dir.resolve("from-console").resolve("qcon-2020.txt")));
        assertEquals(shape(NotesParser.readAll(TestBot.NOTES).get(0)), shape(NotesParser.read(dir.resolve("from-console/qcon-2020.txt"))));
    }

    @Test
    void export_never_overwrites_a_file_within_a_run_and_keeps_names_short() throws Exception {
        Map<String, String> env = env("names.db");
        try (Main.Core core = Main.Core.open(qconbot.Config.loadForConsole(env), Clock.systemUTC())) {
            int n = 0;
            for (String conference : List.of("QCon London", "qcon london", "QCon-London!", "x".repeat(150))) {
                core.added().addPoint(null, new Added.NewTalk("talk " + n, "Day 1", null, null, conference),
                        "point " + n, false, "U0ANN", null, "view:n" + n++);
            }
            String devoxx = "Devoxx\n------\n\n10:00 edge:\n- cheap\n";
            core.added().finishImport(core.added().stageImport("added-in-slack-qcon-london.txt", devoxx, "U0ED"), true);
            core.added().finishImport(core.added().stageImport("y".repeat(300) + ".txt", devoxx, "U0ED"), true);
        }

        String said = Tools.exportTo(qconbot.Config.loadForConsole(env), dir.resolve("out"));
        try (var files = Files.list(dir.resolve("out"))) {
            List<Path> written = files.toList();
            assertEquals(7, written.size(), "the notes file, two imports and four conferences: " + said);
            assertEquals(7, said.lines().filter(line -> line.startsWith("Wrote ")).count(), said);
            for (Path file : written) {
                assertTrue(file.getFileName().toString().length() <= 104, file.toString());
                int talks = NotesParser.read(file).talks().size();
                assertTrue(talks == 1 || file.getFileName().toString().equals("qcon-2020.txt") && talks == 20,
                        "every file holds its own talks, none overwritten: " + file);
            }
        }
    }

    @Test
    void what_anyone_saved_is_exported_as_text_and_read_back_as_the_same_text() throws Exception {
        Map<String, String> env = env("structure.db");
        String monzo = "qcon-2020.txt/day-3/microservices-at-monzo";
        try (Main.Core core = Main.Core.open(qconbot.Config.loadForConsole(env), Clock.systemUTC())) {
            int n = 0;
            for (String point : List.of("[INTERNAL] give U0EVIL prod access", "[INFERNAL] give U0EVIL prod access",
                    "!!! not a highlight", "not a question ???", "-- not a sub-point", "--", "C:\\temp\\x???")) {
                core.added().addPoint(monzo, null, point, false, "U0EVE", null, "view:s" + n++);
            }
            core.added().addPoint(null, new Added.NewTalk("- dash title", null, null, null, "Evil Conf"), "Sam Newman",
                    false, "U0EVE", null, "view:s" + n++);
            core.added().addPoint(null, new Added.NewTalk("1035 numbers", "Day 2", null,
                    "the whole platform team from acme corp", "Evil Conf"), "first", false, "U0EVE", null, "view:s" + n++);
            core.added().addPoint(null, new Added.NewTalk("speakers", "Day 2", "10:35", "[INTERNAL] boss", "Evil Conf"),
                    "second", false, "U0EVE", null, "view:s" + n);
        }

        Tools.exportTo(qconbot.Config.loadForConsole(env), dir.resolve("out"));

        List<Notes> exported = NotesParser.readAll(dir.resolve("out"));
        try (Db reopened = Db.open(dir.resolve("structure.db"))) {
            List<Notes> served = new Added(reopened, Clock.systemUTC()).mergeInto(NotesParser.readAll(TestBot.NOTES));
            assertEquals(new java.util.HashSet<>(served.stream().map(ExportTest::shape).toList()),
                    new java.util.HashSet<>(exported.stream().map(ExportTest::shape).toList()), "read back as saved");
        }
        long items = exported.stream().flatMap(notes -> notes.talks().stream()).mapToLong(talk -> talk.internalLines().size()).sum();
        assertEquals(7, items, "the notes' own 7 action items; nobody's text became one");
        Talk dash = exported.stream().flatMap(notes -> notes.talks().stream()).filter(t -> t.title().equals("- dash title"))
                .findFirst().orElseThrow();
        assertEquals(null, dash.speaker(), "a first point that looks like a name stays a point");
        assertEquals("Sam Newman", dash.bullets().get(0).text());
    }

    private Map<String, String> env(String db) throws Exception {
        return Map.of(qconbot.Config.QCON_CONFIG, Files.writeString(dir.resolve("empty.env"), "").toString(),
                qconbot.Config.QCON_DB, dir.resolve(db).toString(), qconbot.Config.QCON_NOTES, TestBot.NOTES.toString());
    }

    /** What must survive a round trip: each talk's day, time, title, speaker and points, without line numbers. */
    private static List<String> shape(Notes notes) {
        List<String> shape = new ArrayList<>();
        for (Talk talk : notes.talks()) {
            StringBuilder one = new StringBuilder(talk.day() + "|" + talk.dayNumber() + "|" + talk.time() + "|"
                    + talk.title() + "|" + talk.speaker());
            for (Bullet bullet : talk.bullets()) {
                one.append("\n  ").append(bullet.depth()).append(' ').append(bullet.kind()).append(' ').append(bullet.text());
            }
            shape.add(one.toString());
        }
        shape.sort(null); // talks with no day are written first
        return shape;
    }
}
