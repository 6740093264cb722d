package qconbot.notes;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringTokenizer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads a conference notes file (see config/notes/qcon-2020.txt): an optional underlined title, "Day n" sections,
 * "16:10 title:" talk headers and "- " / "-- " bullets. A bad line costs a warning, never the file.
 *
 * <p>Escapes, so that any text can be written back as text ({@link NotesWriter}): a backslash at the start of a
 * bullet's text (after its "[INTERNAL]" tag, if any), of a title or of the conference line is dropped, and what
 * follows is plain text: no tag, "!!!", dash, time or speaker is read from its start. Inside a bullet, "\!", "\?"
 * and "\\" stand for "!", "?" and "\", so a point may end in "!!!" or "???" and stay a point. A first bullet
 * "Speaker: …" names the speaker, whatever the name looks like.
 */
public final class NotesParser {

    private static final Pattern DAY = Pattern.compile("(?i)day\\s+(\\d{1,4})");
    private static final Pattern TIME = Pattern.compile("(\\d{1,2}):?(\\d{2})\\s+(.+)");
    private static final String INTERNAL = "INTERNAL";

    private final String source;
    private final String[] lines;
    private final List<Talk> talks = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private int warningsLeftOut;
    private final Set<String> keys = new HashSet<>();
    private final Map<String, Integer> keyCounts = new HashMap<>();
    private int current = 0;
    private String conference;
    private String day = "";
    private int dayNumber = 0;

    /**
     * {@code literal}: its text began with a backslash, so nothing is read from its start; {@code point}: the id of the
     * point added in Slack that an exported line is, from its "[P3] " marker (0 for none).
     */
    private record Draft(int depth, boolean internal, StringBuilder text, int line, boolean literal, long point) {
        static Draft of(int depth, boolean internal, String text, int line) {
            long point = marker(text);
            String rest = unmarked(text, point);
            boolean literal = rest.startsWith("\\");
            return new Draft(depth, internal, new StringBuilder(literal ? rest.substring(1) : rest), line, literal, point);
        }
    }

    /** "[P3] " at the start of an exported point: the point added in Slack it is (export writes it so). */
    private static final Pattern POINT_MARKER = Pattern.compile("\\[P(\\d{1,9})]\\s+");
    /** An exported outcome or won't-do line: "what came of it (A3, 2026-12-02): …" or "won't do (A3, …): …". */
    static final Pattern OUTCOME_LINE = Pattern.compile("(what came of it|won't do) \\(A(\\d{1,9}), (\\d{4}-\\d\\d-\\d\\d)\\): (.*)",
            Pattern.DOTALL);

    private static long marker(String text) {
        Matcher marker = POINT_MARKER.matcher(text);
        return marker.lookingAt() ? Long.parseLong(marker.group(1)) : 0;
    }

    private static String unmarked(String text, long point) {
        if (point == 0) {
            return text;
        }
        Matcher marker = POINT_MARKER.matcher(text);
        marker.lookingAt();
        return text.substring(marker.end());
    }

    private NotesParser(String source, String text) {
        this.source = source;
        this.lines = (text.startsWith("\uFEFF") ? text.substring(1) : text).lines().toArray(String[]::new);
    }

    public static Notes parse(String source, String text) {
        return new NotesParser(source, text).notes();
    }

    /** Parses one file; a file that is not UTF-8 text gives a Notes with no talks and one warning. */
    public static Notes read(Path file) throws IOException {
        String source = file.getFileName().toString();
        String text = decodeText(Files.readAllBytes(file));
        if (text == null) {
            return new Notes(source, stem(source), List.of(),
                    List.of(source + ": not a text file (binary or not UTF-8), skipped"));
        }
        return parse(source, text);
    }

    /** A single file, or every *.txt and *.md file directly in a folder, in name order. */
    public static List<Notes> readAll(Path fileOrFolder) throws IOException {
        if (!Files.exists(fileOrFolder)) {
            throw new NoSuchFileException(fileOrFolder.toAbsolutePath().toString(), null,
                    "notes file or folder not found");
        }
        if (!Files.isDirectory(fileOrFolder)) {
            return List.of(read(fileOrFolder));
        }
        List<Path> files;
        try (Stream<Path> listing = Files.list(fileOrFolder)) {
            files = listing.filter(Files::isRegularFile)
                    .filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).matches(".*\\.(txt|md)"))
                    .sorted(Comparator.comparing(p -> p.getFileName().toString()))
                    .toList();
        }
        List<Notes> all = new ArrayList<>();
        for (Path file : files) {
            all.add(read(file));
        }
        return all;
    }

    private Notes notes() {
        conference = titleLine();
        while (!isAtEnd()) {
            String line = peek();
            if (line.isBlank()) {
                advance();
            } else if (isDayLine(line)) {
                daySection();
            } else if (isTalkHeader(line)) {
                talk();
            } else {
                warn(line(), (isBullet(line) ? "bullet before the first talk header" : "text outside any talk")
                        + ", ignored: " + clip(line));
                advance();
            }
        }
        if (warningsLeftOut > 0) {
            warnings.add(source + ": and " + String.format(Locale.ROOT, "%,d", warningsLeftOut) + " more warnings, not listed");
        }
        if (talks.isEmpty()) {
            warnings.add(source + ": no talks found");
        }
        return new Notes(source, conference, talks, warnings);
    }

    private String titleLine() {
        int first = 0;
        while (first < lines.length && lines[first].isBlank()) first++;
        if (first + 1 < lines.length && isUnderline(lines[first + 1]) && !isDayLine(lines[first])) {
            current = first + 2;
            String title = lines[first].strip();
            return title.startsWith("\\") ? title.substring(1) : title;
        }
        return stem(source);
    }

    private void daySection() {
        day = advance().strip();
        Matcher m = DAY.matcher(day);
        m.matches();
        dayNumber = Integer.parseInt(m.group(1));
        if (!isAtEnd() && isUnderline(peek())) advance();
    }

    private void talk() {
        int firstLine = line();
        String header = advance().strip();
        header = header.substring(0, header.length() - 1).strip();
        String time = null;
        String title = header;
        Matcher m = TIME.matcher(header);
        if (m.matches() && Integer.parseInt(m.group(1)) < 24 && Integer.parseInt(m.group(2)) < 60) {
            time = (m.group(1).length() == 1 ? "0" : "") + m.group(1) + ":" + m.group(2);
            title = m.group(3);
        }
        title = title.startsWith("\\") ? title.substring(1) : title; // a title that would read as something else

        List<Draft> drafts = new ArrayList<>();
        int lastLine = firstLine;
        while (!isAtEnd() && !isDayLine(peek()) && !isTalkHeader(peek())) {
            String line = peek();
            if (line.isBlank()) {
                advance();
                continue;
            }
            int at = line();
            if (isBullet(line)) {
                bullet(drafts);
            } else if (Character.isWhitespace(line.charAt(0))) {
                continuation(drafts);
            } else {
                warn(at, "not a bullet, talk header or day, ignored: " + clip(line));
                advance();
                continue;
            }
            lastLine = at;
        }

        List<Bullet> bullets = new ArrayList<>(drafts.stream().map(NotesParser::finish).toList());
        String speaker = drafts.isEmpty() || drafts.get(0).literal() ? null : speaker(bullets);
        talks.add(new Talk(uniqueKey(title), source, conference, day, dayNumber, time, title, speaker, bullets,
                firstLine, lastLine));
    }

    private void bullet(List<Draft> drafts) {
        int at = line();
        String rest = advance().substring(1);
        int depth = 1;
        if (rest.startsWith("-")) {
            depth = 2;
            rest = rest.substring(1);
        } else {
            // "- -- text" is nested, but "- -XX:MaxRAM" is a JVM flag in a plain bullet
            String trimmed = rest.stripLeading();
            if (trimmed.startsWith("--") && (trimmed.length() == 2 || Character.isWhitespace(trimmed.charAt(2)))) {
                depth = 2;
                rest = trimmed.substring(2);
            }
        }
        if (rest.isBlank()) {
            warn(at, "empty bullet, ignored");
            return;
        }
        drafts.add(internalTag(depth, rest.strip(), at));
    }

    private void continuation(List<Draft> drafts) {
        int at = line();
        String text = advance().strip();
        if (drafts.isEmpty()) {
            warn(at, "indented line with no bullet before it, read as a bullet");
            drafts.add(internalTag(1, text, at));
        } else {
            drafts.get(drafts.size() - 1).text().append(' ').append(text);
        }
    }

    /** "[INTERNAL]" marks our own action items; near misses such as "[INFERNAL]" count too, with a warning. */
    private Draft internalTag(int depth, String text, int at) {
        int close = text.indexOf(']');
        if (text.startsWith("[") && close > 1 && close <= INTERNAL.length() + 3) {
            String word = text.substring(1, close);
            String upper = word.toUpperCase(Locale.ROOT);
            if (upper.equals(INTERNAL) || word.chars().allMatch(Character::isLetter) && isNearMiss(upper)) {
                if (!upper.equals(INTERNAL)) {
                    warn(at, "read [" + word + "] as [INTERNAL]");
                }
                return Draft.of(depth, true, text.substring(close + 1).strip(), at);
            }
        }
        return Draft.of(depth, false, text, at);
    }

    /** One slip ("INFERNAL", "INTRENAL"), or two that keep the "IN" ("INTRNL"); "[EXTERNAL]" is another tag. */
    private static boolean isNearMiss(String upper) {
        int distance = EditDistance.within(upper, INTERNAL, 2);
        return distance <= 1 || distance == 2 && upper.startsWith("IN");
    }

    private static Bullet finish(Draft draft) {
        String text = draft.text().toString();
        boolean highlight = false;
        boolean question = false;
        int lead = draft.literal() ? 0 : run(text, '!', true);
        if (lead >= 3) {
            highlight = true;
            text = text.substring(lead).strip();
        }
        int trail = run(text, '!', false);
        if (trail >= 3) {
            highlight = true;
            text = text.substring(0, text.length() - trail).strip();
        }
        int asks = run(text, '?', false);
        if (asks >= 3) {
            question = true;
            text = text.substring(0, text.length() - asks).strip();
        }
        Bullet.Kind kind = draft.internal() ? Bullet.Kind.INTERNAL
                : highlight ? Bullet.Kind.HIGHLIGHT
                : question ? Bullet.Kind.QUESTION
                : Bullet.Kind.POINT;
        text = unescape(text);
        Bullet exported = kind == Bullet.Kind.POINT && !draft.literal() ? exportedOutcome(draft, text) : null;
        if (exported != null) {
            return exported;
        }
        Bullet.Added point = draft.point() > 0 ? new Bullet.Added(draft.point(), null, null, null) : null;
        return new Bullet(draft.depth(), kind, text, quotes(text), draft.line(), point);
    }

    /**
     * An exported outcome or won't-do line, "what came of it (A3, 2026-12-02): …", as what came of item A3 (its text
     * with its link), so that merging the database's own does not show it twice; null for any other text.
     */
    private static Bullet exportedOutcome(Draft draft, String text) {
        Matcher outcome = OUTCOME_LINE.matcher(text);
        if (!outcome.matches()) {
            return null;
        }
        java.time.Instant at;
        try {
            at = java.time.LocalDate.parse(outcome.group(3)).atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
        } catch (java.time.DateTimeException notADate) {
            return null;
        }
        Bullet.Kind kind = outcome.group(1).equals("won't do") ? Bullet.Kind.WONT_DO : Bullet.Kind.OUTCOME;
        return new Bullet(draft.depth(), kind, outcome.group(4), quotes(outcome.group(4)), draft.line(),
                new Bullet.Added(Long.parseLong(outcome.group(2)), null, at, null));
    }

    /** "\!", "\?" and "\\" as "!", "?" and "\"; any other backslash stays as it is. */
    static String unescape(String text) {
        if (text.indexOf('\\') < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length() && "!?\\".indexOf(text.charAt(i + 1)) >= 0) {
                c = text.charAt(++i);
            }
            out.append(c);
        }
        return out.toString();
    }

    static List<String> quotes(String text) {
        if (text.indexOf('"') < 0 && text.indexOf('\u201C') < 0) return List.of();
        List<String> found = new ArrayList<>();
        // a “ with no ” after it means no later “ can close either; skipping them keeps "““““..." linear
        boolean curlyCanClose = true;
        for (int i = 0; i < text.length(); i++) {
            char open = text.charAt(i);
            if (open != '"' && (open != '\u201C' || !curlyCanClose)) continue;
            int end = text.indexOf(open == '"' ? '"' : '\u201D', i + 1);
            if (end < 0) {
                curlyCanClose &= open == '"';
                continue;
            }
            String phrase = text.substring(i + 1, end).strip();
            if (!phrase.isEmpty()) found.add(phrase);
            i = end;
        }
        return found;
    }

    /**
     * A first bullet like "Sam Newman", "Mariah G" or "by oracle employee" names the speaker, as does one that says
     * "Speaker: the whole platform team": take it out.
     */
    private static String speaker(List<Bullet> bullets) {
        if (bullets.isEmpty() || bullets.get(0).depth() != 1 || bullets.get(0).kind() != Bullet.Kind.POINT) return null;
        String text = bullets.get(0).text();
        if (text.regionMatches(true, 0, SPEAKER, 0, SPEAKER.length()) && !text.substring(SPEAKER.length()).isBlank()) {
            bullets.remove(0);
            return text.substring(SPEAKER.length()).strip();
        }
        return looksLikeSpeaker(text) ? bullets.remove(0).text() : null;
    }

    /** How a first bullet says who spoke when the name alone would not be read as one. */
    static final String SPEAKER = "Speaker:";

    /** Whether a first bullet with this text would be read as the speaker's name. */
    static boolean looksLikeSpeaker(String text) {
        int words = new StringTokenizer(text).countTokens();
        return text.startsWith("by ") ? words <= 5
                : words >= 2 && words <= 3 && Character.isUpperCase(text.charAt(0))
                && text.chars().allMatch(c -> Character.isLetter(c) || c == '.' || c == '\'' || c == '-' || c == ' ');
    }

    private String uniqueKey(String title) {
        StringBuilder slug = new StringBuilder();
        for (char c : title.toLowerCase(Locale.ROOT).toCharArray()) {
            if (slug.length() >= 80) {
                break; // keys travel in button values; a long title needs no longer key
            }
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
                slug.append(c);
            } else if (!slug.isEmpty() && slug.charAt(slug.length() - 1) != '-') {
                slug.append('-');
            }
        }
        if (!slug.isEmpty() && slug.charAt(slug.length() - 1) == '-') slug.setLength(slug.length() - 1);
        String base = source + "/day-" + dayNumber + "/" + (slug.isEmpty() ? "talk" : slug);
        // counting per base keeps many repeats linear; the set catches a title that itself ends in "-2"
        int seen = keyCounts.merge(base, 1, Integer::sum);
        String key = seen == 1 ? base : base + "-" + seen;
        while (!keys.add(key)) {
            key = base + "-" + keyCounts.merge(base, 1, Integer::sum);
        }
        return key;
    }

    /** Whether a header's text, with no time of its own, would be read as starting with one ("1035 foo"). */
    static boolean readsAsTime(String text) {
        Matcher m = TIME.matcher(text);
        return m.matches() && Integer.parseInt(m.group(1)) < 24 && Integer.parseInt(m.group(2)) < 60;
    }

    static boolean isDayLine(String line) {
        String stripped = line.strip();
        return stripped.length() <= 12 && stripped.regionMatches(true, 0, "day", 0, 3)
                && DAY.matcher(stripped).matches();
    }

    private static boolean isTalkHeader(String line) {
        if (line.isEmpty() || line.charAt(0) == '-' || Character.isWhitespace(line.charAt(0))) return false;
        String stripped = line.stripTrailing();
        return stripped.length() > 1 && stripped.endsWith(":");
    }

    private static boolean isBullet(String line) {
        return line.startsWith("-") && !isUnderline(line);
    }

    static boolean isUnderline(String line) {
        String stripped = line.strip();
        return stripped.length() >= 3 && run(stripped, '-', true) == stripped.length();
    }

    private static int run(String text, char c, boolean fromStart) {
        int n = 0;
        while (n < text.length() && text.charAt(fromStart ? n : text.length() - 1 - n) == c) n++;
        return n;
    }

    private static String decodeText(byte[] bytes) {
        int start = bytes.length >= 3 && bytes[0] == (byte) 0xEF && bytes[1] == (byte) 0xBB && bytes[2] == (byte) 0xBF
                ? 3 : 0;
        for (byte b : bytes) {
            if (b == 0) return null;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, start, bytes.length - start))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static String stem(String fileName) {
        int dot = fileName.lastIndexOf('.');
        return dot > 0 ? fileName.substring(0, dot) : fileName;
    }

    private static String clip(String line) {
        String stripped = line.strip();
        return stripped.length() <= 40 ? stripped : stripped.substring(0, 40) + "...";
    }

    /** Past this many warnings a file gets one more that says how many were left out: a pasted novel is not 241,000 log lines. */
    static final int MAX_WARNINGS = 100;

    private void warn(int lineNumber, String message) {
        if (warnings.size() < MAX_WARNINGS) {
            warnings.add(source + ":" + lineNumber + ": " + message);
        } else {
            warningsLeftOut++;
        }
    }

    private String peek() {
        return lines[current];
    }

    private String advance() {
        return lines[current++];
    }

    private boolean isAtEnd() {
        return current >= lines.length;
    }

    private int line() {
        return current + 1;
    }
}
