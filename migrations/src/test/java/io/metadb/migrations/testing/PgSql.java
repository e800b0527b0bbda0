package io.metadb.migrations.testing;

import io.metadb.core.Location;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Plain JDBC on a PostgreSQL test database, for assertions (values as text). */
public final class PgSql {
    private PgSql() {}

    /** Every row of {@code sql}, each value as text (null as null). */
    public static List<List<String>> rows(String url, String sql) {
        try (Connection c = Location.parse(url).connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            List<List<String>> out = new ArrayList<>();
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getString(i));
                }
                out.add(row);
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage() + " [" + sql + "]", e);
        }
    }

    /** The single value of a query (as {@link Sql#value}: anything but one row of one column throws). */
    public static String value(String url, String sql) {
        List<List<String>> rows = rows(url, sql);
        if (rows.size() != 1 || rows.get(0).size() != 1) {
            throw new IllegalStateException(sql + " returned " + rows);
        }
        return rows.get(0).get(0);
    }

    /** Runs statements in one transaction. */
    public static void exec(String url, String... statements) {
        try (Connection c = Location.parse(url).connect()) {
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

    /** Tables of the database's current schema, sorted, without Liquibase's. */
    public static List<String> tables(String url) {
        return rows(url, "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
                + " AND table_name NOT LIKE 'databasechangelog%' ORDER BY table_name").stream().map(r -> r.get(0)).toList();
    }

    /**
     * The schema as comparable lines: per table each column (position, name, type, nullable,
     * generated expression, default), the primary key, and every index with its columns.
     */
    public static List<String> normalizedSchema(String url) {
        List<String> out = new ArrayList<>();
        for (List<String> r : rows(url, "SELECT table_name, ordinal_position, column_name, data_type, is_nullable,"
                + " coalesce(generation_expression, ''), coalesce(column_default, '')"
                + " FROM information_schema.columns WHERE table_schema = current_schema()"
                + " ORDER BY table_name, ordinal_position")) {
            out.add(String.join(" ", r));
        }
        for (List<String> r : rows(url, "SELECT tablename, indexname, indexdef FROM pg_indexes"
                + " WHERE schemaname = current_schema() ORDER BY tablename, indexname")) {
            out.add(String.join(" ", r));
        }
        return out;
    }
}
