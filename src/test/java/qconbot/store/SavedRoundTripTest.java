package qconbot.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import qconbot.notes.Bullet;
import qconbot.notes.Notes;
import qconbot.notes.NotesParser;
import qconbot.notes.NotesWriter;
import qconbot.notes.Talk;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 24's property: random talks and points saved through the bot's own save path ({@link Added#addPoint}, as the
 * form and the shortcut save them), exported as notes files, and imported into an empty database give back every
 * talk (title, day, time, speaker, conference) and every point (its text, and whether it is an action item): a few
 * thousand points, well under a minute.
 */
class SavedRoundTripTest {

    static final int TALKS = 300;
    static final int POINTS = 3_000;

    private static final String[] PIECES = {"[INTERNAL]", "[INFERNAL]", "[", "]", "-", "--", "- --", "!!!", "!!", "???",
            "?", "\\", "\\!", "\\?", ":", "10:35", "1035", "Day 3", "---", "Speaker:", "what came of it (A3, 2026-12-02): ", "won't do (A1, 2026-12-02): x", "[P3] ", "by oracle", "Sam Newman",
            "<https://x.example|the runbook>", "<@U0BOB>", "&amp;", "café", "x", "word", "\n", "\n-- nested", " ", " "};

    @TempDir
    Path dir;

    @Test
    void what_is_saved_exports_and_imports_into_an_empty_database_unchanged() throws Exception {
        Random random = new Random(2024);
        long started = System.nanoTime();
        try (Db db = Db.open(dir.resolve("saved.db")); Db empty = Db.open(dir.resolve("empty.db"))) {
            Added added = new Added(db, Clock.systemUTC());
            List<String> keys = new ArrayList<>();
            for (int n = 0; n < POINTS; n++) {
                boolean internal = random.nextInt(4) == 0;
                if (n < TALKS) {
                    Added.NewTalk talk = new Added.NewTalk(text(random), random.nextBoolean() ? "Day " + (1 + random.nextInt(3)) : null,
                            random.nextBoolean() ? String.format("%d:%02d", random.nextInt(24), random.nextInt(60)) : null,
                            random.nextBoolean() ? text(random) : null, "Conf " + random.nextInt(3));
                    keys.add(added.addPoint(null, talk, text(random), internal, "U0ANN", null, "r" + n).orElseThrow());
                } else {
                    added.addPoint(keys.get(random.nextInt(keys.size())), null, text(random), internal, "U0ANN", null, "r" + n);
                }
            }
            List<Notes> saved = added.mergeInto(List.of());
            Set<String> taken = new HashSet<>();
            List<Notes> files = new ArrayList<>();
            for (Notes notes : saved) {
                String name = NotesWriter.uniqueFileName(notes, taken);
                Notes read = NotesParser.parse(name, NotesWriter.write(notes));
                assertNull(NotesWriter.difference(notes, read), name);
                files.add(read);
            }
            Talks imported = new Talks(empty);
            imported.sync(files);

            assertEquals(shapes(saved), shapes(List.of(new Notes("all", "all", imported.agenda(), List.of()))));
            long items = saved.stream().flatMap(n -> n.talks().stream()).mapToLong(t -> t.internalLines().size()).sum();
            assertEquals(items, new ActionItems(empty, Clock.systemUTC(), Set.of()).list(ActionItems.View.ALL, null).size(),
                    "every action item, and nobody's text as one");
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        System.out.println("saved round trip: " + POINTS + " points on " + TALKS + " talks in " + millis + " ms");
        assertTrue(millis < 60_000, "took " + millis + " ms");
    }

    /** Each talk as one string, sorted: conference, day, time, title, speaker, and its points' kinds and texts. */
    private static List<String> shapes(List<Notes> all) {
        List<String> shapes = new ArrayList<>();
        for (Notes notes : all) {
            for (Talk talk : notes.talks()) {
                StringBuilder shape = new StringBuilder(talk.conference() + "|" + talk.day() + "|" + talk.time() + "|"
                        + talk.title() + "|" + talk.speaker());
                for (Bullet bullet : talk.bullets()) {
                    shape.append("\n").append(bullet.depth()).append(' ').append(bullet.kind()).append(' ').append(bullet.text());
                }
                shapes.add(shape.toString());
            }
        }
        shapes.sort(null);
        return shapes;
    }

    private static String text(Random random) {
        String text = "";
        while (text.isBlank()) {
            StringBuilder built = new StringBuilder();
            for (int p = 1 + random.nextInt(5); p > 0; p--) {
                built.append(PIECES[random.nextInt(PIECES.length)]).append(random.nextBoolean() ? " " : "");
            }
            text = built.toString().strip();
        }
        return text;
    }
}
