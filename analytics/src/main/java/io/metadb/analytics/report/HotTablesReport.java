package io.metadb.analytics.report;

import static org.jooq.impl.DSL.count;
import static org.jooq.impl.DSL.inline;
import static org.jooq.impl.DSL.select;

import io.metadb.analytics.Args;
import io.metadb.analytics.Column;
import io.metadb.analytics.Report;
import io.metadb.analytics.ReportContext;
import io.metadb.analytics.Request;
import io.metadb.analytics.TableCopy;
import io.metadb.generated.envelope.RowTable;
import io.metadb.generated.envelope.RowTables;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.jooq.Record2;
import org.jooq.Select;

/** {@code hot-tables}: rows and rows in the last 24 hours per table (JSON-row tables and events); rows desc, table_name. */
public final class HotTablesReport extends Report<HotTablesReport.Params, HotTablesReport.Row> {
    /** No parameters. */
    public record Params() {}

    public record Row(String tableName, long rows, @Column("rows_24h") long rows24h) {}

    public static final HotTablesReport REPORT = new HotTablesReport();

    private HotTablesReport() {
        super("hot-tables", Row.class, Shape.ROWS, "Rows and rows in the last 24 h per table (JSON-row tables and events).",
                List.of(), List.of("hot-tables"));
    }

    public static Request<Params, Row> of() {
        return REPORT.request(new Params());
    }

    @Override
    protected Params params(Args args) {
        return new Params();
    }

    /** The ts of each table's rows of the 24 hours before {@code now} (and each table's row count up to now in the file). */
    @Override
    public List<TableCopy> reads(Params params, Instant now) {
        Instant cutoff = now.minus(Duration.ofHours(24));
        return RowTables.rowTables().stream().map(t -> TableCopy.of(t.table()).columns(t.ts()).within(cutoff, now).countingUpTo(now)).toList();
    }

    @Override
    protected List<Row> run(ReportContext context, Params params) {
        List<Row> rows = counts(context, context.now().minus(Duration.ofHours(24)), context.now());
        return rows.stream().allMatch(r -> r.rows() == 0) ? List.of() : rows;
    }

    /**
     * Rows per table up to {@code now} (as the file had them when the snapshot was taken; the
     * copies must be {@link TableCopy#countingUpTo} now) and rows with
     * {@code cutoff <= ts <= now} (counted in the copy, which may hold only those); rows desc,
     * table_name.
     * {@code summary} counts the same way.
     */
    static List<Row> counts(ReportContext context, Instant cutoff, Instant now) {
        Select<Record2<String, Integer>> union = null;
        for (RowTable t : RowTables.rowTables()) {
            Select<Record2<String, Integer>> part = select(inline(t.name()), count()).from(t.table()).where(t.ts().between(cutoff, now));
            union = union == null ? part : union.unionAll(part);
        }
        Map<String, Integer> recent = context.dsl().fetchMap(union);
        return RowTables.rowTables().stream()
                .map(t -> new Row(t.name(), context.sourceRows(t), recent.get(t.name())))
                .sorted(Comparator.comparingLong(Row::rows).reversed().thenComparing(Row::tableName))
                .toList();
    }
}
