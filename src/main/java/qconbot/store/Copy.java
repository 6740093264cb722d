package qconbot.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Copies a table's rows as they are, column by column, between two databases of the same schema: the shared talks
 * into a bot's own search index, and a whole SQLite database into PostgreSQL ({@code migrate-db}).
 */
final class Copy {

    private Copy() {
    }

    /** A table's columns (as the source names them) and its rows. */
    record Rows(List<String> columns, List<Object[]> values) {
    }

    static Rows read(Connection connection, String table) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT * FROM " + table);
             ResultSet rows = select.executeQuery()) {
            ResultSetMetaData meta = rows.getMetaData();
            List<String> columns = new ArrayList<>();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                if (!meta.getColumnName(i).equalsIgnoreCase("rowid")) { // PostgreSQL's stand-in for SQLite's own
                    columns.add(meta.getColumnName(i));
                }
            }
            List<Object[]> values = new ArrayList<>();
            while (rows.next()) {
                Object[] row = new Object[columns.size()];
                for (int i = 0; i < row.length; i++) {
                    row[i] = rows.getObject(columns.get(i));
                }
                values.add(row);
            }
            return new Rows(columns, values);
        }
    }

    static void write(Connection connection, String table, Rows rows) throws SQLException {
        if (rows.values().isEmpty()) {
            return;
        }
        String columns = String.join(", ", rows.columns().stream().map(column -> '"' + column + '"').toList());
        String marks = String.join(", ", rows.columns().stream().map(column -> "?").toList());
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO " + table + " (" + columns + ") VALUES (" + marks + ")")) {
            int batched = 0;
            for (Object[] row : rows.values()) {
                for (int i = 0; i < row.length; i++) {
                    insert.setObject(i + 1, row[i]);
                }
                insert.addBatch();
                if (++batched % 1000 == 0) {
                    insert.executeBatch();
                }
            }
            insert.executeBatch();
        }
    }
}
