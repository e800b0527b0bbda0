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
        String statement = checked(sql);
        boolean catalog = CATALOG.matcher(statement).find();
        // A statement naming the catalogue gets its views made before the transaction turns read-only.
        try (Connection c = catalog ? PgDatabases.repeatableRead(db) : PgDatabases.readSnapshot(db)) {
            Snapshot.checkVersion(c, null, db);
            if (catalog) {
                statement = withCatalog(c, statement);
            }
            runBounded(c, statement, limit, sink);
            c.rollback(); // nothing to keep: ends the read transaction
        } catch (SQLException e) {
            throw failure(e, limit);
        }
    }

    /**
     * {@code sql} inside the read-only transaction a PostgreSQL snapshot holds (see
     * {@link Snapshot#inPlace}), left as it was given: the statement's settings (its time
     * limit, the reader's role) and any error are undone by rolling back to a savepoint. The
     * catalogue views need temporary views, which a read-only transaction cannot make: a
     * statement naming them is refused here ({@link #stream} has them).
     */
    static void run(Connection c, String sql, Duration limit, RowSink sink) {
        String statement = checked(sql);
        if (CATALOG.matcher(statement).find()) {
            throw new BadInputException("query: information_schema.tables/.columns are not available on a PostgreSQL"
                    + " snapshot (its read-only transaction cannot make their views); query the database itself");
        }
        try {
            java.sql.Savepoint before = c.setSavepoint();
            try {
                runBounded(c, statement, limit, sink);
            } finally {
                c.rollback(before);
                c.releaseSavepoint(before);
            }
        } catch (SQLException e) {
            throw failure(e, limit);
        }
    }

    /** The one statement of {@code sql}, refused if it is not a read or calls a function that does more. */
    private static String checked(String sql) {
        String statement = single(sql);
        refuseEffects(statement);
        return statement;
    }

    /** Runs {@code statement} in the transaction {@code c} holds: its time limit, a reader's rights, its rows to {@code sink}. */
    private static void runBounded(Connection c, String statement, Duration limit, RowSink sink) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SET LOCAL statement_timeout = " + Math.max(1, limit.toMillis()));
        }
        dropSuperuser(c);
        streamRows(c, statement, sink);
    }

    private static void streamRows(Connection c, String statement, RowSink sink) throws SQLException {
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
    }

    /**
     * Functions that do more than read (signal or end other sessions, read or write the server's
     * files, change settings, the role included, take locks, notify, replicate), refused by name
     * wherever the statement calls them outside strings and comments, quoted names included.
     * A read-only transaction stops writes to tables, not these.
     */
    private static final java.util.regex.Pattern EFFECTS = java.util.regex.Pattern.compile("(?i)pg_terminate_backend"
            + "|pg_cancel_backend|pg_reload_conf|pg_rotate_logfile|pg_read_file|pg_read_binary_file|pg_ls_\\w+"
            + "|pg_stat_file|pg_file_\\w+|lo_\\w+|pg_switch_wal|pg_create_restore_point|pg_start_backup|pg_stop_backup"
            + "|pg_backup_start|pg_backup_stop|pg_promote|pg_notify|set_config|pg_(try_)?advisory_\\w+|dblink\\w*"
            + "|pg_logical_\\w+|pg_replication_\\w+|pg_create_\\w+_slot|pg_drop_replication_slot|pg_copy_\\w+_slot"
            + "|pg_import_system_collations|pg_log_backend_memory_contexts|pg_wal_replay_\\w+");

    /** Refuses a call of a function in {@link #EFFECTS}. */
    static void refuseEffects(String statement) {
        int i = 0;
        int n = statement.length();
        while (i < n) {
            char ch = statement.charAt(i);
            String name = null;
            int end;
            int escaped = (ch == 'E' || ch == 'e') ? skipQuoted(statement, i) : i;
            if (escaped > i) {
                i = escaped; // an escape string E'…'
                continue;
            }
            if (ch == '"') {
                end = skipQuoted(statement, i);
                name = statement.substring(i + 1, Math.max(i + 1, end - 1)).replace("\"\"", "\"");
            } else if (Character.isLetter(ch) || ch == '_') {
                end = i;
                while (end < n && (Character.isLetterOrDigit(statement.charAt(end)) || statement.charAt(end) == '_'
                        || statement.charAt(end) == '$')) {
                    end++;
                }
                name = statement.substring(i, end);
            } else {
                end = skipQuoted(statement, i);
                i = end > i ? end : i + 1;
                continue;
            }
            int next = end;
            while (next < n) { // spaces and comments may stand between a name and its arguments
                if (Character.isWhitespace(statement.charAt(next))) {
                    next++;
                } else if (statement.startsWith("--", next) || statement.startsWith("/*", next)) {
                    next = skipQuoted(statement, next);
                } else {
                    break;
                }
            }
            if (next < n && statement.charAt(next) == '(' && EFFECTS.matcher(name).matches()) {
                throw new ReadOnlyQuery.RefusedException("query: " + name + "() does more than read; query only reads");
            }
            i = end;
        }
    }

    /**
     * A superuser's statement runs as the predefined role {@code pg_read_all_data} (PostgreSQL
     * 14 and later: it reads every table and nothing else), so that what the name check above
     * cannot see (a function of the database's own that calls another) still has a reader's
     * rights only. The schemas the statement resolves names in are fixed first: {@code $user}
     * would otherwise name the new role. Any other role keeps its own rights (see docs).
     */
    private static void dropSuperuser(Connection c) throws SQLException {
        String path;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT r.rolsuper AND EXISTS (SELECT 1"
                + " FROM pg_roles WHERE rolname = 'pg_read_all_data'), array_to_string(ARRAY(SELECT quote_ident(x)"
                + " FROM unnest(current_schemas(false)) AS x), ',') FROM pg_roles r WHERE r.rolname = current_user")) {
            if (!rs.next() || !rs.getBoolean(1)) {
                return;
            }
            path = rs.getString(2);
        }
        try (Statement s = c.createStatement()) {
            s.execute("SET LOCAL search_path TO " + (path == null || path.isEmpty() ? "pg_catalog" : path));
            s.execute("SET LOCAL ROLE pg_read_all_data");
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
                    + " FROM information_schema.tables WHERE table_schema = current_schema()"
                    + " AND " + ReadOnlyQuery.notLiquibase("table_name") + " ORDER BY 1");
            s.execute("CREATE TEMP VIEW metadb_catalog_columns AS SELECT table_name::text AS table_name,"
                    + " column_name::text AS column_name, data_type::text AS data_type, is_nullable::text AS is_nullable"
                    + " FROM information_schema.columns WHERE table_schema = current_schema()"
                    + " AND " + ReadOnlyQuery.notLiquibase("table_name")
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
        if ((ch == 'E' || ch == 'e') && i + 1 < s.length() && s.charAt(i + 1) == '\''
                && (i == 0 || !Character.isLetterOrDigit(s.charAt(i - 1)) && s.charAt(i - 1) != '_')) {
            int j = i + 2; // an escape string: a backslash escapes the next character, a quote included
            while (j < s.length()) {
                char c = s.charAt(j);
                if (c == '\\') {
                    j += 2;
                } else if (c == '\'' && j + 1 < s.length() && s.charAt(j + 1) == '\'') {
                    j += 2;
                } else if (c == '\'') {
                    return j + 1;
                } else {
                    j++;
                }
            }
            return s.length();
        }
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

    /**
     * The one statement of {@code sql}, split as PostgreSQL's own lexer does at a {@code ;}
     * outside strings (escape strings {@code E'…'} included), quoted names, comments and
     * dollar-quoted bodies; refuses several and anything but a read. (Written here: the
     * driver's parser is internal API.)
     */
    static String single(String sql) {
        int i = 0;
        int n = sql.length();
        int end = -1;
        while (i < n && end < 0) {
            int skipped = skipQuoted(sql, i);
            if (skipped > i) {
                i = skipped;
            } else if (sql.charAt(i) == ';') {
                end = i;
            } else {
                i++;
            }
        }
        if (end >= 0) {
            for (int j = end; j < n; ) {
                int skipped = skipQuoted(sql, j);
                if (skipped > j && (sql.startsWith("--", j) || sql.startsWith("/*", j))) {
                    j = skipped;
                } else if (Character.isWhitespace(sql.charAt(j)) || sql.charAt(j) == ';') {
                    j++;
                } else {
                    throw new ReadOnlyQuery.RefusedException("query: one statement at a time");
                }
            }
        }
        String body = (end < 0 ? sql : sql.substring(0, end)).strip();
        String head = body.replaceFirst("^(\\s*(--[^\\n]*(\\n|$)|/\\*(?s:.*?)\\*/))*\\s*", "");
        String first = head.split("[\\s(]", 2)[0].toUpperCase(Locale.ROOT);
        if (first.equals("PRAGMA")) {
            throw new ReadOnlyQuery.RefusedException("query: PRAGMA is SQLite's; on PostgreSQL information_schema.columns"
                    + " and information_schema.tables answer what PRAGMA table_info and table_list do");
        }
        if (!List.of("SELECT", "WITH", "VALUES", "EXPLAIN", "TABLE").contains(first)) {
            throw new ReadOnlyQuery.RefusedException("query: only read-only statements (SELECT, WITH, VALUES, EXPLAIN)"
                    + " are allowed, not " + (first.isEmpty() ? "an empty statement" : first));
        }
        return body; // without its ";" and what follows (comments): the driver sends one statement
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
