package qconbot.notes;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Nobody's text becomes structure (issue 24): random conferences, titles, days, times, speakers and points, full of
 * what the parser reads as structure (tags, near-miss tags, dashes, "!!!", "???", times, day lines, backslashes,
 * speaker-like names), written by {@link NotesWriter} and read back by {@link NotesParser}, give back exactly the
 * same talks: every title, day, time, speaker, and every point's depth, kind and text.
 */
class NotesRoundTripTest {

    static final int CASES = 3_000;

    /** Pieces that the parser reads as structure somewhere, and plain words between them. */
    private static final String[] PIECES = {"[INTERNAL]", "[INFERNAL]", "[internal]", "[EXTERNAL]", "[", "]", "-", "--",
            "- --", "!!!", "!!", "!", "???", "??", "?", "\\", "\\!", "\\?", "\\\\", ":", "10:35", "1035", "9:05", "Day 3",
            "day 12", "---", "Speaker:", "what came of it (A3, 2026-12-02): ", "won't do (A1, 2026-12-02): x", "[P3] ", "speaker: x", "by oracle", "Sam Newman", "Mariah G", "\"quoted\"", "<@U0EVIL>",
            "<!channel>", "&amp;", "monzo", "kafka", "café", "x", "A3", "P7", " ", " ", " "};

    @Test
    void whatever_anyone_typed_is_read_back_as_the_same_text_and_structure() {
        Random random = new Random(24);
        long started = System.nanoTime();
        for (int n = 0; n < CASES; n++) {
            Notes written = notes(random, n);
            String text = NotesWriter.write(written);
            Notes read = NotesParser.parse(written.source(), text);
            String where = "case " + n + ":\n" + text;
            assertEquals(written.conference(), read.conference(), where);
            assertEquals(written.talks().size(), read.talks().size(), where);
            for (int t = 0; t < written.talks().size(); t++) {
                Talk expected = written.talks().get(t);
                Talk actual = read.talks().get(t);
                assertEquals(expected.title(), actual.title(), where);
                assertEquals(expected.day(), actual.day(), where);
                assertEquals(expected.dayNumber(), actual.dayNumber(), where);
                assertEquals(expected.time(), actual.time(), where);
                assertEquals(expected.speaker(), actual.speaker(), where);
                assertEquals(shape(expected.bullets()), shape(actual.bullets()), where);
            }
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertTrue(millis < 30_000, CASES + " cases took " + millis + " ms");
    }

    private static List<String> shape(List<Bullet> bullets) {
        return bullets.stream().map(b -> b.depth() + " " + b.kind() + " " + b.text()).toList();
    }

    /** Talks without a day first, as a file holds them (a talk after a "Day n" line is on that day). */
    private static Notes notes(Random random, int n) {
        List<Talk> talks = new ArrayList<>();
        int count = 1 + random.nextInt(4);
        boolean days = random.nextBoolean();
        for (int t = 0; t < count; t++) {
            int day = days ? 1 + t / 2 : 0;
            String time = random.nextInt(3) == 0 ? null : String.format("%02d:%02d", random.nextInt(24), random.nextInt(60));
            List<Bullet> bullets = new ArrayList<>();
            for (int b = random.nextInt(5); b > 0; b--) {
                Bullet.Kind kind = List.of(Bullet.Kind.POINT, Bullet.Kind.POINT, Bullet.Kind.HIGHLIGHT, Bullet.Kind.QUESTION,
                        Bullet.Kind.INTERNAL).get(random.nextInt(5));
                bullets.add(new Bullet(1 + random.nextInt(2), kind, text(random), List.of(), 0));
            }
            talks.add(new Talk("k" + t, "f" + n + ".txt", "c", day == 0 ? "" : "Day " + day, day, time, text(random),
                    random.nextBoolean() ? null : text(random), bullets, 0, 0));
        }
        return new Notes("f" + n + ".txt", text(random), talks, List.of());
    }

    /** One to five pieces, joined, as one stripped line: what a saved field holds. */
    private static String text(Random random) {
        String text = "";
        while (text.isBlank()) {
            StringBuilder built = new StringBuilder();
            for (int p = 1 + random.nextInt(5); p > 0; p--) {
                built.append(PIECES[random.nextInt(PIECES.length)]);
                if (random.nextBoolean()) {
                    built.append(' ');
                }
            }
            text = built.toString().strip();
        }
        return text;
    }
}
