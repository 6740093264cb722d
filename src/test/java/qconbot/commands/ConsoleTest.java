package qconbot.commands;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import qconbot.TestBot;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConsoleTest {

    @TempDir
    static Path dir;
    static TestBot.Offline session;
    static Console console;

    @BeforeAll
    static void start() throws Exception {
        session = TestBot.offline(dir);
        console = session.console;
    }

    @AfterAll
    static void stop() {
        session.close();
    }

    private static String session(String input) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        console.run(new BufferedReader(new StringReader(input)), new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void qcon_monzo_prints_the_summary_as_readable_text() throws Exception {
        String out = session("/qcon monzo\n");

        assertTrue(out.contains("== microservices at Monzo =="), out);
        assertTrue(out.contains("Day 3 · 16:10"), out);
        assertTrue(out.contains("• they use golang"), out);
        assertTrue(out.contains("◦ single responsibility principal strictly followed"), "nesting kept: " + out);
        assertTrue(out.contains("[Share in channel]"), out);
    }

    @Test
    void a_typo_a_day_agenda_and_help_work_without_the_slash_too() throws Exception {
        String out = session("quarkas\ntalks day 1\nhelp\n");

        assertTrue(out.contains("== quarkus =="), out);
        assertTrue(out.contains("Showing results for *quarkus*"), out);
        assertTrue(out.contains("Decomposing monoliths · Sam Newman"), out);
        assertTrue(out.contains("/qcon talks day 2"), out);
    }

    @Test
    void escapes_are_undone_for_reading_and_exit_ends_the_session() throws Exception {
        String out = session("/qcon <!channel> & friends\nexit\n/qcon monzo\n");

        assertTrue(out.contains("<!channel> & friends"), out);
        assertFalse(out.contains("&lt;"), out);
        assertFalse(out.contains("microservices at Monzo"), "nothing runs after exit");
    }
}
