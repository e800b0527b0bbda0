package io.metadb.analytics;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The {@code query} surface: one read-only SQL statement over a {@link Snapshot}, with
 * {@code information_schema.tables(table_name, table_type)} and
 * {@code information_schema.columns(table_name, column_name, data_type, is_nullable)} available. Writes are refused
 * twice over: the statement must start with SELECT, WITH, VALUES or EXPLAIN (so ATTACH,
 * PRAGMA, VACUUM INTO are out) and the snapshot connection is {@code query_only}. It runs on
 * an in-memory copy, so the live file cannot change either way. Stateless.
 */
public final class ReadOnlyQuery {
    /** A statement that would write, or more than one statement. */
    public static final class RefusedException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        RefusedException(String message) {
            super(message);
        }
    }

    private static final Pattern LEADING_COMMENTS = Pattern.compile("^(\\s+|--[^\\n]*(\\n|$)|/\\*.*?\\*/)*", Pattern.DOTALL);

    private ReadOnlyQuery() {}

    /**
     * Runs {@code sql} on {@code snapshot}: its columns and rows (values are Long, Double,
     * String, byte[] or null).
     *
     * @throws RefusedException for a write or several statements (nothing runs)
     * @throws IllegalArgumentException for SQL that SQLite rejects
     */
    public static Tabular run(Snapshot snapshot, String sql) {
        Connection c = snapshot.connection();
        checkSyntax(c, sql);
        String statement = single(sql);
        try {
            try (Statement s = c.createStatement()) {
                s.execute("ATTACH DATABASE ':memory:' AS information_schema");
                s.execute("CREATE TABLE information_schema.tables (table_name TEXT, table_type TEXT)");
                s.execute("INSERT INTO information_schema.tables SELECT name, CASE type WHEN 'view' THEN 'VIEW' "
                        + "ELSE 'BASE TABLE' END FROM main.sqlite_master WHERE type IN ('table', 'view') "
                        + "AND name NOT LIKE 'sqlite_%' ORDER BY name");
                s.execute("CREATE TABLE information_schema.columns (table_name TEXT, column_name TEXT, data_type TEXT, "
                        + "is_nullable TEXT)");
                s.execute("INSERT INTO information_schema.columns SELECT m.name, p.name, p.type, "
                        + "CASE p.\"notnull\" WHEN 1 THEN 'NO' ELSE 'YES' END FROM main.sqlite_master m, "
                        + "pragma_table_xinfo(m.name) p WHERE m.type IN ('table', 'view') AND m.name NOT LIKE 'sqlite_%' "
                        + "ORDER BY m.name, p.cid");
                s.execute("PRAGMA query_only = 1");
            }
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(statement)) {
                ResultSetMetaData md = rs.getMetaData();
                List<String> columns = new ArrayList<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    columns.add(md.getColumnLabel(i));
                }
                List<List<Object>> rows = new ArrayList<>();
                while (rs.next()) {
                    List<Object> row = new ArrayList<>(columns.size());
                    for (int i = 1; i <= columns.size(); i++) {
                        Object v = rs.getObject(i);
                        row.add(v instanceof Integer n ? Long.valueOf(n) : v instanceof Float f ? Double.valueOf(f) : v);
                    }
                    rows.add(row);
                }
                return new Tabular(columns, rows);
            }
        } catch (SQLException e) {
            String message = String.valueOf(e.getMessage());
            if (message.contains("readonly") || message.contains("query_only")) {
                throw new RefusedException("query: writes are refused (" + message + ")");
            }
            throw new IllegalArgumentException("query: " + message, e);
        }
    }

    /**
     * SQLite's own verdict on the text first: a typo ({@code selec 1}) gets SQLite's syntax
     * error rather than a refusal naming the misspelt word. Preparing runs nothing.
     */
    private static void checkSyntax(Connection c, String sql) {
        try (var ps = c.prepareStatement(sql)) {
            // prepared: the syntax is SQLite's; whether it may run is checked next
        } catch (SQLException e) {
            String message = String.valueOf(e.getMessage());
            if (message.contains("syntax error") || message.contains("incomplete input")) {
                int at = message.indexOf('(');
                throw new IllegalArgumentException("query: " + (at >= 0 && message.endsWith(")")
                        ? message.substring(at + 1, message.length() - 1) : message), e);
            }
        }
    }

    /** The statement without trailing semicolons; refuses writes and multiple statements. */
    static String single(String sql) {
        String body = sql.strip();
        while (body.endsWith(";")) {
            body = body.substring(0, body.length() - 1).strip();
        }
        if (containsSemicolonOutsideQuotes(body)) {
            throw new RefusedException("query: one statement at a time");
        }
        String head = LEADING_COMMENTS.matcher(body).replaceFirst("");
        String first = head.split("[\\s(]", 2)[0].toUpperCase(Locale.ROOT);
        if (!List.of("SELECT", "WITH", "VALUES", "EXPLAIN").contains(first)) {
            throw new RefusedException("query: only read-only statements (SELECT, WITH, VALUES, EXPLAIN) are allowed, not "
                    + (first.isEmpty() ? "an empty statement" : first));
        }
        return body;
    }

    private static boolean containsSemicolonOutsideQuotes(String sql) {
        char quote = 0;
        for (int i = 0; i < sql.length(); i++) {
            char ch = sql.charAt(i);
            if (quote != 0) {
                if (ch == quote) {
                    quote = 0;
                }
            } else if (ch == '\'' || ch == '"' || ch == '`') {
                quote = ch;
            } else if (ch == ';') {
                return true;
            }
        }
        return false;
    }
}
