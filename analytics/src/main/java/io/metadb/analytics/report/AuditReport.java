package io.metadb.analytics.report;

import static io.metadb.generated.Tables.CLONE_DISPATCHES;
import static io.metadb.generated.Tables.CRASHES;
import static io.metadb.generated.Tables.DEPENDENCY_INSTALLS;
import static io.metadb.generated.Tables.GIT_OPERATIONS;
import static io.metadb.generated.Tables.MARKER_STATE_EVENTS;
import static io.metadb.generated.Tables.OWNER_DIRECTIVES;
import static io.metadb.generated.Tables.PREPUSH_BYPASS_EVENTS;
import static io.metadb.generated.Tables.TESTS;
import static io.metadb.generated.Tables.WATCHDOG_EVENTS;
import static org.jooq.impl.DSL.noCondition;

import io.metadb.analytics.Args;
import io.metadb.analytics.Param;
import io.metadb.analytics.Report;
import io.metadb.analytics.ReportContext;
import io.metadb.analytics.Request;
import io.metadb.analytics.TableCopy;
import io.metadb.analytics.internal.Activities;
import io.metadb.generated.envelope.RowTable;
import io.metadb.generated.envelope.RowTables;
import io.metadb.payload.TestRun;
import io.metadb.payload.WatchdogEvent;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jooq.Condition;
import org.jooq.Table;

/**
 * {@code audit --day D}: that UTC day's control-relevant rows (directives, bypasses, git
 * operations, dispatches, crashes, red watchdog events, failed tests, marker changes,
 * dependency installs); ts asc, table_name, id.
 */
public final class AuditReport extends Report<AuditReport.Params, Activity> {
    public record Params(LocalDate day) {}

    private static final Param<LocalDate> DAY = Param.day("day", "D", "UTC day: YYYY-MM-DD, today or yesterday");

    public static final AuditReport REPORT = new AuditReport();

    private AuditReport() {
        super("audit", Activity.class, Shape.ROWS, "One UTC day's control events: directives, bypasses, git, dispatches,"
                + " crashes, reds, failed tests, markers, installs.", List.of(DAY), List.of("audit --day yesterday", "audit"));
    }

    public static Request<Params, Activity> of(LocalDate day) {
        return REPORT.request(new Params(day));
    }

    @Override
    protected Params params(Args args) {
        return new Params(args.get(DAY));
    }

    /** That day's audited rows (up to now). */
    @Override
    public List<TableCopy> reads(Params p, Instant now) {
        List<TableCopy> copies = new ArrayList<>();
        audited(p.day(), now).forEach((t, where) -> copies.add(TableCopy.of(t.table()).where(where)));
        return copies;
    }

    @Override
    protected List<Activity> run(ReportContext context, Params p) {
        List<Activity> rows = new ArrayList<>();
        audited(p.day(), context.now()).forEach((t, where) -> rows.addAll(Activities.of(context.dsl(), t, where, List.of(t.ts(), t.id()), null)));
        rows.sort(Comparator.comparing(Activity::ts).thenComparing(Activity::tableName).thenComparingLong(Activity::id));
        return rows;
    }

    /**
     * The rows audit covers, per table: that day's rows up to {@code now} of the audited tables
     * (only red watchdog events and failed tests).
     */
    private static Map<RowTable, Condition> audited(LocalDate day, Instant now) {
        Instant from = day.atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant to = day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        Map<Table<?>, Condition> kept = Map.of(OWNER_DIRECTIVES, noCondition(), PREPUSH_BYPASS_EVENTS, noCondition(),
                GIT_OPERATIONS, noCondition(), CLONE_DISPATCHES, noCondition(), CRASHES, noCondition(),
                WATCHDOG_EVENTS, WATCHDOG_EVENTS.LEVEL.eq(WatchdogEvent.RED), TESTS, TESTS.STATUS.eq(TestRun.FAIL),
                MARKER_STATE_EVENTS, noCondition(), DEPENDENCY_INSTALLS, noCondition());
        Map<RowTable, Condition> rows = new LinkedHashMap<>();
        for (RowTable t : RowTables.rowTables()) {
            Condition where = kept.get(t.table());
            if (where != null) {
                rows.put(t, where.and(t.ts().ge(from)).and(t.ts().lt(to)).and(t.ts().le(now)));
            }
        }
        return rows;
    }
}
