package qconbot.notes;

import java.util.List;

/**
 * One bullet of a talk, continuation lines already joined. {@code depth} is 1 for "- " and 2 for "-- " or "- -- ".
 * {@code text} has its markers removed ("!!!", "???", the [INTERNAL] tag); {@code quotes} are the "quoted phrases" in it.
 */
public record Bullet(int depth, Kind kind, String text, List<String> quotes, int line) {

    public enum Kind { POINT, HIGHLIGHT, QUESTION, INTERNAL }

    public Bullet {
        quotes = List.copyOf(quotes);
    }

    public boolean isInternal() {
        return kind == Kind.INTERNAL;
    }
}
