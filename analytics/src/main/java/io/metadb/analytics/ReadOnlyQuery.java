package io.metadb.analytics;

import io.metadb.core.BadInputException;
import io.metadb.core.SqliteFiles;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.sqlite.SQLiteException;

/**
 * The {@code query} surface: one read-only SQL statement over a {@link Snapshot}, with
 * {@code information_schema.tables(table_name, table_type)} and
 * {@code information_schema.columns(table_name, column_name, data_type, is_nullable)} available. Writes are refused
 * twice over: the statement must start with SELECT, WITH, VALUES or EXPLAIN (so ATTACH,
 * PRAGMA, VACUUM INTO are out) and the snapshot connection is {@code query_only} while it
 * runs. {@link #stream} reads the file itself, opened read-only, inside one read transaction;
 * {@link #run} reads a {@link Snapshot}. Either way nothing can change the file. Stateless;
 * the snapshot is left as it was given.
 */
public final class ReadOnlyQuery {
    /** A statement that would write, or more than one statement. */
    public static final class RefusedException extends IllegalArgumentException implements io.metadb.core.BadInput {
        private static final long serialVersionUID = 1L;

        RefusedException(String message) {
            super(message);
        }
    }

    /** A token no complete statement can be followed by. */
    private static final String END_PROBE = ")";
    /** SQLite's primary result codes that mean the statement itself is at fault. */
    private static final int SQLITE_ERROR = 1;
    private static final int SQLITE_READONLY = 8;
    private static final int SQLITE_INTERRUPT = 9;
    private static final java.util.Set<Integer> BAD_STATEMENT_CODES = java.util.Set.of(SQLITE_ERROR,
            19 /* CONSTRAINT */, 20 /* MISMATCH */, 23 /* AUTH */, 25 /* RANGE */);

    /**
     * The most characters one row of a result holds in memory (each value is at most
     * {@link SqliteFiles#MAX_VALUE_BYTES}; a row of many such values is refused here): a few
     * requests at once stay well inside the JVM's heap.
     */
    static final long MAX_ROW_CHARS = 16L * 1024 * 1024;

    private static final Pattern LEADING_COMMENTS = Pattern.compile("^(\\s+|--[^\\n]*(\\n|$)|/\\*.*?\\*/)*", Pattern.DOTALL);

    private ReadOnlyQuery() {}

    /**
     * Runs {@code sql} on {@code snapshot}: its columns and rows (values are Long, Double,
     * String, byte[] or null). The statement stops after the snapshot's
     * {@link Snapshot#statementLimit()}.
     *
     * @throws RefusedException for a write or several statements (nothing runs)
     * @throws BadInputException for SQL that SQLite rejects
     * @throws IllegalStateException if the run failed for another reason (disk, memory, a
     *     corrupt file, the time limit)
     */
    public static Tabular run(Snapshot snapshot, String sql) {
        List<String> columns = new ArrayList<>();
        List<List<Object>> rows = new ArrayList<>();
        Connection c = snapshot.connection();
        RowSink collect = new RowSink() {
            @Override
            public void columns(List<String> names) {
                columns.addAll(names);
            }

            @Override
            public void row(List<Object> values) {
                rows.add(values);
            }

            @Override
            public void end() {
                // collected
            }
        };
        if (snapshot.engine() == io.metadb.core.Engine.POSTGRESQL) {
            // A PostgreSQL database read in place: its own SQL, not SQLite's ATTACH and PRAGMA.
            PgQuery.run(c, sql, snapshot.statementLimit(), collect);
            return new Tabular(columns, rows);
        }
        try {
            // The catalogue and the read-only switch live only as long as this call: the
            // snapshot is left as it was given (a second run, or a report, on it works).
            attachCatalog(c);
            try {
                execute(c, sql, snapshot.statementLimit(), collect);
            } finally {
                try (Statement s = c.createStatement()) {
                    s.execute("PRAGMA query_only = 0");
                    s.execute("DETACH DATABASE information_schema");
                }
            }
        } catch (SQLException e) {
            throw failure(e);
        }
        return new Tabular(columns, rows);
    }

    /**
     * Runs {@code sql} on the file itself, inside one read transaction (in WAL mode a
     * consistent snapshot that blocks no writer), handing each row to {@code sink} as SQLite
     * produces it: nothing is copied and no result is held, so memory stays bounded whatever
     * the result's size, and the first rows arrive at once. The file is opened read-only (a
     * write is refused by SQLite too). The statement stops once its own running time passes
     * {@code limit} (time spent in {@code sink} is not counted).
     *
     * @throws RefusedException for a write or several statements (nothing runs)
     * @throws BadInputException for SQL that SQLite rejects
     * @throws Snapshot.SnapshotException if the file is missing or not a metadb file of this version
     * @throws IllegalStateException if the run failed for another reason (disk, a corrupt
     *     file, the time limit)
     */
    public static void stream(io.metadb.core.Location db, String sql, Duration limit, RowSink sink) {
        switch (db.engine()) {
            case SQLITE -> stream(db.file(), sql, limit, sink);
            case POSTGRESQL -> PgQuery.stream(db, sql, limit, sink);
        }
    }

    /** Like {@link #stream(io.metadb.core.Location, String, Duration, RowSink)} on a file. */
    public static void stream(Path db, String sql, Duration limit, RowSink sink) {
        Connection c = FileCopies.openLive(db);
        try {
            attachCatalogSchema(c);
            inTransaction(c, db, sql, limit, sink);
        } catch (SQLException e) {
            throw failure(e);
        } finally {
            try {
                c.close(); // ends the read transaction; nothing was written to the file
            } catch (SQLException ignored) {
                // a read-only connection: closing releases its locks either way
            }
            SqliteFiles.tidy(db);
        }
    }

    /**
     * Like {@link #stream(Path, String, Duration, RowSink)} on a connection of {@code readers}
     * (see {@link QueryConnections}): the same checks, transaction, limits and answers.
     */
    public static void stream(QueryConnections readers, String sql, Duration limit, RowSink sink) {
        QueryConnections.Reader r;
        try {
            r = readers.take();
        } catch (SQLException e) {
            throw failure(e);
        }
        try {
            inTransaction(r.connection(), readers.db(), sql, limit, sink);
        } catch (SQLException e) {
            throw failure(e);
        } finally {
            readers.giveBack(r);
        }
    }

    /** The statement inside one read transaction of {@code c} (its catalogue attached), which the caller ends. */
    private static void inTransaction(Connection c, Path db, String sql, Duration limit, RowSink sink) throws SQLException {
        try (Statement s = c.createStatement()) {
            // Everything below reads the file inside this one transaction: the version
            // check, the catalogue and the statement see the same commit.
            s.execute("BEGIN");
        }
        Snapshot.checkVersion(c, "main", db);
        if (sql.toLowerCase(Locale.ROOT).contains("information_schema")) {
            fillCatalog(c); // only a statement that names it can read it (saves every other ~2 ms)
        }
        execute(c, sql, limit, sink);
    }

    /** {@code information_schema} of the {@code main} database, attached as a schema of its own. */
    private static void attachCatalog(Connection c) throws SQLException {
        attachCatalogSchema(c);
        fillCatalog(c);
    }

    /** An empty in-memory {@code information_schema} (ATTACH must come before a transaction begins). */
    static void attachCatalogSchema(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("ATTACH DATABASE ':memory:' AS information_schema");
        }
    }

    private static void fillCatalog(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE information_schema.tables (table_name TEXT, table_type TEXT)");
            s.execute("INSERT INTO information_schema.tables SELECT name, CASE type WHEN 'view' THEN 'VIEW' "
                    + "ELSE 'BASE TABLE' END FROM main.sqlite_master WHERE type IN ('table', 'view') "
                    + "AND name NOT LIKE 'sqlite_%' AND " + notLiquibase("sqlite_master.name") + " ORDER BY name");
            s.execute("CREATE TABLE information_schema.columns (table_name TEXT, column_name TEXT, data_type TEXT, "
                    + "is_nullable TEXT)");
            s.execute("INSERT INTO information_schema.columns SELECT m.name, p.name, p.type, "
                    // An INTEGER PRIMARY KEY is the rowid: never null, though not declared NOT NULL
                    // (as `metadb schema` says, and PostgreSQL's catalogue for the same column).
                    + "CASE WHEN p.\"notnull\" = 1 OR (p.pk > 0 AND upper(p.type) = 'INTEGER') THEN 'NO' ELSE 'YES' END"
                    + " FROM main.sqlite_master m, "
                    + "pragma_table_xinfo(m.name) p WHERE m.type IN ('table', 'view') AND m.name NOT LIKE 'sqlite_%' "
                    + "AND " + notLiquibase("m.name") + " ORDER BY m.name, p.cid");
        }
    }

    /**
     * Liquibase's own tables (its history and lock) are not the database's: the catalogue
     * lists what {@code metadb tables} lists (plus any table of the user's).
     */
    static String notLiquibase(String nameColumn) {
        return "lower(" + nameColumn + ") NOT IN ('databasechangelog', 'databasechangeloglock')";
    }

    /** Checks {@code sql}, switches the connection to read-only and streams the statement's rows. */
    private static void execute(Connection c, String sql, Duration limit, RowSink sink) throws SQLException {
        SqliteFiles.Bounds bounds = SqliteFiles.boundUserStatements(c);
        try {
            executeBounded(c, sql, limit, sink);
        } finally {
            bounds.restore();
        }
    }

    private static void executeBounded(Connection c, String sql, Duration limit, RowSink sink) throws SQLException {
        checkSyntax(c, sql);
        String statement = single(c, sql);
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA query_only = 1");
        }
        try (StatementLimit.Run clock = StatementLimit.start(c, limit)) {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(statement)) {
                ResultSetMetaData md = rs.getMetaData();
                int n = md.getColumnCount();
                List<String> columns = new ArrayList<>(n);
                for (int i = 1; i <= n; i++) {
                    columns.add(md.getColumnLabel(i));
                }
                clock.pause();
                sink.columns(columns);
                clock.resume();
                while (rs.next()) {
                    List<Object> row = new ArrayList<>(n);
                    long rowChars = 0;
                    for (int i = 1; i <= n; i++) {
                        Object v = rs.getObject(i);
                        rowChars += v instanceof String t ? t.length() : v instanceof byte[] b ? b.length : 8;
                        if (rowChars > MAX_ROW_CHARS) {
                            throw new IllegalStateException("query: a row of the result is over "
                                    + MAX_ROW_CHARS / (1024 * 1024) + " MiB (metadb's bound on one row); select fewer or"
                                    + " shorter columns");
                        }
                        row.add(v instanceof Integer x ? Long.valueOf(x) : v instanceof Float f ? Double.valueOf(f) : v);
                    }
                    clock.pause();
                    sink.row(row);
                    clock.resume();
                }
                clock.pause();
                sink.end();
            } catch (SQLException e) {
                if (clock.fired() || e instanceof SQLiteException se && (se.getResultCode().code & 0xff) == SQLITE_INTERRUPT) {
                    throw new StatementLimit.ExceededException("query", clock.limit(), e);
                }
                throw e;
            }
        }
    }

    /**
     * What SQLite's refusal means: the statement's fault (bad SQL, a write)
     * is bad input; anything else (the disk, memory, a corrupt page, an interrupt) is a
     * failure of the run, not of what was asked.
     */
    static RuntimeException failure(SQLException e) {
        String message = "query: " + SqliteFiles.reason(e);
        int code = e instanceof SQLiteException se ? se.getResultCode().code & 0xff : SQLITE_ERROR;
        if (code == SQLITE_READONLY || message.contains("query_only")) {
            return new RefusedException("query: writes are refused (" + SqliteFiles.reason(e) + ")");
        }
        if (code == 18 /* TOOBIG */) {
            return new IllegalStateException("query: a value would be over " + SqliteFiles.MAX_VALUE_BYTES / (1024 * 1024)
                    + " MiB (metadb's bound on one string or blob): " + SqliteFiles.reason(e), e);
        }
        if (BAD_STATEMENT_CODES.contains(code)) {
            return new BadInputException(message, e);
        }
        return new IllegalStateException(message, e);
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
            if (message.contains("syntax error") || message.contains("incomplete input")
                    || message.contains("unrecognized token")) {
                throw new BadInputException("query: " + SqliteFiles.reason(e), e);
            }
        }
    }

    /**
     * The one statement of {@code sql}, as SQLite's own tokenizer delimits it (strings,
     * quoted names and comments included), without its closing semicolon and any comment
     * after it; refuses a second statement and anything but a read.
     */
    static String single(Connection c, String sql) {
        String body = sql.strip();
        while (body.endsWith(";")) {
            body = body.substring(0, body.length() - 1).strip();
        }
        int end = firstStatementEnd(c, body);
        if (end >= 0) {
            if (!isBlank(c, body.substring(end + 1))) {
                throw new RefusedException("query: one statement at a time");
            }
            body = body.substring(0, end).strip();
        }
        String head = LEADING_COMMENTS.matcher(body).replaceFirst("");
        String first = head.split("[\\s(]", 2)[0].toUpperCase(Locale.ROOT);
        if (first.equals("PRAGMA")) {
            return ReadOnlyPragmas.asSelect(head);
        }
        if (!List.of("SELECT", "WITH", "VALUES", "EXPLAIN").contains(first)) {
            throw new RefusedException("query: only read-only statements (SELECT, WITH, VALUES, EXPLAIN) are allowed, not "
                    + (first.isEmpty() ? "an empty statement" : first));
        }
        return body;
    }

    /**
     * Where SQLite ends the first statement: the index of its semicolon, or -1 if it runs to
     * the end. SQLite stops preparing at the semicolon that ends a statement and ignores the
     * rest (sqlite-jdbc does not say where), so each candidate semicolon is tested by
     * preparing the text before it followed by {@link #END_PROBE}: only if the tokenizer
     * reached the probe as a token (not inside a string, quoted name or comment) is that
     * semicolon the statement's end.
     */
    private static int firstStatementEnd(Connection c, String sql) {
        if (reachesProbe(c, sql)) {
            return -1;
        }
        for (int p = sql.indexOf(';'); p >= 0; p = sql.indexOf(';', p + 1)) {
            if (reachesProbe(c, sql.substring(0, p))) {
                return p;
            }
        }
        return -1; // the probe fell into a comment running to the end: one statement
    }

    /** Whether SQLite's parser read {@code text} to its end and met the probe there. */
    private static boolean reachesProbe(Connection c, String text) {
        try (var ps = c.prepareStatement(text + " " + END_PROBE)) {
            return false; // prepared: SQLite stopped at a semicolon before the probe
        } catch (SQLException e) {
            return String.valueOf(e.getMessage()).contains("near \"" + END_PROBE + "\": syntax error");
        } catch (RuntimeException e) {
            return false; // sqlite-jdbc's way of saying the text held no statement
        }
    }

    /** Whether {@code text} holds nothing SQLite would run (whitespace and comments only). */
    private static boolean isBlank(Connection c, String text) {
        if (text.isBlank()) {
            return true;
        }
        // Followed by a statement of our own, blank text prepares as exactly that statement.
        String label = "metadb_blank_" + Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong() >>> 1);
        try (var ps = c.prepareStatement(text + "\nSELECT 1 AS " + label)) {
            ResultSetMetaData md = ps.getMetaData();
            return md.getColumnCount() == 1 && label.equals(md.getColumnLabel(1));
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }
}
