package qconbot.store;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.condition.EnabledIf;
import qconbot.TestPostgres;

import java.nio.file.Path;
import java.sql.SQLException;

/**
 * {@link ConcurrencyTest} on PostgreSQL: two connections to one database, as two replicas have, twenty threads and
 * 5,000 random actions; every item still equals its replayed audit trail (issue 23).
 */
@EnabledIf(value = TestPostgres.WANTED, disabledReason = TestPostgres.HOW)
class ConcurrencyOnPostgresTest extends ConcurrencyTest {

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
