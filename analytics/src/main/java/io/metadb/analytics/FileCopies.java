package io.metadb.analytics;

import static io.metadb.generated.Tables.META;

import io.metadb.analytics.Snapshot.SnapshotException;
import io.metadb.core.Identifiers;
import io.metadb.core.Engine;
import io.metadb.core.Location;
import io.metadb.core.SqliteFiles;
import io.metadb.generated.envelope.RowTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
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
 * Snapshots of a SQLite file: the whole file (SQLite's backup API), or what a report reads
 * (its {@link TableCopy} plan), each into a new in-memory database in one read transaction
 * on the file, and the helpers the server's kept copies share. Stateless.
 */
final class FileCopies {
    private FileCopies() {}

    /**
     * Copies the whole file with SQLite's backup API, then checks the copy: sqlite-jdbc's
     * restore can return without copying (e.g. a missing or non-database file). The file is
     * named by its read-only URI ({@link SqliteFiles#readOnlyUri}: any path, read-only media).
     * Where the backup API cannot read it (a {@code -wal} whose {@code -shm} this process may
     * not write), the copy is made through SQL instead: slower, same content.
     *
     * @throws SnapshotException if the file is missing, not a metadb file, or the copy failed
     */
    static Snapshot whole(Path db) {
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
                    try (var cols = s.executeQuery("SELECT name FROM pragma_table_xinfo(" + Identifiers.literal(o[1]) + ", 'src')"
                            + " WHERE hidden = 0 ORDER BY cid")) {
                        while (cols.next()) {
                            stored.add(Identifiers.quote(cols.getString(1)));
                        }
                    }
                    String table = Identifiers.quote(o[1]);
                    String list = String.join(", ", stored);
                    s.execute("INSERT INTO main." + table + " (" + list + ") SELECT " + list + " FROM src." + table);
                }
            }
            s.execute("COMMIT");
            s.execute("DETACH DATABASE src");
        }
    }

    /**
     * Copies what {@code copies} select (plus the whole {@code meta} table) in one read
     * transaction on the file: of each table the chosen columns of the chosen rows, never
     * indexes. The copy also records how many rows each of those tables had in the file at
     * that instant ({@link #sourceRows}), whatever part of them was copied.
     *
     * @throws SnapshotException if the file is missing, not a metadb file, or the copy failed
     */
    static Snapshot copy(Path db, Collection<TableCopy> copies) {
        checkDistinct(copies);
        Map<String, Long> rows = new HashMap<>();
        Map<String, Long> later = new HashMap<>();
        Snapshot snapshot = take(db, c -> {
            DSLContext dsl = sourceDsl(c);
            try (Statement s = c.createStatement()) {
                attachSource(s, db);
                s.execute("BEGIN");
                // Before copying: an older file lacks tables a report reads, which would fail
                // with "no such table" instead of saying what to do.
                Snapshot.checkVersion(c, "src", db);
                List<TableCopy> all = withMeta(copies);
                for (TableCopy t : all) {
                    dsl.createTable(t.table()).as(selectOf(t, inSource(t))).execute();
                }
                rows.putAll(counts(dsl, all, FileCopies::inSource));
                later.putAll(later(dsl, all, FileCopies::inSource));
                s.execute("COMMIT");
                s.execute("DETACH DATABASE src");
            }
        });
        return snapshot.planned(copies, rows, later);
    }

    /** Attaches {@code db} to the statement's connection as schema {@code src}, read-only (its read-only URI). */
    static void attachSource(Statement s, Path db) throws SQLException {
        s.execute("ATTACH DATABASE " + Identifiers.literal(SqliteFiles.readOnlyUri(db)) + " AS src");
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
    static Select<Record> selectOf(TableCopy t, Table<?> source) {
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

    /**
     * Of each table copied {@link TableCopy#countingUpTo} an instant, its rows in the source
     * after that instant: from the ts index, which holds few of them unless "now" is far in
     * the past (counting the rows up to it instead would read the whole index).
     */
    static Map<String, Long> later(DSLContext dsl, List<TableCopy> all,
            java.util.function.Function<TableCopy, Table<?>> source) {
        Map<String, Long> rows = new HashMap<>();
        for (TableCopy t : all) {
            if (t.countedUpTo() != null) {
                RowTable table = (RowTable) t.table();
                rows.put(t.table().getName(), (long) dsl.fetchCount(source.apply(t), table.ts().gt(t.countedUpTo())));
            }
        }
        return rows;
    }

    static void checkDistinct(Collection<TableCopy> copies) {
        if (copies.stream().map(t -> t.table().getName()).distinct().count() != copies.size()) {
            throw new IllegalArgumentException("a snapshot copies each table once: " + copies.stream()
                    .map(t -> t.table().getName()).toList());
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
            Snapshot snapshot = new Snapshot(Location.of(db), Engine.SQLITE, c, null);
            snapshot.verify();
            SqliteFiles.tidy(db); // the copy read the file read-only: no -wal/-shm left behind by us
            return snapshot;
        } catch (SQLException | RuntimeException e) {
            Snapshot.closeQuietly(c);
            throw e instanceof SnapshotException se ? se
                    : new SnapshotException("cannot snapshot " + db + ": " + SqliteFiles.reason(e), e);
        }
    }

    /** {@code db} must exist and be readable here, or the one line saying why not. */
    static void checkReadable(Path db) {
        if (!Files.isRegularFile(db)) {
            throw SnapshotException.noDatabase(db);
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

}
