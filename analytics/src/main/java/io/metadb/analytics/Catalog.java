package io.metadb.analytics;

import io.metadb.core.BadInputException;
import io.metadb.core.Engine;
import io.metadb.generated.DefaultSchema;
import io.metadb.generated.envelope.JsonRowTable;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.jooq.Field;
import org.jooq.DSLContext;
import org.jooq.Table;
import org.jooq.impl.DSL;

/**
 * The schema at hand ({@code metadb tables}, {@code metadb schema}): every table of a metadb
 * file with its kind and row count, and every column as the file declares it. Read in one
 * read transaction on the file (attached read-only to an empty in-memory database: nothing
 * is copied), so it never blocks a writer. Stateless.
 */
public final class Catalog {
    /** What a table is for. */
    public enum Kind {
        /** Envelope (id, ts, row_json) and one generated column per payload key. */
        JSON_ROW,
        /** Control-plane state read without parsing JSON (meta, ids, source_cursors, events). */
        FIXED,
        /** Daily rollups written by retention. */
        ROLLUP;

        /** As shown: {@code json-row}, {@code fixed}, {@code rollup}. */
        @Override
        public String toString() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    /** One table: its kind and how many rows the file has. */
    public record TableInfo(String tableName, String kind, long rows) {}

    /**
     * One column as the file declares it; {@code payloadKey} is the JSON key a generated
     * column is extracted from (null for a stored column).
     */
    public record ColumnInfo(String tableName, String columnName, String dataType, boolean nullable, String payloadKey) {}

    private Catalog() {}

    /** Every metadb table of the file, by name. */
    public static List<TableInfo> tables(Path db) {
        return read(db, c -> tableInfos(FileCopies.sourceDsl(c), t -> DSL.table(DSL.name("src", t.getName()))));
    }

    /** Each metadb table with its row count, counted in {@code source}'s table of that name. */
    private static List<TableInfo> tableInfos(DSLContext dsl, java.util.function.UnaryOperator<Table<?>> source) {
        List<TableInfo> out = new ArrayList<>();
        for (Table<?> t : metadbTables()) {
            out.add(new TableInfo(t.getName(), kindOf(t).toString(), dsl.fetchCount(source.apply(t))));
        }
        return out;
    }

    /**
     * The columns of one table, or of every table (null), in table then declaration order.
     *
     * @throws IllegalArgumentException naming the tables if there is no table {@code table}
     */
    public static List<ColumnInfo> columns(Path db, String table) {
        List<Table<?>> chosen = chosen(table);
        return read(db, c -> {
            List<ColumnInfo> out = new ArrayList<>();
            for (Table<?> t : chosen) {
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT name, type, \"notnull\", hidden, pk FROM pragma_table_xinfo(?, 'src') ORDER BY cid")) {
                    ps.setString(1, t.getName());
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            boolean generated = rs.getInt(4) == 2 || rs.getInt(4) == 3;
                            // An INTEGER PRIMARY KEY is the rowid: never null, though not declared NOT NULL.
                            boolean rowid = rs.getInt(5) > 0 && "INTEGER".equalsIgnoreCase(rs.getString(2));
                            out.add(new ColumnInfo(t.getName(), rs.getString(1), rs.getString(2), rs.getInt(3) == 0 && !rowid,
                                    generated ? rs.getString(1) : null));
                        }
                    }
                }
            }
            return out;
        });
    }

    /** Like {@link #tables(Path)}, for a file or a PostgreSQL database. */
    public static List<TableInfo> tables(io.metadb.core.Location db) {
        return switch (db.engine()) {
            case SQLITE -> tables(db.file());
            case POSTGRESQL -> readPostgres(db, c -> tableInfos(Engine.POSTGRESQL.dsl(c), t -> t));
        };
    }

    /**
     * Like {@link #columns(Path, String)}, for a file or a PostgreSQL database (whose types
     * are PostgreSQL's: {@code bigint}, {@code double precision}, {@code boolean}, {@code text}).
     */
    public static List<ColumnInfo> columns(io.metadb.core.Location db, String table) {
        return switch (db.engine()) {
            case SQLITE -> columns(db.file(), table);
            case POSTGRESQL -> postgresColumns(db, chosen(table));
        };
    }

    private static List<ColumnInfo> postgresColumns(io.metadb.core.Location db, List<Table<?>> chosen) {
        return readPostgres(db, c -> {
            List<ColumnInfo> out = new ArrayList<>();
            for (Table<?> t : chosen) {
                try (PreparedStatement ps = c.prepareStatement("SELECT column_name, data_type, is_nullable, is_generated"
                        + " FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ?"
                        + " ORDER BY ordinal_position")) {
                    ps.setString(1, t.getName());
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            out.add(new ColumnInfo(t.getName(), rs.getString(1), rs.getString(2),
                                    rs.getString(3).equals("YES"), rs.getString(4).equals("ALWAYS") ? rs.getString(1) : null));
                        }
                    }
                }
            }
            return out;
        });
    }

    /** Reads a PostgreSQL database in one {@code REPEATABLE READ READ ONLY} transaction, after the version check. */
    private static <T> T readPostgres(io.metadb.core.Location db, Reading<T> reading) {
        try (Connection c = io.metadb.core.PgDatabases.readSnapshot(db)) {
            Snapshot.checkVersion(c, null, db);
            T result = reading.read(c);
            c.rollback();
            return result;
        } catch (SQLException | org.jooq.exception.DataAccessException e) {
            throw new Snapshot.SnapshotException("cannot read " + db + ": " + io.metadb.core.PgDatabases.reason(e), e);
        }
    }

    private static List<Table<?>> chosen(String table) {
        List<Table<?>> tables = metadbTables();
        if (table != null) {
            tables = tables.stream().filter(t -> t.getName().equals(table)).toList();
            if (tables.isEmpty()) {
                throw new BadInputException("unknown table '" + table + "'; tables are: "
                        + String.join(", ", metadbTables().stream().map(Table::getName).toList()));
            }
        }
        return tables;
    }

    /** The tables of the generated classes (the schema's own), by name. */
    private static List<Table<?>> metadbTables() {
        return DefaultSchema.DEFAULT_SCHEMA.getTables().stream().<Table<?>>map(t -> t)
                .sorted(Comparator.comparing(Table::getName)).toList();
    }

    private static Kind kindOf(Table<?> t) {
        if (t instanceof JsonRowTable) {
            return Kind.JSON_ROW;
        }
        for (Field<?> f : t.fields()) {
            if (f.getType() == LocalDate.class) {
                return Kind.ROLLUP; // rollups are keyed by day
            }
        }
        return Kind.FIXED;
    }

    private interface Reading<T> {
        T read(Connection c) throws SQLException;
    }

    /** Reads {@code db} attached read-only, in one read transaction, as a snapshot does (same checks, same errors). */
    private static <T> T read(Path db, Reading<T> reading) {
        try (Connection c = FileCopies.openMemory(db); Statement s = c.createStatement()) {
            FileCopies.attachSource(s, db);
            s.execute("BEGIN");
            Snapshot.checkVersion(c, "src", db);
            T result = reading.read(c);
            s.execute("COMMIT");
            return result;
        } catch (SQLException | org.jooq.exception.DataAccessException e) {
            throw new Snapshot.SnapshotException("cannot read " + db + ": " + e.getMessage(), e);
        }
    }
}
