package io.metadb.analytics;

import static io.metadb.generated.Tables.MESSAGES;
import static io.metadb.generated.Tables.META;

import io.metadb.migrations.Migrations;
import io.metadb.migrations.internal.SqliteFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.sqlite.SQLiteConnection;

/**
 * An in-memory SQLite copy of a {@code meta.db}, taken consistently (one read transaction)
 * while other processes keep writing. Reports run on it and never touch the live file.
 * {@link #close()} frees its memory. One connection; not thread-safe.
 */
public final class Snapshot implements AutoCloseable {
    private final Path source;
    private final Connection connection;
    private DSLContext dsl;

    private Snapshot(Path source, Connection connection) {
        this.source = source;
        this.connection = connection;
    }

    /**
     * Copies the whole file with SQLite's backup API, then checks the copy: sqlite-jdbc's
     * restore can return without copying (e.g. a missing or non-database file).
     *
     * @throws SnapshotException if the file is missing, not a metadb file, or the copy failed
     */
    public static Snapshot of(Path db) {
        return take(db, c -> {
            try (Statement s = c.createStatement()) {
                s.executeUpdate("restore from " + quote(db.toAbsolutePath().toString()));
            }
        });
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
    public static Snapshot of(Path db, Collection<? extends Table<?>> tables, java.time.Instant since) {
        return take(db, c -> {
            DSLContext dsl = SqliteFiles.dsl(c);
            try (Statement s = c.createStatement()) {
                s.execute("ATTACH DATABASE " + quote("file:" + db.toAbsolutePath() + "?mode=ro") + " AS src");
                s.execute("BEGIN");
                List<Table<?>> all = new ArrayList<>(tables);
                if (!all.contains(META)) {
                    all.add(META);
                }
                for (Table<?> t : all) {
                    List<org.jooq.Field<?>> columns = new ArrayList<>();
                    for (org.jooq.Field<?> f : t.fields()) {
                        if (!f.getName().equals(MESSAGES.ROW_JSON.getName())) {
                            columns.add(DSL.field(DSL.name(f.getName())));
                        }
                    }
                    org.jooq.Condition window = since == null || t.field(MESSAGES.TS.getName()) == null ? DSL.noCondition()
                            : DSL.field(DSL.name(MESSAGES.TS.getName()), String.class)
                                    .ge(io.metadb.generated.convert.InstantConverter.format(since));
                    dsl.createTable(t).as(DSL.select(columns).from(DSL.table(DSL.name("src", t.getName()))).where(window))
                            .execute();
                }
                s.execute("COMMIT");
                s.execute("DETACH DATABASE src");
            }
        });
    }

    private interface Copy {
        void into(Connection memory) throws SQLException;
    }

    /** Copies {@code db} into a new in-memory database and verifies the copy; nothing leaks on failure. */
    private static Snapshot take(Path db, Copy copy) {
        Connection c = openMemory(db);
        try {
            copy.into(c);
            Snapshot snapshot = new Snapshot(db, c);
            snapshot.verify();
            return snapshot;
        } catch (SQLException | RuntimeException e) {
            closeQuietly(c);
            throw e instanceof SnapshotException se ? se
                    : new SnapshotException("cannot snapshot " + db + ": " + e.getMessage(), e);
        }
    }

    private static Connection openMemory(Path db) {
        if (!Files.isRegularFile(db)) {
            throw new SnapshotException("no database at " + db + " (create one with: metadb --db " + db + " migrate)");
        }
        try {
            // The driver directly: DriverManager would first scan every jar for drivers.
            Connection c = new org.sqlite.JDBC().connect("jdbc:sqlite::memory:", new java.util.Properties());
            ((SQLiteConnection) c).setBusyTimeout(SqliteFiles.DEFAULT_BUSY_TIMEOUT_MS);
            return c;
        } catch (SQLException e) {
            throw new SnapshotException("cannot open an in-memory database: " + e.getMessage(), e);
        }
    }

    /**
     * The copy must be a metadb file this library can read. Plain JDBC, not jOOQ: a snapshot
     * taken on a background thread at start-up must not wait for jOOQ's initialisation
     * (~100 ms of class set-up), which another thread does meanwhile.
     */
    private void verify() {
        String version;
        try (PreparedStatement ps = connection.prepareStatement("SELECT value FROM meta WHERE key = ?")) {
            ps.setString(1, Migrations.SCHEMA_VERSION_KEY);
            try (ResultSet rs = ps.executeQuery()) {
                version = rs.next() ? rs.getString(1) : null;
            }
        } catch (SQLException e) {
            throw new SnapshotException(source + " is not a metadb database (no meta table in the copy: "
                    + e.getMessage() + ")", e);
        }
        if (version == null) {
            throw new SnapshotException(source + " is not a metadb database (no meta.schema_version)", null);
        }
        int v = Integer.parseInt(version.trim());
        if (v != Migrations.HEAD_VERSION) {
            throw new SnapshotException(source + " has schema version " + v + "; this metadb reads version "
                    + Migrations.HEAD_VERSION + (v < Migrations.HEAD_VERSION ? " (run: metadb migrate)" : " (upgrade metadb)"), null);
        }
    }

    /** jOOQ over the copy (made on first use). */
    public DSLContext dsl() {
        if (dsl == null) {
            dsl = SqliteFiles.dsl(connection);
        }
        return dsl;
    }

    /** The copy's JDBC connection (for the read-only query surface). */
    public Connection connection() {
        return connection;
    }

    /** The file this is a copy of. */
    public Path source() {
        return source;
    }

    @Override
    public void close() {
        closeQuietly(connection);
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
