package qconbot;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When the PostgreSQL tests run: CI (QCON_REQUIRE_POSTGRES=true) must not get them skipped for want of a server. */
class TestPostgresTest {

    @Test
    void postgres_tests_run_with_a_server_or_when_required_and_are_skipped_only_otherwise() {
        assertTrue(TestPostgres.wanted(Map.of(TestPostgres.VARIABLE, "jdbc:postgresql://127.0.0.1:5432/qcon")));
        assertTrue(TestPostgres.wanted(Map.of(TestPostgres.REQUIRED, "true")), "required without a server: run, and fail");
        assertFalse(TestPostgres.wanted(Map.of()));
        assertFalse(TestPostgres.wanted(Map.of(TestPostgres.VARIABLE, " ", TestPostgres.REQUIRED, "no")));
    }
}
