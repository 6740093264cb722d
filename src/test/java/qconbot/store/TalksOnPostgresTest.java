package qconbot.store;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.condition.EnabledIf;
import qconbot.TestPostgres;

import java.nio.file.Path;
import java.sql.SQLException;

/**
 * Every test of {@link TalksTest} again, on PostgreSQL, but those about the SQLite file itself (its folder, WAL, its
 * upgrade from old versions): overridden here without {@code @Test}, which takes them out.
 */
@EnabledIf(value = TestPostgres.WANTED, disabledReason = TestPostgres.HOW)
class TalksOnPostgresTest extends TalksTest {

    private final OnPostgres postgres = new OnPostgres();

    @Override
    Db open(Path file) throws SQLException {
        return postgres.open(file);
    }

    @Override
    Talks talks(Db db) throws SQLException {
        return postgres.talks(db, dir);
    }

    @AfterEach
    void closeIndexes() throws SQLException {
        postgres.close();
    }

    @Override
    void a_database_from_before_the_title_table_gets_it_filled_on_opening() {
        // an SQLite file of schema version 4; PostgreSQL databases start at this version
    }

    @Override
    void a_new_database_is_created_with_wal_foreign_keys_and_the_latest_schema() {
        // the SQLite file's folder and PRAGMAs
    }
}
