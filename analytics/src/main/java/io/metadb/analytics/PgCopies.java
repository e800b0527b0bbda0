package io.metadb.analytics;

import io.metadb.analytics.Snapshot.SnapshotException;
import io.metadb.core.Identifiers;
import io.metadb.core.Engine;
import io.metadb.core.Location;
import io.metadb.core.PgDatabases;
import io.metadb.core.SqliteFiles;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Select;

/**
 * Snapshots of a PostgreSQL database: what a report reads copied into memory (the report
 * then runs on SQLite, as on a copy of a file), or the database read in place inside one
 * {@code REPEATABLE READ READ ONLY} transaction. Stateless.
 */
final class PgCopies {
    private PgCopies() {}

    /**
     * Copies what {@code copies} select from a PostgreSQL database into memory, inside one
     * {@code REPEATABLE READ READ ONLY} transaction (a consistent snapshot that blocks no
     * writer): the report then runs on SQLite exactly as on a copy of a file, so both engines
     * give the same rows. The selects are the same jOOQ queries, rendered for PostgreSQL, and
     * rows are streamed (a cursor of 10,000 rows at a time), never held whole in memory twice.
     */
    static Snapshot copy(Location db, Collection<TableCopy> copies) {
        FileCopies.checkDistinct(copies);
        Connection memory;
        try {
            memory = SqliteFiles.memory();
        } catch (SQLException e) {
            throw new SnapshotException("cannot open an in-memory database: " + e.getMessage(), e);
        }
        Map<String, Long> rows = new HashMap<>();
        try (Connection pg = PgDatabases.readSnapshot(db)) {
            Snapshot.checkVersion(pg, null, db);
            DSLContext from = PgDatabases.dsl(pg);
            List<TableCopy> all = FileCopies.withMeta(copies);
            memory.setAutoCommit(false);
            for (TableCopy t : all) {
                Select<Record> select = FileCopies.selectOf(t, t.table());
                select.attach(from.configuration());
                copyRows(select.fetchSize(10_000), t, memory);
            }
            rows.putAll(FileCopies.counts(from, all, TableCopy::table));
            Map<String, Long> later = FileCopies.later(from, all, TableCopy::table);
            pg.commit();
            memory.commit();
            memory.setAutoCommit(true);
            Snapshot snapshot = new Snapshot(db, Engine.SQLITE, memory, null);
            snapshot.verify();
            return snapshot.planned(copies, rows, later);
        } catch (SQLException | RuntimeException e) {
            Snapshot.closeQuietly(memory);
            throw e instanceof SnapshotException se ? se
                    : new SnapshotException("cannot snapshot " + db + ": " + PgDatabases.reason(e), e);
        }
    }

    /**
     * Not a copy: a PostgreSQL database read in place, inside one {@code REPEATABLE READ READ
     * ONLY} transaction held until {@link #close()} (a consistent snapshot that blocks no
     * writer). Reports run on it render their jOOQ queries for PostgreSQL: what
     * {@link RowSource#of} does on PostgreSQL, chosen against copying by measurement
     * ({@code metadb bench reports}; the README has the figures).
     */
    static Snapshot inPlace(Location db) {
        Connection pg = null;
        try {
            pg = PgDatabases.readSnapshot(db);
            Snapshot.checkVersion(pg, null, db);
            return new Snapshot(db, Engine.POSTGRESQL, pg, null);
        } catch (SQLException | RuntimeException e) {
            if (pg != null) {
                Snapshot.closeQuietly(pg);
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
            String name = Identifiers.quote(f.getName());
            names.add(name);
            Class<?> type = f.getConverter().fromType();
            defs.add(name + " " + (type == String.class ? "TEXT" : type == Double.class || type == Float.class ? "REAL"
                    : type == Boolean.class ? "BOOLEAN" : Number.class.isAssignableFrom(type) ? "INTEGER" : "BLOB"));
        }
        String table = Identifiers.quote(t.table().getName());
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
}
