package qconbot.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Copies a table's rows as they are, column by column, between two databases of the same schema: the shared talks
 * into a bot's own search index, and a whole SQLite database into PostgreSQL ({@code migrate-db}).
 */
public final class Copy {

    private Copy() {
    }

    /**
     * Copies every row of {@code table} from one connection to the other, streaming (a thousand rows in memory at
     * most on our side) and batching the inserts; returns how many rows. Runs inside the callers' transactions.
     */
    static long table(Connection from, Connection to, String table) throws SQLException {
        try (PreparedStatement select = from.prepareStatement("SELECT * FROM " + table)) {
            select.setFetchSize(1000);
            try (ResultSet rows = select.executeQuery()) {
                ResultSetMetaData meta = rows.getMetaData();
                List<String> columns = new ArrayList<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    if (!meta.getColumnName(i).equalsIgnoreCase("rowid")) { // the database numbers rows itself
                        columns.add(meta.getColumnName(i));
                    }
                }
                String names = String.join(", ", columns.stream().map(column -> '"' + column + '"').toList());
                String marks = String.join(", ", columns.stream().map(column -> "?").toList());
                long copied = 0;
                try (PreparedStatement insert = to.prepareStatement(
                        "INSERT INTO " + table + " (" + names + ") VALUES (" + marks + ")")) {
                    while (rows.next()) {
                        for (int i = 0; i < columns.size(); i++) {
                            insert.setObject(i + 1, rows.getObject(columns.get(i)));
                        }
                        insert.addBatch();
                        if (++copied % 1000 == 0) {
                            insert.executeBatch();
                        }
                    }
                    insert.executeBatch();
                }
                return copied;
            }
        }
    }

    /**
     * Every table of the schema, parents before children (PostgreSQL checks each foreign key as a row goes in). The
     * full-text tables are not here: each bot builds its own index from the talks.
     */
    static final List<String> TABLES = List.of("talks", "bullets", "action_items", "action_item_changes", "threads",
            "thread_participants", "handled_requests", "scheduled_posts", "snoozes", "stale_reminders", "added_talks",
            "added_points", "added_changes", "imports", "notes_version", "user_zones", "embeddings", "questions", "question_replies",
            "question_changes", "answer_feedback");

    /** The tables whose id the database gives: after a copy, the next id follows the copied ones. */
    private static final List<String> IDENTITIES = List.of("talks", "action_items", "action_item_changes", "added_talks",
            "added_points", "added_changes", "imports", "questions", "question_changes", "answer_feedback");

    /**
     * Copies an SQLite database into an empty PostgreSQL one in one transaction, then counts every table on both sides;
     * returns the counts. Refuses a target that holds anything, and a source with a table this copy does not know.
     */
    public static Map<String, Long> database(Db sqlite, Db postgres) throws SQLException {
        List<String> known = sqliteTables(sqlite);
        if (!new HashSet<>(known).equals(new HashSet<>(TABLES))) {
            throw new SQLException("The SQLite database has the tables " + known + "; this copy knows " + TABLES
                    + ". Use the qcon-bot version that wrote the database.");
        }
        Map<String, Long> target = counts(postgres);
        target.remove("notes_version");
        if (target.values().stream().anyMatch(count -> count > 0)) {
            target.values().removeIf(count -> count == 0);
            throw new SQLException("The PostgreSQL database is not empty (" + target + " rows); migrate-db copies into an"
                    + " empty database only, so nothing there is overwritten.");
        }
        sqlite.snapshot(from -> postgres.inTransaction(to -> {
            for (String table : TABLES) {
                if (table.equals("notes_version")) {
                    try (PreparedStatement update = to.prepareStatement("UPDATE notes_version SET version = ? WHERE id = 1")) {
                        update.setLong(1, notesVersion(from));
                        update.executeUpdate();
                    }
                } else {
                    table(from, to, table);
                }
            }
            for (String table : IDENTITIES) {
                postgres.dialect().followCopiedIds(to, table);
            }
            return null;
        }));
        Map<String, Long> from = counts(sqlite);
        Map<String, Long> to = counts(postgres);
        if (!from.equals(to)) {
            throw new SQLException("The copy's counts differ: SQLite " + from + ", PostgreSQL " + to);
        }
        return to;
    }

    /** The SQLite database's own tables, without its full-text ones and the schema version. */
    private static List<String> sqliteTables(Db sqlite) throws SQLException {
        return sqlite.read(connection -> {
            List<String> tables = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement("""
                    SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'schema_version'
                    AND name NOT LIKE 'talk_search%' AND name NOT LIKE 'title_search%' AND name NOT LIKE 'sqlite_%'""");
                 ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    tables.add(rows.getString(1));
                }
            }
            return tables;
        });
    }

    static long notesVersion(Connection connection) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT version FROM notes_version WHERE id = 1");
             ResultSet rows = select.executeQuery()) {
            return rows.next() ? rows.getLong(1) : 0;
        }
    }

    private static Map<String, Long> counts(Db db) throws SQLException {
        return db.read(connection -> {
            Map<String, Long> counts = new LinkedHashMap<>();
            for (String table : TABLES) {
                try (PreparedStatement count = connection.prepareStatement("SELECT count(*) FROM " + table);
                     ResultSet rows = count.executeQuery()) {
                    rows.next();
                    counts.put(table, rows.getLong(1));
                }
            }
            return counts;
        });
    }
}
