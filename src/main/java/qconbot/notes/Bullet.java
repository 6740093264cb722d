package qconbot.notes;

import java.util.List;

/**
 * One bullet of a talk, continuation lines already joined. {@code depth} is 1 for "- " and 2 for "-- " or "- -- ".
 * {@code text} has its markers removed ("!!!", "???", the [INTERNAL] tag); {@code quotes} are the "quoted phrases" in it.
 * {@code line} is 0 and {@code added} says who and where from for a point added in Slack; {@code added} is null otherwise.
 * A line of a notes file that export wrote for something from the database carries its id in {@code added}, with no
 * one as {@code by}: a point's "[P3] " marker, or an outcome line "what came of it (A3, 2026-12-02): …" (with its date);
 * merging recognises them as the same as the database's (Added), so a re-imported export shows each once.
 */
public record Bullet(int depth, Kind kind, String text, List<String> quotes, int line, Added added) {

    /**
     * OUTCOME: what came of the action item of the line above it, said in Slack; WONT_DO: why that item was dropped
     * instead (never shown, searched or exported as what came of it).
     */
    public enum Kind { POINT, HIGHLIGHT, QUESTION, INTERNAL, OUTCOME, WONT_DO }

    /**
     * A point someone added from Slack rather than a line of a notes file: its id among the added points, who added
     * it, when, and a link to the message it came from (null when typed in the modal). For an OUTCOME or WONT_DO: the item's id,
     * who said what came of it, when, and its link (a pull request, a doc; may be null).
     */
    public record Added(long id, String by, java.time.Instant at, String permalink) {
    }

    public Bullet {
        quotes = List.copyOf(quotes);
    }

    /** A line of a notes file. */
    public Bullet(int depth, Kind kind, String text, List<String> quotes, int line) {
        this(depth, kind, text, quotes, line, null);
    }

    /**
     * A line read from an export, as the plain line of a file it is: when nothing in the database is the same (a file
     * imported into another bot), an outcome line is a point with its whole text, and a point loses its marker.
     */
    public Bullet plain() {
        if (!fromExport()) {
            return this;
        }
        if (isOutcome()) {
            String text = NotesWriter.outcomeLine(this);
            return new Bullet(depth, Kind.POINT, text, NotesParser.quotes(text), line);
        }
        return new Bullet(depth, kind, text, quotes, line);
    }

    /** A line that export wrote for a point or an outcome of the database, read back from a file (see above). */
    public boolean fromExport() {
        return added != null && added.by() == null;
    }

    public boolean isInternal() {
        return kind == Kind.INTERNAL;
    }

    /** What came of an item, or why it won't be done: said in Slack, under the item's line. */
    public boolean isOutcome() {
        return kind == Kind.OUTCOME || kind == Kind.WONT_DO;
    }
}
