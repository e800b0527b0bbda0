package io.metadb.analytics.report;

import io.metadb.core.BadInputException;
import io.metadb.analytics.Args;
import io.metadb.analytics.Param;
import io.metadb.analytics.Report;
import io.metadb.analytics.ReportContext;
import io.metadb.analytics.Request;
import io.metadb.analytics.TableCopy;
import io.metadb.analytics.internal.Activities;
import io.metadb.analytics.internal.RowTableChoice;
import io.metadb.generated.envelope.RowTable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * {@code recent}: the latest rows of one table or of all; ts desc, table_name, id desc.
 * Each table's latest rows come from its ts index; the merge is done in Java.
 */
public final class RecentReport extends Report<RecentReport.Params, Activity> {
    /** @param table one table, or null for every table hot-tables covers */
    public record Params(String table, int limit) {
        public Params {
            if (limit < 1) {
                throw new BadInputException("--limit must be >= 1, was " + limit);
            }
            RowTableChoice.of(table); // checks the name
        }
    }

    private static final Param<String> TABLE = Param.text("table", "T", "only this table");
    private static final Param<Integer> LIMIT = Param.count("limit", "20", "rows");

    public static final RecentReport REPORT = new RecentReport();

    private RecentReport() {
        super("recent", Activity.class, Shape.ROWS, "The latest rows of every table (or one), one line each.",
                List.of(TABLE, LIMIT), List.of("recent", "recent --table crashes --limit 5"));
    }

    public static Request<Params, Activity> of(String table, int limit) {
        return REPORT.request(new Params(table, limit));
    }

    @Override
    protected Params params(Args args) {
        return new Params(args.get(TABLE), args.get(LIMIT));
    }

    /** The latest {@code limit} rows up to now of each table (or of the one named). */
    @Override
    public List<TableCopy> reads(Params p, Instant now) {
        return RowTableChoice.of(p.table()).stream().map(t -> TableCopy.of(t.table()).within(null, now).latest(p.limit())).toList();
    }

    @Override
    protected List<Activity> run(ReportContext context, Params p) {
        List<Activity> rows = new ArrayList<>();
        for (RowTable t : RowTableChoice.of(p.table())) {
            rows.addAll(Activities.of(context.dsl(), t, t.ts().le(context.now()), List.of(t.ts().desc(), t.id().desc()), p.limit()));
        }
        rows.sort(Comparator.comparing(Activity::ts).reversed().thenComparing(Activity::tableName)
                .thenComparing(Comparator.comparingLong(Activity::id).reversed()));
        return rows.subList(0, Math.min(p.limit(), rows.size()));
    }
}
