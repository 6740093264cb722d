package qconbot.store;

import org.junit.jupiter.api.Test;
import qconbot.notes.Bullet;
import qconbot.notes.Talk;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rule that follows a talk to its new key (store/Renames.java), its limits, and its cost at 10,000 talks. */
class RenamesTest {

    private static Talk talk(String source, int day, String title, String... lines) {
        List<Bullet> bullets = new ArrayList<>();
        for (String line : lines) {
            bullets.add(new Bullet(1, Bullet.Kind.POINT, line, List.of(), 1));
        }
        return new Talk(source + "/day-" + day + "/" + title.toLowerCase().replaceAll("[^a-z0-9]+", "-"), source, "C",
                "Day " + day, day, null, title, null, bullets, 1, 2);
    }

    @Test
    void a_talk_is_followed_by_its_lines_or_its_title_and_only_when_the_match_is_sure() {
        Talk monzo = talk("a.txt", 3, "microservices at Monzo", "they use golang", "bounded contexts");
        Talk renamed = talk("a.txt", 3, "Microservices at Monzo (Matt Heath)", "they use golang", "bounded contexts");
        assertEquals(List.of(renamed.key()), moves(List.of(monzo), List.of(renamed)), "same lines");

        Talk bare = talk("a.txt", 3, "edge computing");
        Talk retitled = talk("a.txt", 3, "Edge computing at the CDN");
        assertEquals(List.of(retitled.key()), moves(List.of(bare), List.of(retitled)), "no lines: its title's words");
        assertEquals(List.of(), moves(List.of(bare), List.of(talk("b.txt", 3, "Edge computing at the CDN"))),
                "by title only in the same file");

        Talk twin1 = talk("a.txt", 4, "one", "they use golang", "bounded contexts");
        Talk twin2 = talk("a.txt", 4, "two", "they use golang", "bounded contexts");
        assertEquals(List.of(), moves(List.of(monzo), List.of(twin1, twin2)), "two candidates: not sure, not followed");
    }

    @Test
    void a_renamed_file_of_ten_thousand_talks_is_followed_in_well_under_two_seconds() {
        List<Talk> before = new ArrayList<>();
        List<Talk> after = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            String[] lines = new String[8];
            for (int l = 0; l < lines.length; l++) {
                lines[l] = "talk " + i + " point " + l + " about the common things";
            }
            before.add(talk("a.txt", 1 + i % 3, "the talk number " + i, lines));
            after.add(talk("b.txt", 1 + i % 3, "the talk number " + i, lines));
        }
        long started = System.nanoTime();
        List<String> moved = moves(before, after);
        long millis = (System.nanoTime() - started) / 1_000_000;
        System.out.println("renames: 10,000 talks of a renamed file followed in " + millis + " ms");
        assertEquals(10_000, moved.size());
        assertTrue(millis < 2_000, millis + " ms");
    }

    private static List<String> moves(List<Talk> before, List<Talk> now) {
        return Renames.match(before, now).stream().map(move -> move.to().key()).toList();
    }
}
