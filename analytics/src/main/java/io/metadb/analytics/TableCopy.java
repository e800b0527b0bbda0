package io.metadb.analytics;

import io.metadb.generated.envelope.JsonRowTable;
import io.metadb.generated.envelope.RowTable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jooq.Condition;
import org.jooq.Field;
import org.jooq.Table;
import org.jooq.impl.DSL;

/**
 * What {@link Snapshot#copy} takes of one table: some columns (by default all but
 * {@code row_json}) of the rows matching {@code rows}, or only the {@code latest} of those
 * (by ts desc, id desc; 0 for all); and, if {@code orLatest} is not null, also the latest
 * row matching it. Conditions are over the table's generated fields. {@code window} is
 * set when the rows are exactly those of a bounded ts window ({@link #within}) and
 * nothing else: what {@link ResidentCopies} keeps up to date hour by hour. {@code countedUpTo},
 * if not null, asks the snapshot to count the table's rows in the source up to that ts
 * ({@link Snapshot#sourceRows(RowTable, Instant)}), whatever part of them is copied. Immutable.
 */
public record TableCopy(Table<?> table, List<Field<?>> columns, Condition rows, int latest, Condition orLatest,
        Span window, Instant countedUpTo) {
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
        if (countedUpTo != null && !(table instanceof RowTable)) {
            throw new IllegalArgumentException("cannot count " + table.getName() + "'s rows up to a ts (it has none)");
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
        return new TableCopy(table, columns, DSL.noCondition(), 0, null, null, null);
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
        return new TableCopy(table, List.of(only), rows, latest, orLatest, window, countedUpTo);
    }

    /** Only the rows matching {@code condition} (and any condition given before). */
    public TableCopy where(Condition condition) {
        return new TableCopy(table, columns, rows.and(condition), latest, orLatest, null, countedUpTo);
    }

    /**
     * Only the rows with {@code since <= ts <= until} (a window ending at "now"; no lower
     * bound if {@code since} is null, no upper one if {@code until} is), if the table has a ts.
     */
    public TableCopy within(Instant since, Instant until) {
        if (since == null && until == null || !(table instanceof RowTable t)) {
            return this;
        }
        TableCopy windowed = where(until == null ? t.ts().ge(since) : since == null ? t.ts().le(until) : t.ts().between(since, until));
        boolean onlyTheWindow = rows.equals(DSL.noCondition()) && latest == 0 && orLatest == null && since != null && until != null;
        return onlyTheWindow ? new TableCopy(table, columns, windowed.rows, 0, null, new Span(since, until), countedUpTo) : windowed;
    }

    /** Only the latest {@code n} rows (of those matching the conditions), by ts desc, id desc. */
    public TableCopy latest(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("latest rows must be >= 1, was " + n);
        }
        return new TableCopy(table, columns, rows, n, orLatest, null, countedUpTo);
    }

    /**
     * Also the latest row (by ts desc, id desc) matching {@code condition}, whatever the
     * other conditions say: e.g. an agent's rows in a window and its last row of any age.
     */
    public TableCopy orLatest(Condition condition) {
        return new TableCopy(table, columns, rows, latest, condition, null, countedUpTo);
    }

    /**
     * Also counts the table's rows in the source with {@code ts <= now}, all of them, whatever
     * this copy takes: a report's "rows" that must not count rows after its "now".
     */
    public TableCopy countingUpTo(Instant now) {
        return new TableCopy(table, columns, rows, latest, orLatest, window, now);
    }
}
