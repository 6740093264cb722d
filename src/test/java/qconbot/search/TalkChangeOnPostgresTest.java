package qconbot.search;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import qconbot.TestPostgres;
import qconbot.notes.Bullet;
import qconbot.store.Db;
import qconbot.store.Talks;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every test of {@link TalkChangeTest} again on PostgreSQL, where talks are written to the shared database and read
 * from this bot's own SQLite index; and what another bot on the same database sees.
 */
@EnabledIf(value = TestPostgres.WANTED, disabledReason = TestPostgres.HOW)
class TalkChangeOnPostgresTest extends TalkChangeTest {

    private final Map<Path, String> databases = new HashMap<>();
    private final List<Db> opened = new ArrayList<>();

    @Override
    Db open(Path file) throws SQLException {
        String url = databases.get(file.toAbsolutePath());
        if (url == null) {
            url = TestPostgres.freshDatabase();
            databases.put(file.toAbsolutePath(), url);
        }
        return Db.openPostgres(url, null, null);
    }

    @Override
    Talks talks(Db db) throws SQLException {
        Db index = Db.open(dir.resolve("index-" + opened.size() + ".db"));
        opened.add(index);
        Talks talks = new Talks(db, index);
        talks.followShared(); // as a bot does when it starts
        return talks;
    }

    @AfterEach
    void closeIndexes() throws SQLException {
        for (Db index : opened) {
            index.close();
        }
    }

    @Test
    void the_bot_that_wrote_has_nothing_to_follow_and_another_bot_follows_the_change() throws Exception {
        Talks other = talks(db);
        added.addPoint(MONZO, null, "quorumtastic drills", false, "U0ANN", null, "view:other");
        loader.talkChanged(MONZO);

        assertFalse(talks.followShared(), "its own write is in its index already");
        assertTrue(other.followShared());
        List<Bullet> bullets = other.byKey(MONZO).orElseThrow().bullets();
        assertEquals("quorumtastic drills", bullets.get(bullets.size() - 1).text());
        assertEquals("U0ANN", bullets.get(bullets.size() - 1).added().by());
    }
}
