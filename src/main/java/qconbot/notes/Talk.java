package qconbot.notes;

import java.util.List;

/**
 * A talk as written in a notes file.
 *
 * @param key        stable identity across re-reads of an edited file: source, day and title slug, e.g.
 *                   "qcon-2020.txt/day-3/microservices-at-monzo" (a second talk with the same slug on that day gets "-2")
 * @param source     the notes file name, e.g. "qcon-2020.txt"
 * @param conference the file's title line ("QCON 2020 NOTES"), or the file name without extension if it has none
 * @param day        the day label as written ("Day 3"), or "" when the file has no day sections
 * @param dayNumber  3 for "Day 3", 0 when there is no day section
 * @param time       "HH:mm" ("1035" becomes "10:35"), or null when the header has no time
 * @param title      exactly as in the notes, without the time and the trailing colon
 * @param speaker    from a bare name bullet ("- Sam Newman", "- by oracle employee"), or null
 * @param firstLine  1-based line of the header
 * @param lastLine   1-based line of the talk's last non-blank line
 */
public record Talk(String key, String source, String conference, String day, int dayNumber, String time,
                   String title, String speaker, List<Bullet> bullets, int firstLine, int lastLine) {

    public Talk {
        bullets = List.copyOf(bullets);
    }

    public boolean isKeynote() {
        return title.toLowerCase(java.util.Locale.ROOT).contains("keynote");
    }

    /**
     * The title as shown on its own, in a header or a message's text: a keynote gets its day, "keynote (Day 2)",
     * since a conference has one a day and three talks called "keynote" cannot be told apart otherwise.
     */
    public String name() {
        return name(title, day);
    }

    /** {@link #name()} for a talk known by its title and day label, e.g. from a row that names it. */
    public static String name(String title, String day) {
        String lower = title.toLowerCase(java.util.Locale.ROOT);
        if (!lower.contains("keynote") || day == null || day.isEmpty() || lower.contains(day.toLowerCase(java.util.Locale.ROOT))) {
            return title;
        }
        return title + " (" + day + ")";
    }

    /**
     * For each bullet, the index of the top-level point it sits under, or -1 for a top-level one: a sub-point
     * ("like our clinics") makes sense only under its parent ("ran incident workshops").
     */
    public int[] parents() {
        int[] parents = new int[bullets.size()];
        int parent = -1;
        for (int i = 0; i < bullets.size(); i++) {
            boolean topLevel = bullets.get(i).depth() <= 1;
            parents[i] = topLevel ? -1 : parent;
            if (topLevel) {
                parent = i;
            }
        }
        return parents;
    }

    public List<Bullet> internalLines() {
        return bullets.stream().filter(Bullet::isInternal).toList();
    }

    /** Quoted phrases from bullets that mention a book: "crossing the chasm" book. */
    public List<String> books() {
        return bullets.stream()
                .filter(b -> b.text().toLowerCase(java.util.Locale.ROOT).contains("book"))
                .flatMap(b -> b.quotes().stream())
                .toList();
    }
}
