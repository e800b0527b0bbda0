package io.metadb.analytics;

import io.metadb.core.SchemaVersion;
import io.metadb.core.Engine;
import io.metadb.core.Location;
import io.metadb.core.SqliteFiles;
import io.metadb.generated.envelope.RowTable;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;
import org.jooq.Table;
import org.jooq.impl.DSL;

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
    private final Engine engine;
    private final Connection connection;
    /** Run by {@link #close()} instead of closing the connection (a resident copy's); null otherwise. */
    private final Runnable release;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
    private Duration statementLimit = DEFAULT_STATEMENT_LIMIT;
    private DSLContext dsl;
    /** Row counts of the copied tables in the file, by table name; null for a whole-file copy. */
    private Map<String, Long> sourceRows;
    /** Of the tables copied {@link TableCopy#countingUpTo} an instant, their rows in the file after it. */
    private Map<String, Long> laterRows;
    /** What was copied, by table name; null for a whole-file copy. */
    private Map<String, TableCopy> plan;

    /**
     * A snapshot over {@code connection}, a connection of {@code engine} (an in-memory copy is
     * SQLite's whatever it copied); {@code release} runs on close instead of closing it (null: close it).
     */
    Snapshot(Location source, Engine engine, Connection connection, Runnable release) {
        this.source = source;
        this.engine = engine;
        this.connection = connection;
        this.release = release;
    }

    /** The engine the snapshot's connection speaks: SQLite for every copy, PostgreSQL read in place. */
    public Engine engine() {
        return engine;
    }

    /**
     * A snapshot over {@link ResidentCopies}' connection, which holds (at least) what
     * {@code copies} select as of one read transaction; {@code release} runs on close.
     */
    static Snapshot resident(Location source, Connection connection, Runnable release, Collection<TableCopy> copies,
            Map<String, Long> sourceRows, Map<String, Long> laterRows) {
        return new Snapshot(source, Engine.SQLITE, connection, release).planned(copies, sourceRows, laterRows);
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
        return FileCopies.whole(db);
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
        return FileCopies.copy(db, copies);
    }

    /** Like {@link #copy(Path, Collection)}, from a file or a PostgreSQL database: the one place that picks the engine's. */
    public static Snapshot copy(Location db, Collection<TableCopy> copies) {
        return switch (db.engine()) {
            case SQLITE -> FileCopies.copy(db.file(), copies);
            case POSTGRESQL -> PgCopies.copy(db, copies);
        };
    }

    /**
     * Not a copy: a PostgreSQL database read in place, inside one {@code REPEATABLE READ READ
     * ONLY} transaction held until {@link #close()} (a consistent snapshot that blocks no
     * writer). Reports run on it render their jOOQ queries for PostgreSQL: what
     * {@link RowSource#of} does on PostgreSQL, chosen against copying by measurement
     * ({@code metadb bench reports}; docs/benchmarks.md has the figures).
     *
     * @throws IllegalArgumentException for a file
     */
    public static Snapshot inPlace(Location db) {
        return switch (db.engine()) {
            case SQLITE -> throw new IllegalArgumentException("in-place snapshots are PostgreSQL's: " + db + " is a file");
            case POSTGRESQL -> PgCopies.inPlace(db);
        };
    }

    /** Records what this snapshot copied and the source's row counts; returns it. */
    Snapshot planned(Collection<TableCopy> copies, Map<String, Long> rows, Map<String, Long> later) {
        sourceRows = rows;
        laterRows = later;
        plan = new HashMap<>();
        copies.forEach(t -> plan.put(t.table().getName(), t));
        return this;
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
     * How many rows {@code table} had in the file with {@code ts <= upTo} when this snapshot
     * was taken, whether or not all of them were copied: what a report counts as a table's
     * rows, since no report counts a row after its "now".
     *
     * @throws IllegalArgumentException if the snapshot did not count the table up to {@code upTo}
     *     ({@link TableCopy#countingUpTo})
     */
    public long sourceRows(RowTable table, Instant upTo) {
        if (sourceRows == null) {
            return dsl().fetchCount(table.table(), table.ts().le(upTo)); // the whole file is here
        }
        TableCopy copied = plan.get(table.table().getName());
        if (copied == null || !upTo.equals(copied.countedUpTo())) {
            throw new IllegalArgumentException("this snapshot did not count " + table.table().getName() + " up to " + upTo);
        }
        return sourceRows(table.table()) - laterRows.get(table.table().getName());
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

    /**
     * The copy must be a metadb file this library can read. Plain JDBC, not jOOQ: a snapshot
     * taken on a background thread at start-up must not wait for jOOQ's initialisation
     * (~100 ms of class set-up), which another thread does meanwhile.
     */
    void verify() {
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

    /**
     * Every statement a run on this snapshot sends goes to {@code listener} first: how the
     * copy-plan check ({@code CopyPlanDerivationTest}) sees which columns a report's queries
     * name. Package-private: not an extension point.
     */
    Snapshot listenedBy(org.jooq.ExecuteListener listener) {
        dsl = DSL.using(engine.dsl(connection).configuration()
                .derive(new org.jooq.impl.DefaultExecuteListenerProvider(listener)));
        return this;
    }

    /** jOOQ over the copy (made on first use). */
    public DSLContext dsl() {
        if (dsl == null) {
            dsl = engine.dsl(connection);
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

    static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // an in-memory database: closing frees it either way
        }
    }

    /** The snapshot could not be taken or is not a readable metadb copy. */
    public static final class SnapshotException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient Path missing;

        SnapshotException(String message, Throwable cause) {
            super(message, cause);
            this.missing = null;
        }

        SnapshotException(String message) {
            super(message);
            this.missing = null;
        }

        /** "No database at {@code path}": the file is not there. */
        static SnapshotException noDatabase(Path path) {
            return new SnapshotException(path);
        }

        private SnapshotException(Path missing) {
            super("no database at " + missing + " (Migrations.apply(path) or MetaDb.open(path) creates one)");
            this.missing = missing;
        }

        /**
         * Where a database file was expected and none is, if that is what went wrong (a command
         * line can then say how to make one in its own words).
         */
        public java.util.Optional<Path> missingDatabase() {
            return java.util.Optional.ofNullable(missing);
        }
    }
}
