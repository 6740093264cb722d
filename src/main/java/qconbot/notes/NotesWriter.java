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
        // talks with no day first: after a "Day n" line, a talk would be read as on that day
        List<Talk> talks = new ArrayList<>(notes.talks().stream().filter(talk -> dayLine(talk).isEmpty()).toList());
        notes.talks().stream().filter(talk -> !dayLine(talk).isEmpty()).forEach(talks::add);
        for (Talk talk : talks) {
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

    /** A bullet after its dash, as the parser will read back this kind and this text. */
    private static String bullet(Bullet bullet, boolean couldBeSpeaker) {
        String text = oneLine(bullet.text());
        return switch (bullet.kind()) {
            case HIGHLIGHT -> "!!! " + inner(text);
            case QUESTION -> escaped(text, false) + " ???";
            case INTERNAL -> "[INTERNAL] " + escaped(text, false);
            case POINT -> escaped(text, couldBeSpeaker && (NotesParser.looksLikeSpeaker(text)
                    || text.regionMatches(true, 0, NotesParser.SPEAKER, 0, NotesParser.SPEAKER.length())));
            case OUTCOME, WONT_DO -> (bullet.kind() == Bullet.Kind.OUTCOME ? "what came of it" : "won't do")
                    + " (A" + bullet.added().id() + ", " + bullet.added().at().toString().substring(0, 10) + "): "
                    + inner(text + (bullet.added().permalink() == null ? ""
                    : (text.isEmpty() ? "" : " ") + bullet.added().permalink()));
        };
    }

    /**
     * Text at the start of a bullet (or after its tag): a backslash first when it starts with what the parser reads
     * as structure ("[", "!", "-", a backslash), or when {@code force}d (a first point that would be read as the
     * speaker).
     */
    static String escaped(String text, boolean force) {
        boolean structure = text.startsWith("[") || text.startsWith("!") || text.startsWith("-") || text.startsWith("\\");
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

    /** The "Day n" line a talk goes under: its day as read, or "Day n" from its number; "" for none. */
    private static String dayLine(Talk talk) {
        String day = oneLine(talk.day());
        return NotesParser.isDayLine(day) ? day : talk.dayNumber() > 0 ? "Day " + talk.dayNumber() : "";
    }

    /** A file name for notes that came from no file (talks added in Slack): "added-in-slack-devoxx-2026.txt". */
    public static String fileName(Notes notes) {
        if (notes.source().toLowerCase(Locale.ROOT).matches(".*\\.(txt|md)")) {
            return notes.source();
        }
        String slug = (notes.source() + " " + notes.conference()).toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
        return (slug.isEmpty() ? "notes" : slug) + ".txt";
    }

    /** A line break inside a point would end it: points are one line in the notes. */
    private static String oneLine(String text) {
        return text.replaceAll("\\s*\\R\\s*", " ").strip();
    }
}
