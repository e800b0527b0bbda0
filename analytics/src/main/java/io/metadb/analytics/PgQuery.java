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
 * transaction (a consistent snapshot; the server refuses any write), rows streamed through a
 * cursor, stopped by the server's {@code statement_timeout} at the time limit. Values come out
 * as on SQLite: integers as Long (a {@code numeric} sum that is whole too), booleans as 1/0,
 * floating point as Double, anything else as its text. Stateless.
 */
final class PgQuery {
    private PgQuery() {}

    static void stream(Location db, String sql, Duration limit, RowSink sink) {
        String statement = single(sql);
        try (Connection c = PgDatabases.readSnapshot(db)) {
            Snapshot.checkVersion(c, null, db);
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
