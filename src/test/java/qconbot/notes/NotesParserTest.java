package qconbot.notes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeout;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class NotesParserTest {

    private static final Path SHIPPED = Path.of("config/notes/qcon-2020.txt");
    private static final Path GOLDEN = Path.of("src/test/resources/notes");

    private static Notes qcon;

    @BeforeAll
    static void readShippedNotes() throws IOException {
        qcon = NotesParser.read(SHIPPED);
    }

    // --- the shipped notes ---

    @Test
    void shipped_notes_have_three_days_twenty_talks_and_seven_internal_lines() {
        assertEquals("QCON 2020 NOTES", qcon.conference());
        assertEquals(List.of(3, 2, 1), qcon.talks().stream().map(Talk::dayNumber).distinct().toList());
        assertEquals(List.of("Day 3", "Day 2", "Day 1"), qcon.talks().stream().map(Talk::day).distinct().toList());
        assertEquals(20, qcon.talks().size());
        assertEquals(3, qcon.talks().stream().filter(Talk::isKeynote).count());
        assertEquals(7, qcon.talks().stream().mapToLong(t -> t.internalLines().size()).sum());
        assertTrue(qcon.talks().stream().allMatch(t -> t.conference().equals("QCON 2020 NOTES")
                && t.source().equals("qcon-2020.txt")));
    }

    @Test
    void misspelt_infernal_tag_is_read_as_internal_with_one_warning() {
        Bullet infernal = bullet(talk("Decomposing monoliths"), "we should prioritise pulling out customisation");
        assertEquals(Bullet.Kind.INTERNAL, infernal.kind());
        assertEquals(211, infernal.line());
        assertEquals(List.of("qcon-2020.txt:211: read [INFERNAL] as [INTERNAL]"), qcon.warnings());
        assertTrue(qcon.talks().stream().flatMap(t -> t.bullets().stream())
                .noneMatch(b -> b.text().contains("[INTERNAL]") || b.text().contains("[INFERNAL]")));
    }

    @Test
    void indented_lines_are_joined_to_the_bullet_above_with_one_space() {
        Talk unexpected = talk("preparing for the unexpected");
        Bullet incident = unexpected.bullets().get(0);
        assertTrue(incident.text().startsWith("major incident: 10 people involved"), incident.text());
        assertTrue(incident.text().contains("just to observe and learn as things took place. Interesting transparency"));
        assertTrue(incident.text().endsWith("the issue was DNS loss."));
        assertEquals(60, incident.line());

        Bullet mascot = bullet(unexpected, "teams get back together");
        assertEquals(2, mascot.depth());
        assertTrue(mascot.text().endsWith("only one person talks at a time. Avoids dominant voices."), mascot.text());
        assertTrue(qcon.talks().stream().flatMap(t -> t.bullets().stream())
                .noneMatch(b -> b.text().contains("  ") || b.text().contains("\n")));
    }

    @Test
    void every_time_format_becomes_hours_and_minutes() {
        assertEquals("16:10", talk("microservices at Monzo").time());
        assertEquals("10:35", talk("quarkus").time());
        assertEquals("09:00", keynote(2).time());
        for (Talk talk : qcon.talks()) {
            if (talk.dayNumber() == 1) {
                assertEquals(talk.isKeynote() ? "09:00" : null, talk.time(), talk.title());
            }
        }
    }

    @Test
    void bare_name_first_bullets_become_speakers_and_nothing_else_does() {
        Map<String, String> speakers = qcon.talks().stream().filter(t -> t.speaker() != null)
                .collect(Collectors.toMap(Talk::title, Talk::speaker));
        assertEquals(Map.of(
                "Java in containers", "by oracle employee",
                "how to supercharge a team with delegation", "James stanier",
                "Decomposing monoliths", "Sam Newman",
                "Building engineering culture focusing on business impact", "Mariah G",
                "Should we run it if we build it", "Paul hammant"), speakers);
        assertEquals("reduce coordination and handoffs for throughput",
                talk("Decomposing monoliths").bullets().get(0).text());
        assertEquals("they use golang", talk("microservices at Monzo").bullets().get(0).text());
    }

    @Test
    void double_dashes_nest_but_jvm_flags_and_a_glued_quote_stay_at_depth_one() {
        Talk java = talk("Java in containers");
        assertEquals(List.of(
                "major improvements around 200ms between 8 and 13",
                "many talks this year mentioning this vm",
                "by oracle labs",
                "aot compiler (lol for Java?!? Crazy)",
                "demo provided 8mb executable and 13ms startup Vs 143/83ms w/o, dayuuuum",
                "doesn't support jmx and serialisation, lack of g1 gc"),
                java.bullets().stream().filter(b -> b.depth() == 2).map(Bullet::text).toList());
        assertEquals(1, bullet(java, "-XX:+UseContainerSupport no longer required").depth());
        assertEquals(1, bullet(talk("quarkus"), "-XX:MaxRAM jvm param? Didn't know about this.").depth());
        assertEquals(2, bullet(talk("microservices at Monzo"), "single responsibility principal").depth());
        Bullet guide = bullet(talk("how to supercharge a team with delegation"), "\"a guide to the good life\"");
        assertEquals(1, guide.depth());
        assertEquals(List.of("a guide to the good life"), guide.quotes());
    }

    @Test
    void highlight_and_question_markers_set_the_kind_and_are_removed() {
        Talk java = talk("Java in containers");
        assertEquals(Bullet.Kind.HIGHLIGHT, bullet(java, "latest openjdk can see actual container resources").kind());
        assertEquals(Bullet.Kind.HIGHLIGHT, bullet(java, "startup slower in 9, fixed in 11").kind());
        Bullet dive = bullet(java, "\"dive\" command to look into image");
        assertEquals(Bullet.Kind.QUESTION, dive.kind());
        assertEquals("\"dive\" command to look into image", dive.text());
        assertEquals(Bullet.Kind.POINT, bullet(talk("Tesla virtual power plant"), "bounding pressure?").kind());
        assertTrue(qcon.talks().stream().flatMap(t -> t.bullets().stream())
                .noneMatch(b -> b.text().contains("!!!") || b.text().endsWith("???")));
    }

    @Test
    void quoted_book_titles_are_collected() {
        assertTrue(keynote(2).books().contains("crossing the chasm"), keynote(2).books().toString());
        assertEquals(List.of("a guide to the good life", "become an effective software manager"),
                talk("how to supercharge a team with delegation").books());
        assertEquals(List.of("capabilities", "Heimdall"),
                bullet(talk("preparing for the unexpected"), "monitoring \"capabilities\"").quotes());
    }

    @Test
    void monzo_talk_runs_from_its_header_to_its_last_bullet() {
        Talk monzo = talk("microservices at Monzo");
        assertEquals(5, monzo.firstLine());
        assertEquals(28, monzo.lastLine());
        assertEquals(23, monzo.bullets().size());
        assertEquals("qcon-2020.txt/day-3/microservices-at-monzo", monzo.key());
        assertEquals(6, monzo.bullets().get(0).line());
    }

    @Test
    void talk_keys_are_unique_and_name_the_day() {
        List<String> keys = qcon.talks().stream().map(Talk::key).toList();
        assertEquals(keys.size(), keys.stream().distinct().count(), keys.toString());
        assertEquals(List.of("qcon-2020.txt/day-3/keynote", "qcon-2020.txt/day-2/keynote", "qcon-2020.txt/day-1/keynote"),
                qcon.talks().stream().filter(Talk::isKeynote).map(Talk::key).toList());
    }

    @Test
    void two_talks_with_one_title_on_one_day_get_numbered_keys() {
        Notes notes = NotesParser.parse("dup.txt", "Day 1\n---\nLunch:\n- a\nLunch:\n- b\nlunch!:\n- c\n");
        assertEquals(List.of("dup.txt/day-1/lunch", "dup.txt/day-1/lunch-2", "dup.txt/day-1/lunch-3"),
                notes.talks().stream().map(Talk::key).toList());
    }

    // --- golden files: src/test/resources/notes/<case>.txt next to <case>.expected ---

    static Stream<String> goldenCases() throws IOException {
        try (Stream<Path> files = Files.list(GOLDEN)) {
            List<String> cases = files.map(p -> p.getFileName().toString())
                    .filter(name -> name.endsWith(".txt"))
                    .map(name -> name.substring(0, name.length() - ".txt".length()))
                    .sorted()
                    .toList();
            assertTrue(cases.containsAll(List.of("crlf", "no-days", "messy", "devoxx-2019")), cases.toString());
            return cases.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldenCases")
    void golden_file_parses_to_its_expected_rendering(String name) throws IOException {
        Notes notes = NotesParser.read(GOLDEN.resolve(name + ".txt"));
        String expected = Files.readString(GOLDEN.resolve(name + ".expected"), StandardCharsets.UTF_8);
        assertEquals(expected, render(notes));
        assertTrue(notes.talks().stream().allMatch(t -> t.conference().equals(notes.conference())));
    }

    /** One line per talk, one indented line per bullet (depth, kind, line), then the warnings. */
    static String render(Notes notes) {
        StringBuilder out = new StringBuilder("conference: " + notes.conference() + "\n");
        for (Talk talk : notes.talks()) {
            out.append("talk ").append(talk.firstLine()).append('-').append(talk.lastLine()).append(' ')
                    .append(talk.key()).append(" | ").append(talk.day().isEmpty() ? "-" : talk.day())
                    .append(" | ").append(talk.time() == null ? "-" : talk.time())
                    .append(" | ").append(talk.title())
                    .append(" | ").append(talk.speaker() == null ? "-" : talk.speaker()).append('\n');
            for (Bullet bullet : talk.bullets()) {
                out.append("  ").append(bullet.depth()).append(' ').append(bullet.kind())
                        .append(" @").append(bullet.line()).append(' ').append(bullet.text());
                if (!bullet.quotes().isEmpty()) {
                    out.append("  quotes=").append(bullet.quotes());
                }
                out.append('\n');
            }
        }
        notes.warnings().forEach(warning -> out.append("warning: ").append(warning).append('\n'));
        return out.toString();
    }

    // --- malformed input ---

    @Test
    void empty_text_gives_no_talks_and_a_warning() {
        Notes notes = NotesParser.parse("empty.txt", "");
        assertTrue(notes.talks().isEmpty());
        assertEquals("empty", notes.conference());
        assertEquals(List.of("empty.txt: no talks found"), notes.warnings());
    }

    @Test
    void a_byte_order_mark_before_the_title_is_ignored() {
        Notes notes = NotesParser.parse("bom.txt", "\uFEFFJavaZone\n---\nKeynote:\n- ok\n");
        assertEquals("JavaZone", notes.conference());
        assertEquals(List.of(), notes.warnings());
    }

    @Test
    void text_without_headers_costs_one_warning_per_line() {
        Notes notes = NotesParser.parse("prose.txt", "just some words\n\n- and a bullet\n   and more\n");
        assertTrue(notes.talks().isEmpty());
        assertEquals(4, notes.warnings().size(), notes.warnings().toString());
        assertTrue(notes.warnings().get(0).startsWith("prose.txt:1: "));
        assertTrue(notes.warnings().get(1).startsWith("prose.txt:3: "));
        assertTrue(notes.warnings().get(2).startsWith("prose.txt:4: "));
        assertEquals("prose.txt: no talks found", notes.warnings().get(3));
    }

    @Test
    void binary_file_is_skipped_with_a_warning(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("qcon.bin");
        Files.write(file, new byte[] {'T', 'a', 'l', 'k', ':', '\n', 0, 0, 1, 2, '-', ' ', 'x', '\n'});
        Notes notes = NotesParser.read(file);
        assertTrue(notes.talks().isEmpty());
        assertEquals(List.of("qcon.bin: not a text file (binary or not UTF-8), skipped"), notes.warnings());
    }

    @Test
    void latin1_file_is_skipped_as_not_utf8(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("latin1.txt");
        Files.write(file, "Caf\u00e9 talk:\n- cr\u00e8me\n".getBytes(StandardCharsets.ISO_8859_1));
        Notes notes = NotesParser.read(file);
        assertTrue(notes.talks().isEmpty());
        assertEquals(List.of("latin1.txt: not a text file (binary or not UTF-8), skipped"), notes.warnings());
    }

    @Test
    void five_megabyte_file_of_repeated_notes_parses_in_well_under_two_seconds() throws IOException {
        String shipped = Files.readString(SHIPPED);
        int copies = 5_000_000 / shipped.length() + 1;
        String big = shipped.repeat(copies);
        Notes notes = assertTimeout(Duration.ofSeconds(2), () -> NotesParser.parse("big.txt", big));
        assertEquals(20 * copies, notes.talks().size());
        assertEquals(20 * copies, notes.talks().stream().map(Talk::key).distinct().count());
        assertEquals("big.txt/day-1/keynote-" + copies, notes.talks().get(notes.talks().size() - 7).key());
    }

    @Test
    void a_file_of_prose_costs_a_hundred_warnings_and_a_count_of_the_rest() {
        String prose = "It was a dark and stormy night; the rain fell in torrents.\n".repeat(5_000);
        Notes notes = NotesParser.parse("novel.txt", prose);

        assertEquals(102, notes.warnings().size(), "100 listed, one count, and no talks");
        assertEquals("novel.txt:100: text outside any talk, ignored: It was a dark and stormy night; the rain...",
                notes.warnings().get(99));
        assertEquals("novel.txt: and 4,900 more warnings, not listed", notes.warnings().get(100));
        assertEquals("novel.txt: no talks found", notes.warnings().get(101));
    }

    @Test
    void very_long_hostile_lines_parse_quickly() {
        String spaces = "x" + " ".repeat(1_000_000) + "y";
        String quotes = "- " + "\u201C".repeat(200_000) + "\"".repeat(200_001);
        String bangs = "- " + "!".repeat(500_000) + "x" + "?".repeat(500_000) + "x";
        String header = "12" + " ".repeat(1_000_000) + "b :";
        String text = String.join("\n", "Talk:", quotes, bangs, spaces, header, "- " + "[".repeat(500_000));
        Notes notes = assertTimeout(Duration.ofSeconds(2), () -> NotesParser.parse("hostile.txt", text));
        assertEquals(2, notes.talks().size());
        assertEquals("12" + " ".repeat(1_000_000) + "b", notes.talks().get(1).title());
    }

    // --- files and folders ---

    @Test
    void read_all_reads_a_folders_txt_and_md_files_in_name_order(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("b-notes.md"), "Retro:\n- one\n");
        Files.writeString(dir.resolve("a-notes.txt"), "Standup:\n- two\n");
        Files.writeString(dir.resolve("ignored.json"), "{}");
        Files.createDirectories(dir.resolve("sub"));
        Files.writeString(dir.resolve("sub/c-notes.txt"), "Nested:\n- three\n");

        List<Notes> all = NotesParser.readAll(dir);
        assertEquals(List.of("a-notes.txt", "b-notes.md"), all.stream().map(Notes::source).toList());
        assertEquals("Standup", all.get(0).talks().get(0).title());
        assertEquals("Retro", all.get(1).talks().get(0).title());
    }

    @Test
    void read_all_of_one_file_reads_just_that_file() throws IOException {
        List<Notes> all = NotesParser.readAll(SHIPPED);
        assertEquals(1, all.size());
        assertEquals(20, all.get(0).talks().size());
    }

    @Test
    void read_all_of_a_missing_path_names_the_path(@TempDir Path dir) {
        Path missing = dir.resolve("no-such-notes");
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> NotesParser.readAll(missing));
        assertTrue(e.getMessage().contains(missing.toAbsolutePath().toString()), e.getMessage());
    }

    // --- helpers ---

    private static Talk talk(String title) {
        List<Talk> found = qcon.talks().stream().filter(t -> t.title().equals(title)).toList();
        assertEquals(1, found.size(), "talks titled " + title);
        return found.get(0);
    }

    private static Talk keynote(int day) {
        return qcon.talks().stream().filter(t -> t.isKeynote() && t.dayNumber() == day).findFirst().orElseThrow();
    }

    private static Bullet bullet(Talk talk, String start) {
        List<Bullet> found = talk.bullets().stream().filter(b -> b.text().startsWith(start)).toList();
        assertEquals(1, found.size(), "bullets starting with " + start + " in " + talk.title());
        return found.get(0);
    }
}
