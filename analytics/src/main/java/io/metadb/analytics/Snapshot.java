package io.metadb.analytics;

import static io.metadb.generated.Tables.META;

import io.metadb.core.SchemaVersion;
import io.metadb.generated.envelope.JsonRowTable;
import io.metadb.generated.envelope.RowTable;
import io.metadb.core.Location;
import io.metadb.core.PgDatabases;
import io.metadb.core.SqliteFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Select;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.sqlite.SQLiteConnection;

/**
 * An in-memory SQLite copy of a {@code meta.db}, taken consistently (one read transaction)
 * while other processes keep writing. Reports run on it and never touch the live file.
 * Either the whole file ({@link #of(Path)}, for arbitrary SQL) or only what a report reads
 * ({@link #copy}: the {@code Reports.*Copies} plans), which is several times cheaper.
 * {@link #close()} frees its memory. One connection; not thread-safe.
 */
public final class Snapshot implements AutoCloseable {
    /** How long a report's or query's statement may run unless told otherwise. */
    public static final Duration DEFAULT_STATEMENT_LIMIT = Duration.ofSeconds(10);

    private final Location source;
    private final Connection connection;
    /** Run by {@link #close()} instead of closing the connection (a resident copy's); null otherwise. */
    private final Runnable release;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
    private Duration statementLimit = DEFAULT_STATEMENT_LIMIT;
    private DSLContext dsl;
    /** Row counts of the copied tables in the file, by table name; null for a whole-file copy. */
    private Map<String, Long> sourceRows;
    /** What was copied, by table name; null for a whole-file copy. */
    private Map<String, TableCopy> plan;

    private Snapshot(Location source, Connection connection) {
        this(source, connection, null);
    }

    private Snapshot(Location source, Connection connection, Runnable release) {
        this.source = source;
        this.connection = connection;
        this.release = release;
    }

    /**
     * A snapshot over {@link ResidentCopies}' connection, which holds (at least) what
     * {@code copies} select as of one read transaction; {@code release} runs on close.
     */
    static Snapshot resident(Location source, Connection connection, Runnable release, Collection<TableCopy> copies,
            Map<String, Long> sourceRows) {
        return new Snapshot(source, connection, release).planned(copies, sourceRows);
    }

    /**
     * Copies the whole file with SQLite's backup API, then checks the copy: sqlite-jdbc's
     * restore can return without copying (e.g. a missing or non-database file). The file is
     * named by its read-only URI ({@link SqliteFiles#readOnlyUri}: any path, read-only media).
     * Where the backup API cannot read it (a {@code -wal} whose {@code -shm} this process may
     * not write), the copy is made through SQL instead: slower, same content.
     *
     * @throws SnapshotException if the file is missing, not a metadb file, or the copy failed
     */
    public static Snapshot of(Path db) {
        return take(db, c -> {
            if (SqliteFiles.backupCanRead(db)) {
                ((SQLiteConnection) c).getDatabase().restore("main", SqliteFiles.readOnlyUri(db), null);
            } else {
                copyBySql(c, db);
            }
        });
    }

    /**
     * The whole file into {@code c} through SQL, in one read transaction: each table (as
     * created in the file) with its stored columns' values, then its indexes and views.
     */
    private static void copyBySql(Connection c, Path db) throws SQLException {
        try (Statement s = c.createStatement()) {
            attachSource(s, db);
            s.execute("BEGIN");
            List<String[]> objects = new ArrayList<>();
            try (var rs = s.executeQuery("SELECT type, name, sql FROM src.sqlite_master WHERE sql IS NOT NULL"
                    + " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY type <> 'table', rowid")) {
                while (rs.next()) {
                    objects.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3)});
                }
            }
            for (String[] o : objects) {
                s.execute(o[2]);
                if (o[0].equals("table")) {
                    List<String> stored = new ArrayList<>();
                    try (var cols = s.executeQuery("SELECT name FROM pragma_table_xinfo(" + quote(o[1]) + ", 'src')"
                            + " WHERE hidden = 0 ORDER BY cid")) {
                        while (cols.next()) {
                            stored.add("\"" + cols.getString(1).replace("\"", "\"\"") + "\"");
                        }
                    }
                    String table = "\"" + o[1].replace("\"", "\"\"") + "\"";
                    String list = String.join(", ", stored);
                    s.execute("INSERT INTO main." + table + " (" + list + ") SELECT " + list + " FROM src." + table);
                }
            }
            s.execute("COMMIT");
            s.execute("DETACH DATABASE src");
        }
    }

    /**
     * Copies only {@code tables} (plus {@code meta}) in one read transaction on the file,
     * without the {@code row_json} envelope (reports read the typed columns, never the
     * JSON): cheaper than the whole file when a report reads a few tables. Columns are copied
     * as values (generated columns become plain ones; indexes are not copied).
     */
    public static Snapshot of(Path db, Collection<? extends Table<?>> tables) {
        return of(db, tables, null);
    }

    /**
     * Like {@link #of(Path, Collection)}, copying of each table with a {@code ts} only the
     * rows with {@code ts >= since}: all a windowed report reads (null copies every row).
     */
    public static Snapshot of(Path db, Collection<? extends Table<?>> tables, Instant since) {
        return copy(db, tables.stream().map(t -> TableCopy.of(t).within(since, null)).toList());
    }

    /**
     * Copies what {@code copies} select (plus the whole {@code meta} table) in one read
     * transaction on the file: of each table the chosen columns of the chosen rows, never
     * indexes. The copy also records how many rows each of those tables had in the file at
     * that instant ({@link #sourceRows}), whatever part of them was copied.
     *
     * @throws SnapshotException if the file is missing, not a metadb file, or the copy failed
     */
    public static Snapshot copy(Path db, Collection<TableCopy> copies) {
        checkDistinct(copies);
        Map<String, Long> rows = new HashMap<>();
        Snapshot snapshot = take(db, c -> {
            DSLContext dsl = sourceDsl(c);
            try (Statement s = c.createStatement()) {
                attachSource(s, db);
                s.execute("BEGIN");
                // Before copying: an older file lacks tables a report reads, which would fail
                // with "no such table" instead of saying what to do.
                checkVersion(c, "src", db);
                List<TableCopy> all = withMeta(copies);
                for (TableCopy t : all) {
                    dsl.createTable(t.table()).as(selectOf(t, inSource(t))).execute();
                }
                rows.putAll(counts(dsl, all, Snapshot::inSource));
                s.execute("COMMIT");
                s.execute("DETACH DATABASE src");
            }
        });
        return snapshot.planned(copies, rows);
    }

    /** Attaches {@code db} to the statement's connection as schema {@code src}, read-only (its read-only URI). */
    static void attachSource(Statement s, Path db) throws SQLException {
        s.execute("ATTACH DATABASE " + quote(SqliteFiles.readOnlyUri(db)) + " AS src");
    }

    /**
     * jOOQ over {@code c} rendering schemas: the file's tables are named "src"."t", and
     * metadb's usual settings leave schemas out of names, which would silently read the
     * copy's own "t" instead.
     */
    static DSLContext sourceDsl(Connection c) {
        DSLContext base = SqliteFiles.dsl(c);
        return DSL.using(base.configuration().derive(base.settings().withRenderSchema(true)));
    }

    /** {@code t}'s table in the attached file ({@link #attachSource}), under its own name. */
    static Table<?> inSource(TableCopy t) {
        return DSL.table(DSL.name("src", t.table().getName())).as(t.table().getName());
    }

    /** {@code copies} and, unless among them, the whole {@code meta} table (every snapshot checks its version). */
    static List<TableCopy> withMeta(Collection<TableCopy> copies) {
        List<TableCopy> all = new ArrayList<>(copies);
        if (copies.stream().noneMatch(t -> t.table().equals(META))) {
            all.add(TableCopy.of(META));
        }
        return all;
    }

    /** What {@code t} takes of {@code source} (the table as the engine names it): its columns of its rows. */
    private static Select<Record> selectOf(TableCopy t, Table<?> source) {
        Field<Instant> ts = t.latestOrder() == null ? null : t.latestOrder().ts();
        Field<Long> id = t.latestOrder() == null ? null : t.latestOrder().id();
        Condition where = t.rows();
        if (t.orLatest() != null && !where.equals(DSL.noCondition())) { // (every row already has it)
            // The subquery names its table as the outer one does: inside, the names are its own.
            where = where.or(id.eq(DSL.select(id).from(source).where(t.orLatest())
                    .orderBy(ts.desc(), id.desc()).limit(1).<Long>asField()));
        }
        var select = DSL.select(t.columns()).from(source).where(where);
        return t.latest() == 0 ? select : select.orderBy(ts.desc(), id.desc()).limit(t.latest());
    }

    /**
     * The rows of every table copied, in the source: one {@code count(*)} per table, which
     * SQLite answers from the b-tree's pages without reading a row (in one UNION ALL it reads
     * every row: 28 ms instead of 4 for the tables summary reads at 10x the live shape).
     */
    static Map<String, Long> counts(DSLContext dsl, List<TableCopy> all,
            java.util.function.Function<TableCopy, Table<?>> source) {
        Map<String, Long> rows = new HashMap<>();
        for (TableCopy t : all) {
            rows.put(t.table().getName(), (long) dsl.fetchCount(source.apply(t)));
        }
        return rows;
    }

    /** Records what this snapshot copied and the source's row counts; returns it. */
    private Snapshot planned(Collection<TableCopy> copies, Map<String, Long> rows) {
        sourceRows = rows;
        plan = new HashMap<>();
        copies.forEach(t -> plan.put(t.table().getName(), t));
        return this;
    }

    static void checkDistinct(Collection<TableCopy> copies) {
        if (copies.stream().map(t -> t.table().getName()).distinct().count() != copies.size()) {
            throw new IllegalArgumentException("a snapshot copies each table once: " + copies.stream()
                    .map(t -> t.table().getName()).toList());
        }
    }

    /** Like {@link #copy(Path, Collection)}, from a file or a PostgreSQL database. */
    public static Snapshot copy(Location db, Collection<TableCopy> copies) {
        return db.isPostgres() ? copyFromPostgres(db, copies) : copy(db.file(), copies);
    }

    /**
     * Copies what {@code copies} select from a PostgreSQL database into memory, inside one
     * {@code REPEATABLE READ READ ONLY} transaction (a consistent snapshot that blocks no
     * writer): the report then runs on SQLite exactly as on a copy of a file, so both engines
     * give the same rows. The selects are the same jOOQ queries, rendered for PostgreSQL, and
     * rows are streamed (a cursor of 10,000 rows at a time), never held whole in memory twice.
     */
    private static Snapshot copyFromPostgres(Location db, Collection<TableCopy> copies) {
        checkDistinct(copies);
        Connection memory;
        try {
            memory = SqliteFiles.memory();
        } catch (SQLException e) {
            throw new SnapshotException("cannot open an in-memory database: " + e.getMessage(), e);
        }
        Map<String, Long> rows = new HashMap<>();
        try (Connection pg = PgDatabases.readSnapshot(db)) {
            checkVersion(pg, null, db);
            DSLContext from = PgDatabases.dsl(pg);
            List<TableCopy> all = withMeta(copies);
            memory.setAutoCommit(false);
            for (TableCopy t : all) {
                Select<Record> select = selectOf(t, t.table());
                select.attach(from.configuration());
                copyRows(select.fetchSize(10_000), t, memory);
            }
            rows.putAll(counts(from, all, TableCopy::table));
            pg.commit();
            memory.commit();
            memory.setAutoCommit(true);
            Snapshot snapshot = new Snapshot(db, memory);
            snapshot.verify();
            return snapshot.planned(copies, rows);
        } catch (SQLException | RuntimeException e) {
            closeQuietly(memory);
            throw e instanceof SnapshotException se ? se
                    : new SnapshotException("cannot snapshot " + db + ": " + PgDatabases.reason(e), e);
        }
    }

    /**
     * Not a copy: a PostgreSQL database read in place, inside one {@code REPEATABLE READ READ
     * ONLY} transaction held until {@link #close()} (a consistent snapshot that blocks no
     * writer). Reports run on it render their jOOQ queries for PostgreSQL: what
     * {@link Reports#open} does on PostgreSQL, chosen against copying by measurement
     * ({@code metadb bench reports}; the README has the figures).
     */
    public static Snapshot inPlace(Location db) {
        if (!db.isPostgres()) {
            throw new IllegalArgumentException("in-place snapshots are PostgreSQL's: " + db + " is a file");
        }
        Connection pg = null;
        try {
            pg = PgDatabases.readSnapshot(db);
            checkVersion(pg, null, db);
            Snapshot snapshot = new Snapshot(db, pg);
            snapshot.dsl = PgDatabases.dsl(pg);
            return snapshot;
        } catch (SQLException | RuntimeException e) {
            if (pg != null) {
                closeQuietly(pg);
            }
            throw e instanceof SnapshotException se ? se
                    : new SnapshotException("cannot read " + db + ": " + PgDatabases.reason(e), e);
        }
    }

    /** Creates {@code t}'s table in {@code memory} (its columns, typed as in the file) and fills it from {@code query}. */
    private static void copyRows(org.jooq.ResultQuery<?> query, TableCopy t, Connection memory) throws SQLException {
        List<String> names = new ArrayList<>();
        List<String> defs = new ArrayList<>();
        for (Field<?> f : t.columns()) {
            String name = "\"" + f.getName().replace("\"", "\"\"") + "\"";
            names.add(name);
            Class<?> type = f.getConverter().fromType();
            defs.add(name + " " + (type == String.class ? "TEXT" : type == Double.class || type == Float.class ? "REAL"
                    : type == Boolean.class ? "BOOLEAN" : Number.class.isAssignableFrom(type) ? "INTEGER" : "BLOB"));
        }
        String table = "\"" + t.table().getName() + "\"";
        try (Statement s = memory.createStatement()) {
            s.execute("CREATE TABLE " + table + " (" + String.join(", ", defs) + ")");
        }
        int n = names.size();
        try (ResultSet rs = query.fetchResultSet();
             PreparedStatement insert = memory.prepareStatement("INSERT INTO " + table + " (" + String.join(", ", names)
                     + ") VALUES (" + "?, ".repeat(n - 1) + "?)")) {
            while (rs.next()) {
                for (int i = 1; i <= n; i++) {
                    Object v = rs.getObject(i);
                    insert.setObject(i, v instanceof Boolean b ? (b ? 1 : 0) : v);
                }
                insert.executeUpdate();
            }
        }
    }

    /**
     * What {@link #copy} takes of one table: some columns (by default all but
     * {@code row_json}) of the rows matching {@code rows}, or only the {@code latest} of those
     * (by ts desc, id desc; 0 for all); and, if {@code orLatest} is not null, also the latest
     * row matching it. Conditions are over the table's generated fields. {@code window} is
     * set when the rows are exactly those of a bounded ts window ({@link #within}) and
     * nothing else: what {@link ResidentCopies} keeps up to date hour by hour. Immutable.
     */
    public record TableCopy(Table<?> table, List<Field<?>> columns, Condition rows, int latest, Condition orLatest,
            Span window) {
        /** A closed ts window, {@code since <= ts <= until}. */
        public record Span(Instant since, Instant until) {}

        public TableCopy {
            columns = List.copyOf(columns);
            if (columns.isEmpty()) {
                throw new IllegalArgumentException("a copy of " + table.getName() + " needs a column");
            }
            for (Field<?> f : columns) {
                if (table.field(f) == null) {
                    throw new IllegalArgumentException(f + " is not a column of " + table.getName());
                }
            }
            if (latest < 0 || (latest > 0 || orLatest != null) && !(table instanceof RowTable)) {
                throw new IllegalArgumentException("cannot copy the latest rows of " + table.getName() + " (no ts and id)");
            }
        }

        /** Every row of {@code table}, every column but {@code row_json}. */
        public static TableCopy of(Table<?> table) {
            Field<String> rowJson = table instanceof JsonRowTable t ? t.rowJson() : null;
            List<Field<?>> columns = new ArrayList<>();
            for (Field<?> f : table.fields()) {
                if (!f.equals(rowJson)) {
                    columns.add(f);
                }
            }
            return new TableCopy(table, columns, DSL.noCondition(), 0, null, null);
        }

        /** The table's id and ts, which order "latest" rows; null if it has none. */
        RowTable latestOrder() {
            return table instanceof RowTable t ? t : null;
        }

        /**
         * Whether this copy holds all that {@code needed} selects: the same table and at least
         * its columns, and either every row or exactly the same selection of rows.
         */
        boolean covers(TableCopy needed) {
            if (!table.getName().equals(needed.table.getName()) || !columns.containsAll(needed.columns)) {
                return false;
            }
            boolean everyRow = rows.equals(DSL.noCondition()) && latest == 0 && orLatest == null;
            return everyRow || rows.equals(needed.rows) && latest == needed.latest
                    && java.util.Objects.equals(orLatest, needed.orLatest);
        }

        /** Only these columns. */
        public TableCopy columns(Field<?>... only) {
            return new TableCopy(table, List.of(only), rows, latest, orLatest, window);
        }

        /** Only the rows matching {@code condition} (and any condition given before). */
        public TableCopy where(Condition condition) {
            return new TableCopy(table, columns, rows.and(condition), latest, orLatest, null);
        }

        /**
         * Only the rows with {@code since <= ts <= until} (a window ending at "now"; no upper
         * bound if {@code until} is null), if the table has a ts and {@code since} is not null.
         */
        public TableCopy within(Instant since, Instant until) {
            if (since == null || !(table instanceof RowTable t)) {
                return this;
            }
            TableCopy windowed = where(until == null ? t.ts().ge(since) : t.ts().between(since, until));
            boolean onlyTheWindow = rows.equals(DSL.noCondition()) && latest == 0 && orLatest == null && until != null;
            return onlyTheWindow ? new TableCopy(table, columns, windowed.rows, 0, null, new Span(since, until)) : windowed;
        }

        /** Only the latest {@code n} rows (of those matching the conditions), by ts desc, id desc. */
        public TableCopy latest(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("latest rows must be >= 1, was " + n);
            }
            return new TableCopy(table, columns, rows, n, orLatest, null);
        }

        /**
         * Also the latest row (by ts desc, id desc) matching {@code condition}, whatever the
         * other conditions say: e.g. an agent's rows in a window and its last row of any age.
         */
        public TableCopy orLatest(Condition condition) {
            return new TableCopy(table, columns, rows, latest, condition, null);
        }
    }

    /**
     * How many rows {@code table} had in the file when this snapshot was taken, whether or
     * not all of them were copied.
     *
     * @throws IllegalArgumentException if the snapshot did not copy the table
     */
    public long sourceRows(Table<?> table) {
        if (sourceRows == null) {
            return dsl().fetchCount(table); // the whole file was copied
        }
        Long rows = sourceRows.get(table.getName());
        if (rows == null) {
            throw new IllegalArgumentException("this snapshot did not copy " + table.getName());
        }
        return rows;
    }

    /**
     * Checks that this snapshot holds what {@code needed} selects (a whole-file copy holds
     * everything; a targeted one only its own plan).
     *
     * @throws IllegalStateException naming the first table it lacks
     */
    void checkCovers(List<TableCopy> needed, String report) {
        if (plan == null) {
            return;
        }
        for (TableCopy t : needed) {
            TableCopy have = plan.get(t.table().getName());
            if (have == null || !have.covers(t)) {
                throw new IllegalStateException("this snapshot lacks what '" + report + "' reads of "
                        + t.table().getName() + (have == null ? " (not copied)" : " (other rows or columns were copied)")
                        + "; run it through Reports.open(file, now), or on Snapshot.of(file)");
            }
        }
    }

    private interface CopyInto {
        void into(Connection memory) throws SQLException;
    }

    /** Copies {@code db} into a new in-memory database and verifies the copy; nothing leaks on failure. */
    private static Snapshot take(Path db, CopyInto copy) {
        Connection c = openMemory(db);
        try {
            copy.into(c);
            Snapshot snapshot = new Snapshot(Location.of(db), c);
            snapshot.verify();
            SqliteFiles.tidy(db); // the copy read the file read-only: no -wal/-shm left behind by us
            return snapshot;
        } catch (SQLException | RuntimeException e) {
            closeQuietly(c);
            throw e instanceof SnapshotException se ? se
                    : new SnapshotException("cannot snapshot " + db + ": " + SqliteFiles.reason(e), e);
        }
    }

    /** {@code db} must exist and be readable here, or the one line saying why not. */
    static void checkReadable(Path db) {
        if (!Files.isRegularFile(db)) {
            throw new SnapshotException("no database at " + db + " (create one with: metadb --db " + db + " migrate)");
        }
        String unreadable = SqliteFiles.unreadableReason(db);
        if (unreadable != null) {
            throw new SnapshotException(unreadable, null);
        }
    }

    /** An empty in-memory database to read {@code db} through; the file must exist. */
    static Connection openMemory(Path db) {
        checkReadable(db);
        try {
            Connection c = SqliteFiles.memory();
            ((SQLiteConnection) c).setBusyTimeout(SqliteFiles.DEFAULT_BUSY_TIMEOUT_MS);
            return c;
        } catch (SQLException e) {
            throw new SnapshotException("cannot open an in-memory database: " + e.getMessage(), e);
        }
    }

    /**
     * A connection whose main database is {@code db} itself, read-only (SQLite refuses any
     * write to it), for reading inside one read transaction without copying. The connection
     * is not opened read-only as a whole, so that in-memory schemas can be attached to it
     * (the query surface's {@code information_schema}). Read-only media as in
     * {@link SqliteFiles#readOnlyUri}.
     *
     * @throws SnapshotException if the file is missing or cannot be read here
     */
    static Connection openLive(Path db) {
        checkReadable(db);
        try {
            return SqliteFiles.openReadOnly(db);
        } catch (SQLException e) {
            throw new SnapshotException("cannot read " + db + ": " + SqliteFiles.reason(e), e);
        }
    }

    /**
     * The copy must be a metadb file this library can read. Plain JDBC, not jOOQ: a snapshot
     * taken on a background thread at start-up must not wait for jOOQ's initialisation
     * (~100 ms of class set-up), which another thread does meanwhile.
     */
    private void verify() {
        checkVersion(connection, "main", source);
    }

    /** {@code schema} (of connection {@code c}) must be a metadb file of the version this library reads. */
    static void checkVersion(Connection c, String schema, Path source) {
        checkVersion(c, schema, Location.of(source));
    }

    /** Like {@link #checkVersion(Connection, String, Path)}, for a file or PostgreSQL database. */
    static void checkVersion(Connection c, String schema, Location source) {
        int v;
        try {
            v = SchemaVersion.read(c, schema);
        } catch (SQLException | IllegalStateException e) {
            throw new SnapshotException(source + " is not a metadb database (" + e.getMessage() + ")", e);
        }
        if (v == 0) {
            throw new SnapshotException(source + " is not a metadb database (no meta.schema_version)", null);
        }
        String mismatch = SchemaVersion.mismatch(source, v, "reads", "metadb migrate");
        if (mismatch != null) {
            throw new SnapshotException(mismatch, null);
        }
    }

    /** jOOQ over the copy (made on first use). */
    public DSLContext dsl() {
        if (dsl == null) {
            dsl = SqliteFiles.dsl(connection);
        }
        return dsl;
    }

    /**
     * Stops every later {@code query} and report run on this snapshot whose statements run
     * longer than {@code limit} in all (SQLite interrupts them; the run fails with one line).
     *
     * @return this snapshot
     */
    public Snapshot limitStatements(Duration limit) {
        if (limit.isZero() || limit.isNegative()) {
            throw new IllegalArgumentException("a statement limit must be positive, was " + limit);
        }
        this.statementLimit = limit;
        return this;
    }

    /** How long a run's statements on this snapshot may take (default {@link #DEFAULT_STATEMENT_LIMIT}). */
    public Duration statementLimit() {
        return statementLimit;
    }

    /** The copy's JDBC connection (for the read-only query surface). */
    public Connection connection() {
        return connection;
    }

    /**
     * The file this is a copy of.
     *
     * @throws IllegalStateException for a copy of a PostgreSQL database (see {@link #location()})
     */
    public Path source() {
        return source.file();
    }

    /** The database this is a copy of: a file or a PostgreSQL database. */
    public Location location() {
        return source;
    }

    /** Frees the copy (or hands the server's kept copies back). Idempotent; safe from any thread. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (release != null) {
            release.run();
        } else {
            closeQuietly(connection);
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // an in-memory database: closing frees it either way
        }
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    /** The snapshot could not be taken or is not a readable metadb copy. */
    public static final class SnapshotException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SnapshotException(String message, Throwable cause) {
            super(message, cause);
        }

        SnapshotException(String message) {
            super(message);
        }
    }
}
