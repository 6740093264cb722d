package qconbot.notes;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes notes in the format {@link NotesParser} reads: the conference underlined, "Day n" sections, "10:35 title:"
 * headers, the speaker as the first bullet, "- " and "-- " bullets with their "!!!", "???" and "[INTERNAL]" marks.
 * Reading what it writes gives the same talks, points and action items (NotesWriterTest), so the notes are never
 * locked in the database: {@code java -jar qcon-bot.jar export DIR}.
 */
public final class NotesWriter {

    private NotesWriter() {
    }

    public static String write(Notes notes) {
        StringBuilder out = new StringBuilder();
        out.append(oneLine(notes.conference())).append('\n').append("-".repeat(Math.max(3, notes.conference().length())))
                .append("\n\n");
        String day = null;
        // talks with no day first: after a "Day n" line, a talk would be read as on that day
        List<Talk> talks = new ArrayList<>(notes.talks().stream().filter(talk -> talk.day().isEmpty()).toList());
        notes.talks().stream().filter(talk -> !talk.day().isEmpty()).forEach(talks::add);
        for (Talk talk : talks) {
            if (!talk.day().equals(day)) {
                day = talk.day();
                if (!day.isEmpty()) {
                    out.append(oneLine(day)).append("\n---------------\n");
                }
            }
            out.append(talk.time() == null ? "" : talk.time() + " ").append(oneLine(talk.title())).append(":\n");
            if (talk.speaker() != null) {
                out.append("- ").append(oneLine(talk.speaker())).append('\n');
            }
            for (Bullet bullet : talk.bullets()) {
                String text = oneLine(bullet.text());
                out.append(bullet.depth() > 1 ? "-- " : "- ").append(switch (bullet.kind()) {
                    case HIGHLIGHT -> "!!! " + text;
                    case QUESTION -> text + " ???";
                    case INTERNAL -> "[INTERNAL] " + text;
                    case POINT -> text;
                    case OUTCOME, WONT_DO -> (bullet.kind() == Bullet.Kind.OUTCOME ? "what came of it" : "won't do")
                            + " (A" + bullet.added().id() + ", " + bullet.added().at().toString().substring(0, 10) + "): "
                            + text + (bullet.added().permalink() == null ? ""
                            : (text.isEmpty() ? "" : " ") + bullet.added().permalink());
                }).append('\n');
            }
            out.append('\n');
        }
        return out.toString();
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
