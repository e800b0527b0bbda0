package io.metadb.dao;

import static io.metadb.generated.Tables.IDS;
import static io.metadb.generated.Tables.META;

import io.metadb.core.BadInputException;
import io.metadb.core.Location;
import io.metadb.core.PgDatabases;
import io.metadb.core.SchemaVersion;
import io.metadb.core.SqliteFiles;
import io.metadb.generated.DefaultSchema;
import io.metadb.generated.envelope.Envelope;
import io.metadb.generated.envelope.JsonRowTable;
import io.metadb.migrations.Migrations;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Table;
import org.jooq.impl.DSL;

/**
 * Copies every table of one metadb database into another, across engines (a SQLite file to
 * PostgreSQL to move a fleet up; PostgreSQL to a file for an offline copy). The source is
 * read in one read transaction (a consistent snapshot; its writers go on); the target is
 * written in one transaction, so a failure leaves it as it was. Both are at this library's
 * schema version (the target is created or migrated first). Ids are kept, and {@code ids} is
 * left above every copied id, so writers of the target never reuse one. A JSON-row table's
 * stored columns are copied ({@code id, ts, row_json}); the target computes its generated
 * columns. Stateless.
 */
public final class Copy {
    /** Rows per insert batch. */
    private static final int BATCH = 2_000;

    /** Rows copied per table, in copy order. */
    public record Result(Map<String, Long> rows) {
        public long total() {
            return rows.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** Told how far a table's copy got (rows so far of that table's total). */
    @FunctionalInterface
    public interface Progress {
        void at(String table, long copied, long total);
    }

    private Copy() {}

    /**
     * Copies {@code from} into {@code to}.
     *
     * @param append whether a target that already has rows is accepted (ids must then not
     *     collide: a collision fails the copy and writes nothing)
     * @throws BadInputException for a non-empty target without {@code append}, the same
     *     database on both sides, or a source at another schema version
     */
    public static Result run(Location from, Location to, boolean append, Progress progress) {
        if (from.engine().same(from, to)) {
            throw new BadInputException("copy: --from and --to are the same database (" + from + ")");
        }
        if (!from.engine().exists(from)) {
            throw new BadInputException("copy: no database at " + from);
        }
        int version = Migrations.schemaVersion(from);
        String mismatch = SchemaVersion.mismatch(from, version, "copies", "metadb --db SOURCE migrate");
        if (mismatch != null) {
            throw new BadInputException("copy: " + mismatch);
        }
        Migrations.apply(to);
        List<Table<?>> tables = DefaultSchema.DEFAULT_SCHEMA.getTables().stream().<Table<?>>map(t -> t)
                .filter(t -> !t.equals(META))
                .sorted(Comparator.comparing(Table::getName)).toList();
        try (Connection src = from.engine().readSnapshot(from);
             Connection dst = to.engine().connectForBatches(to)) {
            to.engine().beginWrite(dst);
            boolean committed = false;
            try {
                if (!append) {
                    refuseNonEmpty(to.engine().dsl(dst), to, tables);
                }
                Map<String, Long> copied = new LinkedHashMap<>();
                for (Table<?> t : tables) {
                    if (t.equals(IDS)) {
                        continue; // set from the copied rows below
                    }
                    copied.put(t.getName(), copyTable(from.engine().dsl(src), to.engine().dsl(dst), t, progress));
                }
                raiseIds(from.engine().dsl(src), to.engine().dsl(dst), tables);
                to.engine().commit(dst);
                committed = true;
                src.rollback();
                return new Result(copied);
            } finally {
                if (!committed) {
                    rollbackQuietly(dst);
                }
            }
        } catch (SQLException e) {
            String reason = reason(e);
            if ("23505".equals(e.getSQLState()) || reason.contains("UNIQUE constraint failed")) {
                throw new BadInputException("copy: a row of " + from + " has the key of a row already in " + to + " ("
                        + reason + "); nothing was written");
            }
            throw new IllegalStateException("copy from " + from + " to " + to + " failed: " + reason
                    + "; nothing was written", e);
        }
    }

    private static void refuseNonEmpty(DSLContext dst, Location to, List<Table<?>> tables) {
        List<String> nonEmpty = new ArrayList<>();
        for (Table<?> t : tables) {
            if (dst.fetchExists(t)) {
                nonEmpty.add(t.getName());
            }
        }
        if (!nonEmpty.isEmpty()) {
            throw new BadInputException("copy: " + to + " already has rows (in " + String.join(", ",
                    nonEmpty.subList(0, Math.min(4, nonEmpty.size()))) + (nonEmpty.size() > 4 ? ", …" : "")
                    + "); pass --append to add to them, or copy to an empty database");
        }
    }

    /**
     * Copies every row of {@code t} (a JSON-row table: its stored columns; SQLite and
     * PostgreSQL compute the rest), streamed in batches. Plain JDBC on statements jOOQ
     * rendered from the generated table: each engine's own SQL, no row held twice.
     */
    private static long copyTable(DSLContext from, DSLContext to, Table<?> t, Progress progress) throws SQLException {
        List<Field<?>> columns = new ArrayList<>();
        if (t instanceof JsonRowTable) {
            for (String name : List.of(Envelope.ID, Envelope.TS, Envelope.ROW_JSON)) {
                columns.add(t.field(name));
            }
        } else {
            columns.addAll(List.of(t.fields()));
        }
        long total = from.fetchCount(t);
        long copied = 0;
        Connection src = from.configuration().connectionProvider().acquire();
        Connection dst = to.configuration().connectionProvider().acquire();
        try (Statement read = src.createStatement();
             PreparedStatement insert = dst.prepareStatement(to.render(to.insertInto(t).columns(columns)
                     .values(java.util.Collections.nCopies(columns.size(), null))))) {
            read.setFetchSize(BATCH);
            try (ResultSet rs = read.executeQuery(from.render(from.select(columns).from(t).orderBy(DSL.inline(1))))) {
                int n = columns.size();
                while (rs.next()) {
                    for (int i = 1; i <= n; i++) {
                        Object v = rs.getObject(i);
                        insert.setObject(i, v instanceof Integer x ? Long.valueOf(x) : v);
                    }
                    insert.addBatch();
                    if (++copied % BATCH == 0) {
                        insert.executeBatch();
                        progress.at(t.getName(), copied, total);
                    }
                }
            }
            insert.executeBatch();
        }
        progress.at(t.getName(), copied, total);
        return copied;
    }

    /**
     * {@code ids} of the target: for every name either side knows, the highest of the two
     * {@code ids} values and the table's highest id, so that no copied or earlier id is handed
     * out again.
     */
    private static void raiseIds(DSLContext src, DSLContext dst, List<Table<?>> tables) {
        Map<String, Long> high = new LinkedHashMap<>();
        for (DSLContext dsl : List.of(src, dst)) {
            dsl.select(IDS.NAME, IDS.ID).from(IDS).forEach(r -> high.merge(r.value1(), r.value2(), Math::max));
        }
        for (Table<?> t : tables) {
            @SuppressWarnings("unchecked")
            Field<Long> id = (Field<Long>) t.field(Envelope.ID);
            if (id != null) {
                Long top = dst.select(DSL.max(id)).from(t).fetchOne(0, Long.class);
                long max = top == null ? 0 : top;
                if (max > 0 || high.containsKey(t.getName())) {
                    high.merge(t.getName(), max, Math::max);
                }
            }
        }
        for (Map.Entry<String, Long> e : high.entrySet()) {
            if (dst.update(IDS).set(IDS.ID, e.getValue()).where(IDS.NAME.eq(e.getKey())).execute() == 0) {
                dst.insertInto(IDS, IDS.NAME, IDS.ID).values(e.getKey(), e.getValue()).execute();
            }
        }
    }

    private static String reason(SQLException e) {
        String r = SqliteFiles.reason(e);
        return r.startsWith("ERROR: ") ? PgDatabases.reason(e) : r;
    }

    private static void rollbackQuietly(Connection c) {
        try {
            if (c.getAutoCommit()) {
                if (!c.isClosed()) {
                    try (Statement s = c.createStatement()) {
                        s.execute("ROLLBACK");
                    }
                }
            } else {
                c.rollback();
            }
        } catch (SQLException ignored) {
            // nothing was committed either way
        }
    }
}
