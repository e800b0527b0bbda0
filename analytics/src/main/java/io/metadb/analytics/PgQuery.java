package io.metadb.analytics;

import io.metadb.core.BadInputException;
import io.metadb.core.Location;
import io.metadb.core.PgDatabases;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code query} on PostgreSQL: one statement in one {@code REPEATABLE READ READ ONLY}
 * transaction (with {@code information_schema.tables}/{@code .columns} as on SQLite, see
 * {@link #withCatalog}) (a consistent snapshot; the server refuses any write), rows streamed through a
 * cursor, stopped by the server's {@code statement_timeout} at the time limit. Values come out
 * as on SQLite: integers as Long (a {@code numeric} sum that is whole too), booleans as 1/0,
 * floating point as Double, anything else as its text. Stateless.
 */
final class PgQuery {
    private PgQuery() {}

    static void stream(Location db, String sql, Duration limit, RowSink sink) {
        String statement = single(sql);
        boolean catalog = CATALOG.matcher(statement).find();
        // A statement naming the catalogue gets its views made before the transaction turns read-only.
        try (Connection c = catalog ? PgDatabases.repeatableRead(db) : PgDatabases.readSnapshot(db)) {
            Snapshot.checkVersion(c, null, db);
            if (catalog) {
                statement = withCatalog(c, statement);
            }
            try (Statement s = c.createStatement()) {
                s.execute("SET LOCAL statement_timeout = " + Math.max(1, limit.toMillis()));
            }
            try (Statement s = c.createStatement()) {
                s.setFetchSize(1_000);
                try (ResultSet rs = s.executeQuery(statement)) {
                    ResultSetMetaData md = rs.getMetaData();
                    int n = md.getColumnCount();
                    List<String> columns = new ArrayList<>(n);
                    for (int i = 1; i <= n; i++) {
                        columns.add(md.getColumnLabel(i));
                    }
                    sink.columns(columns);
                    while (rs.next()) {
                        List<Object> row = new ArrayList<>(n);
                        for (int i = 1; i <= n; i++) {
                            row.add(value(rs.getObject(i)));
                        }
                        sink.row(row);
                    }
                    sink.end();
                }
            }
            c.rollback(); // nothing to keep: ends the read transaction
        } catch (SQLException e) {
            throw failure(e, limit);
        }
    }

    /** A mention of the catalogue views that metadb's SQLite {@code query} offers. */
    private static final java.util.regex.Pattern CATALOG =
            java.util.regex.Pattern.compile("(?i)\\binformation_schema\\s*\\.\\s*(tables|columns)\\b");

    /**
     * {@code information_schema.tables} and {@code .columns} as on SQLite: the database's own
     * tables only (PostgreSQL's lists every schema's, the system's too), with the same columns.
     * Two temporary views made inside the transaction (dropped with it), then the transaction
     * turns read-only, and the statement's mentions outside strings, quoted names and comments
     * are pointed at the views.
     */
    private static String withCatalog(Connection c, String statement) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TEMP VIEW metadb_catalog_tables AS SELECT table_name::text AS table_name,"
                    + " (CASE table_type WHEN 'VIEW' THEN 'VIEW' ELSE 'BASE TABLE' END)::text AS table_type"
                    + " FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1");
            s.execute("CREATE TEMP VIEW metadb_catalog_columns AS SELECT table_name::text AS table_name,"
                    + " column_name::text AS column_name, data_type::text AS data_type, is_nullable::text AS is_nullable"
                    + " FROM information_schema.columns WHERE table_schema = current_schema()"
                    + " ORDER BY table_name, ordinal_position");
            s.execute("SET TRANSACTION READ ONLY");
        }
        StringBuilder out = new StringBuilder();
        int i = 0;
        int n = statement.length();
        while (i < n) {
            int end = skipQuoted(statement, i);
            if (end > i) {
                out.append(statement, i, end);
                i = end;
                continue;
            }
            java.util.regex.Matcher m = CATALOG.matcher(statement).region(i, n);
            if (m.lookingAt() && (i == 0 || !Character.isLetterOrDigit(statement.charAt(i - 1))
                    && statement.charAt(i - 1) != '_' && statement.charAt(i - 1) != '.')) {
                out.append("pg_temp.metadb_catalog_").append(m.group(1).toLowerCase(Locale.ROOT));
                i = m.end();
                continue;
            }
            out.append(statement.charAt(i++));
        }
        return out.toString();
    }

    /** The end of a string, quoted name, comment or dollar-quoted body starting at {@code i}; {@code i} if none does. */
    private static int skipQuoted(String s, int i) {
        char ch = s.charAt(i);
        if (ch == '\'' || ch == '"') {
            int j = i + 1;
            while (j < s.length()) {
                if (s.charAt(j) == ch) {
                    if (j + 1 < s.length() && s.charAt(j + 1) == ch) {
                        j += 2; // a doubled quote inside
                        continue;
                    }
                    return j + 1;
                }
                j++;
            }
            return s.length();
        }
        if (s.startsWith("--", i)) {
            int nl = s.indexOf('\n', i);
            return nl < 0 ? s.length() : nl + 1;
        }
        if (s.startsWith("/*", i)) {
            int close = s.indexOf("*/", i + 2);
            return close < 0 ? s.length() : close + 2;
        }
        if (ch == '$') {
            java.util.regex.Matcher tag = java.util.regex.Pattern.compile("\\$[A-Za-z_]*\\$").matcher(s).region(i, s.length());
            if (tag.lookingAt()) {
                int close = s.indexOf(tag.group(), tag.end());
                return close < 0 ? s.length() : close + tag.group().length();
            }
        }
        return i;
    }

    private static Object value(Object v) {
        if (v == null || v instanceof Long || v instanceof Double || v instanceof String || v instanceof byte[]) {
            return v;
        }
        if (v instanceof Integer || v instanceof Short) {
            return ((Number) v).longValue();
        }
        if (v instanceof Float f) {
            return f.doubleValue();
        }
        if (v instanceof Boolean b) {
            return b ? 1L : 0L;
        }
        if (v instanceof BigDecimal d) {
            try {
                return d.longValueExact();
            } catch (ArithmeticException notWhole) {
                return d.doubleValue();
            }
        }
        return v.toString();
    }

    /** The one statement of {@code sql} as the driver splits it; refuses several and anything but a read. */
    private static String single(String sql) {
        List<org.postgresql.core.NativeQuery> parts;
        try {
            parts = org.postgresql.core.Parser.parseJdbcSql(sql, true, false, true, false, false);
        } catch (SQLException e) {
            throw new BadInputException("query: " + PgDatabases.reason(e), e);
        }
        parts = parts.stream().filter(q -> !q.nativeSql.isBlank()).toList();
        if (parts.size() > 1) {
            throw new ReadOnlyQuery.RefusedException("query: one statement at a time");
        }
        String body = parts.isEmpty() ? "" : parts.get(0).nativeSql.strip();
        String head = body.replaceFirst("^(\\s*(--[^\\n]*\\n|/\\*(?s:.*?)\\*/))*\\s*", "");
        String first = head.split("[\\s(]", 2)[0].toUpperCase(Locale.ROOT);
        if (!List.of("SELECT", "WITH", "VALUES", "EXPLAIN", "TABLE").contains(first)) {
            throw new ReadOnlyQuery.RefusedException("query: only read-only statements (SELECT, WITH, VALUES, EXPLAIN)"
                    + " are allowed, not " + (first.isEmpty() ? "an empty statement" : first));
        }
        return sql;
    }

    private static RuntimeException failure(SQLException e, Duration limit) {
        String state = String.valueOf(e.getSQLState());
        if (state.equals("57014")) { // query_canceled: the statement_timeout
            return new StatementLimit.ExceededException("query", limit, e);
        }
        if (state.equals("25006")) { // read_only_sql_transaction
            return new ReadOnlyQuery.RefusedException("query: writes are refused (" + PgDatabases.reason(e) + ")");
        }
        if (state.startsWith("42") || state.startsWith("22")) { // syntax/access rule, data exception: the statement's fault
            return new BadInputException("query: " + PgDatabases.reason(e), e);
        }
        return new IllegalStateException("query: " + PgDatabases.reason(e), e);
    }
}
