package qconbot.store;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import qconbot.TestBot;
import qconbot.notes.NotesParser;

import java.nio.file.Path;
import java.sql.Statement;
import java.time.Clock;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Storage faults on a real SQLite file: named, changing nothing, and gone once mended. */
class DbFaultsTest {

    @TempDir
    Path dir;
    Db db;
    ActionItems items;

    @BeforeEach
    void open() throws Exception {
        db = Db.open(dir.resolve("qcon.db"));
        new Talks(db).sync(NotesParser.readAll(TestBot.NOTES));
        items = new ActionItems(db, Clock.systemUTC(), Set.of());
    }

    @AfterEach
    void close() throws Exception {
        db.close();
    }

    @Test
    void a_full_disk_is_named_changes_nothing_and_clears_when_there_is_room_again() throws Exception {
        // SQLite's own limit on the file's pages: the same SQLITE_FULL a full disk gives.
        int pages = pageCount();
        db.run(connection -> {
            try (Statement statement = connection.createStatement()) {
                statement.execute("PRAGMA max_page_count = " + pages);
            }
        });
        Db.StorageFault full = assertThrows(Db.StorageFault.class, () -> {
            for (int i = 0; i < 100_000; i++) {
                items.markHandled("request-" + i + "-" + "x".repeat(200));
            }
        });
        assertEquals("the disk is full", full.getMessage());
        assertEquals("the disk is full", db.fault());

        db.run(connection -> {
            try (Statement statement = connection.createStatement()) {
                statement.execute("PRAGMA max_page_count = 1073741823");
            }
        });
        assertTrue(items.markHandled("after the mend"));
        assertNull(db.fault(), "mended, and no longer reported");
    }

    @Test
    void a_read_only_database_is_named_changes_nothing_and_clears_when_writable_again() throws Exception {
        // SQLite's query_only: the same SQLITE_READONLY a file or file system mounted read-only gives. It is turned
        // off again inside the failed transaction, after the write was refused: the mend, ready for the next write.
        Db.StorageFault readOnly = assertThrows(Db.StorageFault.class, () -> db.run(connection -> {
            try (Statement statement = connection.createStatement()) {
                statement.execute("PRAGMA query_only = ON");
                try {
                    statement.execute("INSERT INTO handled_requests (key, at) VALUES ('while read-only', 'now')");
                } finally {
                    statement.execute("PRAGMA query_only = OFF");
                }
            }
        }));
        assertEquals("the database is read-only", readOnly.getMessage());

        assertNull(db.fault(), "mended already, so the health check's probe no longer reports it");
        assertTrue(items.markHandled("while read-only"), "the refused write left nothing behind");
    }

    @Test
    void a_missing_database_where_one_was_created_is_refused_until_an_admin_deletes_the_marker() throws Exception {
        db.close();
        Path file = dir.resolve("qcon.db");
        java.nio.file.Files.delete(file);

        java.sql.SQLException refused = assertThrows(java.sql.SQLException.class, () -> Db.open(file));
        assertTrue(refused.getMessage().contains("Restore it from a backup") && refused.getMessage().contains("qcon.db.created"),
                refused.getMessage());
        assertTrue(java.nio.file.Files.notExists(file), "no empty database was made in its place");

        java.nio.file.Files.delete(dir.resolve("qcon.db.created")); // the admin says: yes, start fresh
        db = Db.open(file);
        assertEquals(Db.LATEST_VERSION, db.schemaVersion());
        assertTrue(java.nio.file.Files.exists(dir.resolve("qcon.db.created")), "and it is marked again");
    }

    private int pageCount() throws java.sql.SQLException {
        return db.read(connection -> {
            try (Statement statement = connection.createStatement(); var rows = statement.executeQuery("PRAGMA page_count")) {
                rows.next();
                return rows.getInt(1);
            }
        });
    }
}
