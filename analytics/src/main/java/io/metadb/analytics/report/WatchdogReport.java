package io.metadb.analytics.report;

import static io.metadb.generated.Tables.WATCHDOG_DAILY;
import static io.metadb.generated.Tables.WATCHDOG_EVENTS;
import static org.jooq.impl.DSL.count;
import static org.jooq.impl.DSL.max;
import static org.jooq.impl.DSL.sum;

import io.metadb.analytics.Args;
import io.metadb.analytics.Param;
import io.metadb.analytics.Report;
import io.metadb.analytics.ReportContext;
import io.metadb.analytics.Request;
import io.metadb.analytics.Snapshot.TableCopy;
import io.metadb.analytics.internal.Rollups;
import io.metadb.payload.WatchdogEvent;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code watchdog}: per check in the window; red desc, check_name. Rolled-up days add their
 * counts; last_red_ts comes from raw rows only (rollups keep no times).
 */
public final class WatchdogReport extends Report<WatchdogReport.Params, WatchdogReport.Row> {
    public record Params(Instant since) {}

    public record Row(String checkName, long green, long yellow, long red, Instant lastRedTs) {}

    private static final Param<Instant> SINCE = Param.since("24h", "window");

    public static final WatchdogReport REPORT = new WatchdogReport();

    private WatchdogReport() {
        super("watchdog", Row.class, Shape.ROWS, "Per watchdog check: green, yellow, red counts and the last red.",
                List.of(SINCE), List.of("watchdog", "watchdog --since 7d"));
    }

    public static Request<Params, Row> of(Instant since) {
        return REPORT.request(new Params(since));
    }

    @Override
    protected Params params(Args args) {
        return new Params(args.get(SINCE));
    }

    @Override
    public List<TableCopy> reads(Params p, Instant now) {
        return window(p.since(), WATCHDOG_EVENTS, WATCHDOG_DAILY);
    }

    @Override
    protected List<Row> run(ReportContext context, Params p) {
        Map<String, Row> byCheck = new LinkedHashMap<>();
        context.dsl().select(WATCHDOG_EVENTS.CHECK_NAME, count().filterWhere(WATCHDOG_EVENTS.LEVEL.eq(WatchdogEvent.GREEN)),
                        count().filterWhere(WATCHDOG_EVENTS.LEVEL.eq(WatchdogEvent.YELLOW)),
                        count().filterWhere(WATCHDOG_EVENTS.LEVEL.eq(WatchdogEvent.RED)),
                        max(WATCHDOG_EVENTS.TS).filterWhere(WATCHDOG_EVENTS.LEVEL.eq(WatchdogEvent.RED)))
                .from(WATCHDOG_EVENTS).where(WATCHDOG_EVENTS.TS.ge(p.since()))
                .groupBy(WATCHDOG_EVENTS.CHECK_NAME)
                .forEach(r -> byCheck.put(r.value1(), new Row(r.value1(), r.value2(), r.value3(), r.value4(), r.value5())));
        context.dsl().select(WATCHDOG_DAILY.CHECK_NAME, sum(WATCHDOG_DAILY.GREEN), sum(WATCHDOG_DAILY.YELLOW),
                        sum(WATCHDOG_DAILY.RED))
                .from(WATCHDOG_DAILY).where(WATCHDOG_DAILY.DAY.ge(Rollups.firstWholeDay(p.since())))
                .groupBy(WATCHDOG_DAILY.CHECK_NAME)
                .forEach(r -> byCheck.merge(r.value1(),
                        new Row(r.value1(), r.get(1, Long.class), r.get(2, Long.class), r.get(3, Long.class), null),
                        (raw, rolled) -> new Row(raw.checkName(), raw.green() + rolled.green(),
                                raw.yellow() + rolled.yellow(), raw.red() + rolled.red(), raw.lastRedTs())));
        return byCheck.values().stream()
                .sorted(Comparator.comparingLong(Row::red).reversed().thenComparing(Row::checkName))
                .toList();
    }
}
