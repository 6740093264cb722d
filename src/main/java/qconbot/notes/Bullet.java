package qconbot.notes;

import java.util.List;

/**
 * One bullet of a talk, continuation lines already joined. {@code depth} is 1 for "- " and 2 for "-- " or "- -- ".
 * {@code text} has its markers removed ("!!!", "???", the [INTERNAL] tag); {@code quotes} are the "quoted phrases" in it.
 * {@code line} is 0 and {@code added} says who and where from for a point added in Slack; {@code added} is null otherwise.
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

    public boolean isInternal() {
        return kind == Kind.INTERNAL;
    }

    /** What came of an item, or why it won't be done: said in Slack, under the item's line. */
    public boolean isOutcome() {
        return kind == Kind.OUTCOME || kind == Kind.WONT_DO;
    }
}
