package io.metadb.migrations.testing;

import java.util.ArrayList;
import java.util.List;

/**
 * Two rows for a table of either engine, with a value in every writable column: what the
 * migration checks insert before upgrading, to see every row kept. Stateless.
 */
public final class TableFill {
    /** A column as the engine's catalogue gives it: name, declared type, whether generated. */
    public record Column(String name, String type, boolean generated) {}

    private TableFill() {}

    /** The INSERT statements of rows 1 and 2 of {@code table}. */
    public static List<String> inserts(String table, List<Column> columns) {
        boolean jsonRow = columns.stream().anyMatch(c -> c.name().equals("row_json"));
        List<String> statements = new ArrayList<>();
        for (int i = 1; i <= 2; i++) {
            if (jsonRow) {
                StringBuilder json = new StringBuilder("{\"args\":[\"a\"],\"extra\":\"kept\"");
                for (Column c : columns) {
                    if (c.generated()) {
                        json.append(",\"").append(c.name()).append("\":").append(jsonValue(c.type(), table, i));
                    }
                }
                json.append('}');
                statements.add("INSERT INTO " + table + " (id, ts, row_json) VALUES (" + i + ", '2026-04-20T13:05:0" + i
                        + ".123Z', '" + json + "')");
            } else {
                List<String> names = new ArrayList<>();
                List<String> values = new ArrayList<>();
                for (Column c : columns) {
                    names.add(c.name());
                    values.add(sqlValue(table, c.name(), c.type(), i));
                }
                statements.add("INSERT INTO " + table + " (" + String.join(", ", names) + ") VALUES ("
                        + String.join(", ", values) + ")");
            }
        }
        return statements;
    }

    /** SQLite's declared type or PostgreSQL's data type, as one type class. */
    private static String typeClass(String type) {
        return switch (type.toUpperCase(java.util.Locale.ROOT)) {
            case "INTEGER", "BIGINT" -> "INTEGER";
            case "REAL", "DOUBLE PRECISION" -> "REAL";
            case "BOOLEAN" -> "BOOLEAN";
            default -> "TEXT";
        };
    }

    private static String jsonValue(String type, String table, int i) {
        return switch (typeClass(type)) {
            case "INTEGER" -> String.valueOf(i * 7);
            case "REAL" -> i + ".5";
            case "BOOLEAN" -> i == 1 ? "true" : "false";
            default -> "\"" + table + "-" + i + "\"";
        };
    }

    private static String sqlValue(String table, String column, String type, int i) {
        if (table.equals("meta") && column.equals("key")) {
            return "'test-key-" + i + "'";
        }
        if (column.equals("status")) {
            return "'pending'";
        }
        if (column.endsWith("_json")) {
            return "'{\"n\":" + i + "}'";
        }
        if (column.equals("day")) {
            return "'2026-04-2" + i + "'";
        }
        return typeClass(type).equals("INTEGER") ? String.valueOf(i) : "'" + column + "-" + i + "'";
    }
}
