package qconbot.store;

import org.junit.jupiter.api.condition.EnabledIf;
import qconbot.TestPostgres;

import java.nio.file.Path;
import java.sql.SQLException;

/** {@link QuestionsTest} on PostgreSQL: two connections to one database are two replicas; a question is answered once. */
@EnabledIf(value = TestPostgres.WANTED, disabledReason = TestPostgres.HOW)
class QuestionsOnPostgresTest extends QuestionsTest {

    private final OnPostgres postgres = new OnPostgres();

    @Override
    Db open(Path file) throws SQLException {
        return postgres.open(file);
    }
}
