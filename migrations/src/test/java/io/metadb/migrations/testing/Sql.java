package io.metadb.migrations.testing;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Raw SQL against a real file, for tests only: checks read back what the code under test
 * wrote without going through that code. Stateless.
 */
public final class Sql {
    private Sql() {}

    /** Rows of a query, each row its columns as strings (null stays null). */
    public static List<List<String>> rows(Path db, String sql) {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            List<List<String>> out = new ArrayList<>();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    row.add(rs.getString(i));
                }
                out.add(row);
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /** The single value of a query. */
    public static String value(Path db, String sql) {
        List<List<String>> rows = rows(db, sql);
        if (rows.size() != 1 || rows.get(0).size() != 1) {
            throw new IllegalStateException(sql + " returned " + rows);
        }
        return rows.get(0).get(0);
    }

    /** Executes statements in one transaction. */
    public static void exec(Path db, String... statements) {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                for (String sql : statements) {
                    s.execute(sql);
                }
            }
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** User tables of a file (not SQLite's, not Liquibase's), by name. */
    public static List<String> tables(Path db) {
        return rows(db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                + " AND name NOT LIKE 'DATABASECHANGELOG%' ORDER BY name").stream().map(r -> r.get(0)).toList();
    }

    /** The schema as SQLite stores it, normalised (whitespace folded), Liquibase's tables left out. */
    public static List<String> normalizedSchema(Path db) {
        return rows(db, "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
                + " AND tbl_name NOT LIKE 'DATABASECHANGELOG%' ORDER BY type, name").stream()
                .map(r -> String.join("|", r.get(0), r.get(1), r.get(2),
                        r.get(3) == null ? "" : r.get(3).replaceAll("\\s+", " ").trim()))
                .toList();
    }

    /**
     * {@code rows} cut to the width of {@code like}'s rows: the columns a table had when
     * {@code like} was read (a later version may add columns, always at the end).
     */
    public static List<List<String>> asWideAs(List<List<String>> rows, List<List<String>> like) {
        if (like.isEmpty()) {
            return rows;
        }
        int width = like.get(0).size();
        return rows.stream().map(r -> r.size() > width ? r.subList(0, width) : r).toList();
    }
}
