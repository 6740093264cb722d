package qconbot;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Dependencies point one way: notes <- store, search <- commands (the interpreter and its messages) <- slack,
 * schedule <- Main; slack/ sees only commands/ and metrics/, so every Slack input goes through the interpreter (and
 * store.Deadline: a request's one deadline is set where it arrives, in slack/, and kept where it commits, in store/). Read from the sources, every reference to one of our packages, imported or written out in full.
 */
class ArchitectureTest {

    private static final Path SOURCES = Path.of("src/main/java/qconbot");
    /** What each package may use besides itself; "" is the root package (Main, Config, Health). */
    private static final Map<String, Set<String>> MAY_USE = Map.of(
            "notes", Set.of(),
            "metrics", Set.of(),
            "store", Set.of("notes"),
            "search", Set.of("notes", "store"),
            "commands", Set.of("notes", "store", "search", "metrics"),
            // Slack's handlers only read payloads, ask the interpreter and call Slack: nothing below commands/.
            "slack", Set.of("metrics", "commands"),
            "schedule", Set.of("notes", "store", "search", "metrics", "commands", "slack"));
    private static final Pattern OURS = Pattern.compile("\\bqconbot\\.(?:([a-z]+)\\.)?[A-Z]");
    /** The interpreter and its messages know Slack's Block Kit, never how to reach Slack. */
    private static final Pattern SLACK_CALLS = Pattern.compile("import com\\.slack\\.api\\.(bolt|methods|socket_mode|Slack;)");

    @Test
    void every_package_uses_only_the_packages_below_it() throws Exception {
        List<String> wrong = new ArrayList<>();
        int files = 0;
        try (Stream<Path> paths = Files.walk(SOURCES)) {
            for (Path file : paths.filter(p -> p.toString().endsWith(".java")).toList()) {
                files++;
                String from = SOURCES.relativize(file).getNameCount() == 1 ? "" : SOURCES.relativize(file).getName(0).toString();
                if (from.isEmpty()) {
                    continue; // Main wires everything
                }
                String code = Files.readString(file, StandardCharsets.UTF_8);
                if (from.equals("slack")) {
                    // the one exception: a request's deadline is set where it arrives and kept where it commits
                    code = code.replace("qconbot.store.Deadline", "");
                }
                Matcher used = OURS.matcher(code);
                while (used.find()) {
                    String to = used.group(1) == null ? "" : used.group(1);
                    if (!to.equals(from) && !MAY_USE.get(from).contains(to)) {
                        wrong.add(file.getFileName() + " (" + from + ") uses " + (to.isEmpty() ? "the root package" : to));
                    }
                }
                if (from.equals("commands") && SLACK_CALLS.matcher(code).find()) {
                    wrong.add(file.getFileName() + " calls Slack; the interpreter only answers");
                }
            }
        }
        assertTrue(files > 20, "read the sources: " + files);
        assertEquals(List.of(), wrong);
    }

    @Test
    void the_check_itself_catches_a_reference_upwards() {
        Matcher used = OURS.matcher("import qconbot.schedule.TalkOfTheDay; var c = qconbot.Config.load(env);");
        List<String> found = new ArrayList<>();
        while (used.find()) {
            found.add(used.group(1) == null ? "" : used.group(1));
        }
        assertEquals(List.of("schedule", ""), found);
    }

    @Test
    void slack_may_not_reach_past_the_interpreter() {
        assertTrue(MAY_USE.get("slack").containsAll(Set.of("commands", "metrics")));
        for (String below : List.of("store", "search", "notes")) {
            assertTrue(!MAY_USE.get("slack").contains(below), "slack/ may not use " + below);
        }
    }
}
