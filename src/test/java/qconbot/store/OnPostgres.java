package qconbot.store;

import qconbot.TestPostgres;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a store test opens when it runs on PostgreSQL: a fresh schema for each database file the SQLite version would
 * use (the same file opened twice is the same schema, as two processes share one database), and talks read from an
 * SQLite index of their own, as a bot on PostgreSQL has.
 */
final class OnPostgres implements AutoCloseable {

    private final Map<Path, String> databases = new HashMap<>();
    private final List<Db> indexes = new ArrayList<>();

    Db open(Path file) throws SQLException {
        String url = databases.get(file.toAbsolutePath());
        if (url == null) {
            url = TestPostgres.freshDatabase();
            databases.put(file.toAbsolutePath(), url);
        }
        return Db.openPostgres(url, null, null);
    }

    Talks talks(Db db, Path dir) throws SQLException {
        Db index = Db.open(dir.resolve("index-" + indexes.size() + ".db"));
        indexes.add(index);
        Talks talks = new Talks(db, index);
        talks.followShared(); // as a bot does when it starts
        return talks;
    }

    @Override
    public void close() throws SQLException {
        for (Db index : indexes) {
            index.close();
        }
    }
}
