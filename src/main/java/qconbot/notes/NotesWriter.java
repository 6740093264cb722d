package qconbot.notes;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes notes in the format {@link NotesParser} reads: the conference underlined, "Day n" sections, "10:35 title:"
 * headers, the speaker as the first bullet, "- " and "-- " bullets with their "!!!", "???" and "[INTERNAL]" marks.
 * Whatever anyone typed stays text: what the parser would read as structure at the start of a line or a field (a
 * tag, a dash, "!!!", a time, a speaker's name) is escaped with a backslash, and a text that ends in "!!!" or "???"
 * gets its last mark escaped ({@link NotesParser}, "Escapes"). Reading what it writes gives the same talks, points
 * and action items (NotesWriterTest, NotesRoundTripTest), so the notes are never locked in the database:
 * {@code java -jar qcon-bot.jar export DIR}.
 */
public final class NotesWriter {

    private NotesWriter() {
    }

    public static String write(Notes notes) {
        StringBuilder out = new StringBuilder();
        String conference = oneLine(notes.conference());
        boolean plain = !conference.startsWith("\\") && !NotesParser.isDayLine(conference)
                && !NotesParser.isUnderline(conference);
        out.append(plain ? "" : "\\").append(conference).append('\n')
                .append("-".repeat(Math.max(3, conference.length() + (plain ? 0 : 1)))).append("\n\n");
        String day = null;
        for (Talk talk : ordered(notes)) {
            if (!dayLine(talk).equals(day)) {
                day = dayLine(talk);
                if (!day.isEmpty()) {
                    out.append(day).append("\n---------------\n");
                }
            }
            out.append(talk.time() == null ? "" : talk.time() + " ").append(title(talk)).append(":\n");
            if (talk.speaker() != null) {
                out.append("- ").append(speaker(oneLine(talk.speaker()))).append('\n');
            }
            for (int i = 0; i < talk.bullets().size(); i++) {
                Bullet bullet = talk.bullets().get(i);
                boolean couldBeSpeaker = i == 0 && talk.speaker() == null && bullet.depth() == 1;
                out.append(bullet.depth() > 1 ? "-- " : "- ").append(bullet(bullet, couldBeSpeaker)).append('\n');
            }
            out.append('\n');
        }
        return out.toString();
    }

    /**
     * A bullet after its dash, as the parser will read back this kind and this text. A point added in Slack gets its
     * id first ("[P3] "), so that reading the file back where the point is finds it the same.
     */
    private static String bullet(Bullet bullet, boolean couldBeSpeaker) {
        String text = oneLine(bullet.text());
        String marker = bullet.added() != null && !bullet.isOutcome() ? "[P" + bullet.added().id() + "] " : "";
        return switch (bullet.kind()) {
            case HIGHLIGHT -> "!!! " + inner(text);
            case QUESTION -> escaped(text, false) + " ???";
            case INTERNAL -> "[INTERNAL] " + marker + escaped(text, false);
            case POINT -> marker + escaped(text, couldBeSpeaker && (NotesParser.looksLikeSpeaker(text)
                    || text.regionMatches(true, 0, NotesParser.SPEAKER, 0, NotesParser.SPEAKER.length())));
            case OUTCOME, WONT_DO -> inner(outcomeLine(bullet));
        };
    }

    /** What came of an item, or why it won't be done, as its line says it: "what came of it (A3, 2026-12-02): …". */
    static String outcomeLine(Bullet bullet) {
        String text = oneLine(bullet.text());
        return (bullet.kind() == Bullet.Kind.OUTCOME ? "what came of it" : "won't do") + " (A" + bullet.added().id() + ", "
                + bullet.added().at().toString().substring(0, 10) + "): " + text
                + (bullet.added().permalink() == null ? "" : (text.isEmpty() ? "" : " ") + bullet.added().permalink());
    }

    /**
     * Null when {@code read} (the file written for {@code notes}, parsed) holds exactly what was written: the
     * conference, and every talk's title, day, time, speaker and points (depth, kind, text; an outcome as the point
     * its line is). Else the first difference, in a sentence that names the talk.
     */
    public static String difference(Notes notes, Notes read) {
        if (!oneLine(notes.conference()).equals(read.conference())) {
            return "the conference \"" + notes.conference() + "\" reads back as \"" + read.conference() + "\"";
        }
        List<Talk> written = ordered(notes);
        if (written.size() != read.talks().size()) {
            return written.size() + " talks written, " + read.talks().size() + " read back";
        }
        for (int i = 0; i < written.size(); i++) {
            Talk talk = written.get(i);
            Talk back = read.talks().get(i);
            List<String> expected = List.of(oneLine(talk.title()), dayLine(talk), String.valueOf(talk.time()),
                    String.valueOf(talk.speaker() == null ? null : oneLine(talk.speaker())), shape(talk.bullets(), true).toString());
            List<String> actual = List.of(back.title(), back.day(), String.valueOf(back.time()), String.valueOf(back.speaker()),
                    shape(back.bullets(), false).toString());
            if (!expected.equals(actual)) {
                return "talk \"" + talk.title() + "\" reads back as " + actual + ", not " + expected;
            }
        }
        return null;
    }

    private static List<String> shape(List<Bullet> bullets, boolean written) {
        return bullets.stream().map(b -> b.depth() + " " + b.kind() + " " + (written && b.isOutcome()
                ? outcomeLine(b).substring(outcomeLine(b).indexOf("): ") + 3) : written ? oneLine(b.text()) : b.text())
                + (b.added() == null || b.isOutcome() ? "" : " P" + b.added().id())).toList();
    }

    /**
     * Text at the start of a bullet (or after its tag): a backslash first when it starts with what the parser reads
     * as structure ("[", "!", "-", a backslash, "what came of it (A3, …): "), or when {@code force}d (a first point that would be read as the
     * speaker).
     */
    static String escaped(String text, boolean force) {
        boolean structure = text.startsWith("[") || text.startsWith("!") || text.startsWith("-") || text.startsWith("\\")
                || NotesParser.OUTCOME_LINE.matcher(text).matches(); // a point that reads like an exported outcome
        return (structure || force ? "\\" : "") + inner(text);
    }

    /** Backslashes doubled, and a final run of three or more "!" or "?" broken by escaping its last mark. */
    static String inner(String text) {
        String body = text.replace("\\", "\\\\");
        int end = body.length();
        for (char mark : new char[] {'!', '?'}) {
            int run = 0;
            while (run < end && body.charAt(end - 1 - run) == mark) {
                run++;
            }
            if (run >= 3) {
                return body.substring(0, end - 1) + "\\" + mark;
            }
        }
        return body;
    }

    /** The speaker line's text: the name as it is when the parser reads it as one, else "Speaker: …". */
    private static String speaker(String speaker) {
        boolean asIs = NotesParser.looksLikeSpeaker(speaker) && inner(speaker).equals(speaker)
                && !speaker.regionMatches(true, 0, NotesParser.SPEAKER, 0, NotesParser.SPEAKER.length());
        return asIs ? speaker : NotesParser.SPEAKER + " " + inner(speaker);
    }

    /** A talk's title in its header: escaped when it would read as a bullet, a time or an escape. */
    private static String title(Talk talk) {
        String title = oneLine(talk.title());
        boolean structure = title.startsWith("\\") || talk.time() == null
                && (title.startsWith("-") || NotesParser.readsAsTime(title));
        return (structure ? "\\" : "") + title;
    }

    /** The talks in the order they are written: those with no day first (after a "Day n" line, a talk is on that day). */
    private static List<Talk> ordered(Notes notes) {
        List<Talk> talks = new ArrayList<>(notes.talks().stream().filter(talk -> dayLine(talk).isEmpty()).toList());
        notes.talks().stream().filter(talk -> !dayLine(talk).isEmpty()).forEach(talks::add);
        return talks;
    }

    /** The "Day n" line a talk goes under: its day as read, or "Day n" from its number; "" for none. */
    private static String dayLine(Talk talk) {
        String day = oneLine(talk.day());
        return NotesParser.isDayLine(day) ? day : talk.dayNumber() > 0 ? "Day " + talk.dayNumber() : "";
    }

    /** The longest file name export writes, before ".txt": far inside every file system's 255 bytes. */
    static final int MAX_NAME = 100;

    /**
     * A file name for the notes: a notes file's own name; for notes that came from no file (talks added in Slack)
     * "added-in-slack-devoxx-2026.txt". Letters, digits, dots, dashes and underscores only, at most {@link #MAX_NAME}
     * characters before the extension.
     */
    public static String fileName(Notes notes) {
        boolean file = notes.source().toLowerCase(Locale.ROOT).matches(".*\\.(txt|md)");
        String stem = file ? notes.source().substring(0, notes.source().lastIndexOf('.')) : notes.source() + " " + notes.conference();
        String extension = file ? notes.source().substring(notes.source().lastIndexOf('.')).toLowerCase(Locale.ROOT) : ".txt";
        String slug = (file ? stem : stem.toLowerCase(Locale.ROOT)).replaceAll("[^A-Za-z0-9._-]+", "-")
                .replaceAll("^[-.]+|-+$", "");
        slug = slug.length() > MAX_NAME ? slug.substring(0, MAX_NAME) : slug;
        return (slug.isEmpty() ? "notes" : slug) + extension;
    }

    /**
     * {@link #fileName}, made unique among the names {@code taken} in this run (compared without case, as macOS and
     * Windows disks do): "-2", "-3" … before the extension. The name is added to {@code taken}.
     */
    public static String uniqueFileName(Notes notes, java.util.Set<String> taken) {
        String name = fileName(notes);
        int dot = name.lastIndexOf('.');
        String unique = name;
        for (int n = 2; !taken.add(unique.toLowerCase(Locale.ROOT)); n++) {
            unique = name.substring(0, dot) + "-" + n + name.substring(dot);
        }
        return unique;
    }

    /** A line break inside a point would end it: points are one line in the notes. */
    private static String oneLine(String text) {
        return text.replaceAll("\\s*\\R\\s*", " ").strip();
    }
}
