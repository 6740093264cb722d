package qconbot.store;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.condition.EnabledIf;
import qconbot.TestPostgres;

import java.nio.file.Path;
import java.sql.SQLException;

/** Every test of {@link AddedTest} again, on PostgreSQL. */
@EnabledIf(value = TestPostgres.WANTED, disabledReason = TestPostgres.HOW)
class AddedOnPostgresTest extends AddedTest {

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
}
