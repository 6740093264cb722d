package qconbot.search;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import qconbot.TestBot;
import qconbot.notes.Bullet;
import qconbot.notes.Talk;
import qconbot.store.ActionItems;
import qconbot.store.Added;
import qconbot.store.Db;
import qconbot.store.NotesLoader;
import qconbot.store.Talks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A point, an outcome or an import written in place ({@link NotesLoader#talkChanged}, {@link NotesLoader#fileChanged})
 * rather than by reading every notes file again: what is stored and searched afterwards is what a full load gives.
 */
class TalkChangeTest {

    static final String MONZO = "notes.txt/day-3/microservices-at-monzo";
    static final String CONTAINERS = "notes.txt/day-3/java-in-containers";
    static final String ADMIN = "U0ADMIN";

    @TempDir
    Path dir;

    Db db;
    Talks talks;
    Added added;
    ActionItems items;
    NotesLoader loader;
    TalkSearch search;
    int requests;

    /** The database under test; {@link TalkChangeOnPostgresTest} runs every test of this class on PostgreSQL. */
    Db open(Path file) throws SQLException {
        return Db.open(file);
    }

    Talks talks(Db db) throws SQLException {
        return new Talks(db);
    }

    @BeforeEach
    void start() throws Exception {
        Path notes = dir.resolve("notes").resolve("notes.txt");
        Files.createDirectories(notes.getParent());
        Files.copy(TestBot.NOTES.resolve("qcon-2020.txt"), notes);
        db = open(dir.resolve("qcon.db"));
        talks = talks(db);
        Clock clock = Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC);
        added = new Added(db, clock);
        items = new ActionItems(db, clock, Set.of(ADMIN));
        loader = new NotesLoader(notes.getParent(), talks, added);
        loader.load();
        search = new TalkSearch(talks.index(), talks);
        loader.afterEachLoad(search::refresh);
        loader.afterTalkChange(search::changed);
    }

    @AfterEach
    void close() throws Exception {
        db.close();
    }

    @Test
    void a_word_only_in_a_new_point_is_found_at_once_and_not_mended_into_another() throws Exception {
        addPoint(MONZO, "they run quorumtastic drills monthly");
        loader.talkChanged(MONZO);

        TalkSearch.Result found = search.search("quorumtastic");
        assertTrue(found.corrections().isEmpty(), found.corrections().toString());
        assertEquals(MONZO, found.best().key());
        TalkSearch.Result asked = search.search("how often do they run quorumtastic drills?");
        assertEquals("they run quorumtastic drills monthly", asked.answers().get(0).bullet().text());
    }

    @Test
    void an_edited_point_loses_its_old_word_and_a_removed_point_is_gone() throws Exception {
        long id = addPoint(MONZO, "zanzibarian retrospectives");
        loader.talkChanged(MONZO);
        added.change(id, "ulaanbaataran retrospectives", "U0ANN");
        loader.talkChanged(MONZO);

        assertEquals(MONZO, search.search("ulaanbaataran").best().key());
        assertFalse(search.search("zanzibarian").found());
        assertFalse(search.vocabulary().contains("zanzibarian"));

        added.change(id, null, "U0ANN");
        loader.talkChanged(MONZO);
        assertFalse(search.search("ulaanbaataran").found());
        assertTrue(talks.byKey(MONZO).orElseThrow().bullets().stream().noneMatch(b -> b.text().contains("retro")));
    }

    @Test
    void a_talk_added_in_slack_is_found_and_in_the_agenda() throws Exception {
        String key = added.addPoint(null, new Added.NewTalk("Wardley mapping for beginners", "Day 2", "10:00",
                "Simon", null), "maps show evolution", false, "U0ANN", null, "view:new").orElseThrow();
        loader.talkChanged(key);

        assertEquals(key, search.search("wardley").best().key());
        assertTrue(talks.agenda().stream().anyMatch(talk -> talk.key().equals(key)));
        assertEquals(List.of("maps show evolution"), talks.byKey(key).orElseThrow().bullets().stream()
                .map(Bullet::text).toList());
    }

    @Test
    void an_outcome_shows_under_its_items_line_and_goes_when_the_item_is_reopened() throws Exception {
        long item = itemOf(CONTAINERS);
        items.act(item, ActionItems.Action.DONE, ADMIN, null, "click:1",
                new ActionItems.Note("deleted the dead modules", "https://example.com/pr/1"));
        loader.talkChanged(CONTAINERS);

        List<Bullet> bullets = talks.byKey(CONTAINERS).orElseThrow().bullets();
        int line = indexOf(bullets, "we should look for dead code");
        assertEquals(Bullet.Kind.OUTCOME, bullets.get(line + 1).kind());
        assertEquals("deleted the dead modules", bullets.get(line + 1).text());
        assertEquals(ADMIN, bullets.get(line + 1).added().by());
        assertEquals(CONTAINERS, search.search("deleted modules").best().key());

        items.act(item, ActionItems.Action.REOPEN, ADMIN, null, "click:2");
        loader.talkChanged(CONTAINERS);
        assertTrue(talks.byKey(CONTAINERS).orElseThrow().bullets().stream()
                .noneMatch(b -> b.kind() == Bullet.Kind.OUTCOME));
    }

    @Test
    void an_imported_file_is_searched_and_a_talk_left_out_of_it_later_is_gone() throws Exception {
        importFile("extra.txt", "EXTRA CONF\nDay 1\n10:00 platypus engineering:\n- ducks and beavers\n"
                + "11:00 wombat operations:\n- burrows at scale\n");
        assertEquals("extra.txt/day-1/platypus-engineering", search.search("platypus").best().key());
        assertTrue(search.search("wombat").found());

        importFile("extra.txt", "EXTRA CONF\nDay 1\n10:00 platypus engineering:\n- ducks and otters\n");
        assertFalse(search.search("wombat").found());
        assertTrue(talks.byKey("extra.txt/day-1/wombat-operations").isEmpty());
        assertEquals(0L, (long) db.read(connection -> count(connection,
                "SELECT in_notes FROM talks WHERE key = 'extra.txt/day-1/wombat-operations'")));
        assertTrue(search.search("otters").found());
    }

    @Test
    void other_talks_keep_their_ids_and_claims_and_an_unknown_key_writes_nothing() throws Exception {
        long item = itemOf(CONTAINERS);
        items.act(item, ActionItems.Action.CLAIM, "U0BOB", null, "click:3");
        Map<String, Long> ids = ids();
        long version = db.read(connection -> count(connection, "SELECT version FROM notes_version"));

        loader.talkChanged("notes.txt/day-9/no-such-talk");
        assertEquals(version, (long) db.read(connection -> count(connection, "SELECT version FROM notes_version")));

        addPoint(MONZO, "a new point");
        loader.talkChanged(MONZO);
        assertEquals(ids, ids());
        assertEquals("U0BOB", items.get(item).orElseThrow().owner());
    }

    @Test
    void after_small_writes_the_talks_and_the_search_are_what_a_full_load_gives() throws Exception {
        long point = addPoint(MONZO, "zanzibarian drills");
        loader.talkChanged(MONZO);
        added.change(point, "shortened drills", "U0ANN");
        loader.talkChanged(MONZO);
        addPoint(CONTAINERS, "graalvm native images again");
        loader.talkChanged(CONTAINERS);
        items.act(itemOf(CONTAINERS), ActionItems.Action.DONE, ADMIN, null, "click:4",
                new ActionItems.Note("done and dusted", null));
        loader.talkChanged(CONTAINERS);
        String key = added.addPoint(null, new Added.NewTalk("kotlin coroutines", "Day 1", null, null, null),
                "structured concurrency", false, "U0ANN", null, "view:k").orElseThrow();
        loader.talkChanged(key);
        importFile("extra.txt", "EXTRA\nDay 1\n10:00 platypus engineering:\n- monzo kubernetes golang\n"
                + "11:00 wombat operations:\n- [INTERNAL] we should dig burrows\n");
        importFile("extra.txt", "EXTRA\nDay 1\n10:00 platypus engineering:\n- monzo kubernetes golang cassandra\n");

        String written = stored();
        TalkSearch fresh = new TalkSearch(talks.index(), talks);
        assertSameSearch(fresh, search);
        loader.load();
        assertEquals(stored(), written);
    }

    /** Everything a search reads, compared between one refreshed from all talks and one changed talk by talk. */
    private void assertSameSearch(TalkSearch expected, TalkSearch actual) throws SQLException {
        TalkSearch.Vocabulary want = expected.vocabulary();
        TalkSearch.Vocabulary got = actual.vocabulary();
        assertArrayEquals(want.sorted(), got.sorted());
        assertEquals(want.counts(), got.counts());
        assertEquals(want.talksWith(), got.talksWith());
        assertEquals(want.talks(), got.talks());
        assertEquals(expected.suggestions(10), actual.suggestions(10));
        for (Talk talk : talks.agenda()) {
            assertEquals(expected.overview(talk), actual.overview(talk), talk.key());
        }
        // typo mending reads the vocabulary's length buckets: a typo of every few words is mended the same
        String[] sorted = want.sorted();
        for (int i = 0; i < sorted.length; i += 7) {
            String word = sorted[i];
            if (word.length() >= 5) {
                String typo = word.substring(0, 2) + word.charAt(3) + word.charAt(2) + word.substring(4) + "x";
                assertEquals(expected.search(typo).corrections(), actual.search(typo).corrections(), typo);
            }
        }
        for (String query : List.of("monzo golang", "kubernets", "why do they use golang?", "platypus monzo",
                "what did they do about dead code?", "coroutines", "microfrontends")) {
            assertEquals(expected.search(query), actual.search(query), query);
        }
    }

    /** The talks as read (agenda order), and the rows of talks and items as stored, ids and claims included. */
    private String stored() throws SQLException {
        StringBuilder all = new StringBuilder(talks.agenda().toString());
        for (String sql : List.of("SELECT id, key, source, position, in_notes FROM talks ORDER BY id",
                "SELECT id, key, talk_id, text, line, parent, in_notes, state FROM action_items ORDER BY id")) {
            String rows = db.read(connection -> rows(connection, sql));
            all.append('\n').append(rows);
        }
        return all.toString();
    }

    /** @return the new point's id */
    private long addPoint(String key, String text) throws SQLException {
        added.addPoint(key, null, text, false, "U0ANN", null, "view:" + ++requests).orElseThrow();
        return db.read(connection -> count(connection, "SELECT max(id) FROM added_points"));
    }

    private void importFile(String name, String text) throws SQLException {
        long id = added.stageImport(name, text, ADMIN);
        assertTrue(added.finishImport(id, true));
        loader.fileChanged(name);
    }

    private long itemOf(String talkKey) throws SQLException {
        return db.read(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT id FROM action_items WHERE key LIKE ? ORDER BY id")) {
                select.setString(1, talkKey + "#%");
                try (ResultSet rows = select.executeQuery()) {
                    assertTrue(rows.next(), "no item in " + talkKey);
                    return rows.getLong(1);
                }
            }
        });
    }

    private Map<String, Long> ids() throws SQLException {
        return db.read(connection -> {
            Map<String, Long> ids = new LinkedHashMap<>();
            try (PreparedStatement select = connection.prepareStatement("SELECT key, id FROM talks ORDER BY id");
                 ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    ids.put(rows.getString(1), rows.getLong(2));
                }
            }
            return ids;
        });
    }

    private static int indexOf(List<Bullet> bullets, String text) {
        for (int i = 0; i < bullets.size(); i++) {
            if (bullets.get(i).text().equals(text)) {
                return i;
            }
        }
        throw new AssertionError("no bullet " + text + " in " + bullets);
    }

    private static long count(java.sql.Connection connection, String sql) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(sql); ResultSet rows = select.executeQuery()) {
            return rows.next() ? rows.getLong(1) : -1;
        }
    }

    private static String rows(java.sql.Connection connection, String sql) throws SQLException {
        List<String> all = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(sql); ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= rows.getMetaData().getColumnCount(); i++) {
                    row.add(String.valueOf(rows.getObject(i)));
                }
                all.add(String.join("|", row));
            }
        }
        return String.join("\n", all);
    }
}
