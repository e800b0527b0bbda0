package io.metadb.analytics.report;

import io.metadb.core.BadInputException;
import static org.jooq.impl.DSL.count;
import static org.jooq.impl.DSL.inline;
import static org.jooq.impl.DSL.select;

import io.metadb.analytics.Args;
import io.metadb.analytics.Param;
import io.metadb.analytics.Report;
import io.metadb.analytics.ReportContext;
import io.metadb.analytics.Request;
import io.metadb.analytics.TableCopy;
import io.metadb.analytics.internal.RowTableChoice;
import io.metadb.generated.convert.Timestamps;
import io.metadb.generated.envelope.RowTable;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import org.jooq.Field;
import org.jooq.Record3;
import org.jooq.Select;

/**
 * {@code timeline}: rows per UTC hour or day of each table hot-tables covers (or one), in the
 * window; bucket_start, table_name. Empty buckets are absent. The buckets are cut from the
 * stored timestamp text (its first 13 or 10 characters), so no date arithmetic runs in SQL.
 */
public final class TimelineReport extends Report<TimelineReport.Params, TimelineReport.Row> {
    /** The size of a bucket, as {@code --bucket} writes it. */
    public enum Bucket {
        HOUR("1h"), DAY("1d");

        private final String text;

        Bucket(String text) {
            this.text = text;
        }

        /** As {@code --bucket} writes it. */
        public String text() {
            return text;
        }

        static Bucket of(String text) {
            for (Bucket b : values()) {
                if (b.text.equals(text)) {
                    return b;
                }
            }
            throw new BadInputException("--bucket: '" + text + "' is not one of 1h, 1d");
        }
    }

    /** @param table one table, or null for every table hot-tables covers */
    public record Params(String table, Bucket bucket, Instant since) {
        public Params {
            RowTableChoice.of(table); // checks the name
        }
    }

    /** @param bucketStart the UTC start of the hour or day */
    public record Row(Instant bucketStart, String tableName, long rows) {}

    private static final Param<String> TABLE = Param.text("table", "T", "only this table");
    private static final Param<String> BUCKET = Param.oneOf("bucket", List.of(Bucket.HOUR.text(), Bucket.DAY.text()),
            Bucket.HOUR.text(), "rows per hour or per day");
    private static final Param<Instant> SINCE = Param.since("24h", "window");

    public static final TimelineReport REPORT = new TimelineReport();

    private TimelineReport() {
        super("timeline", Row.class, Shape.ROWS, "Rows per UTC hour or day of each table (or one), in the window.",
                List.of(TABLE, BUCKET, SINCE), List.of("timeline", "timeline --table token_usage --bucket 1d --since 7d"));
    }

    public static Request<Params, Row> of(String table, Bucket bucket, Instant since) {
        return REPORT.request(new Params(table, bucket, since));
    }

    @Override
    protected Params params(Args args) {
        return new Params(args.get(TABLE), Bucket.of(args.get(BUCKET)), args.get(SINCE));
    }

    /** The ts of each table's rows in the window. */
    @Override
    public List<TableCopy> reads(Params p, Instant now) {
        return RowTableChoice.of(p.table()).stream()
                .map(t -> TableCopy.of(t.table()).columns(t.ts()).within(p.since(), now)).toList();
    }

    @Override
    protected List<Row> run(ReportContext context, Params p) {
        Select<Record3<String, String, Integer>> union = null;
        for (RowTable t : RowTableChoice.of(p.table())) {
            Field<String> start = p.bucket() == Bucket.HOUR ? Timestamps.hourStart(t.ts()) : Timestamps.dayStart(t.ts());
            Select<Record3<String, String, Integer>> part = select(start, inline(t.name()), count()).from(t.table())
                    .where(t.ts().between(p.since(), context.now())).groupBy(start);
            union = union == null ? part : union.unionAll(part);
        }
        return context.dsl().fetch(union)
                .map(r -> new Row(Timestamps.parse(r.value1()), r.value2(), r.value3()))
                .stream().sorted(Comparator.comparing(Row::bucketStart).thenComparing(Row::tableName)).toList();
    }
}
