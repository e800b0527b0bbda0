package io.metadb.analytics.report;

import static io.metadb.generated.Tables.WATCHDOG_DAILY;
import static io.metadb.generated.Tables.WATCHDOG_EVENTS;
import static org.jooq.impl.DSL.count;
import static org.jooq.impl.DSL.max;
import static org.jooq.impl.DSL.sum;

import io.metadb.analytics.Window;
import io.metadb.analytics.WindowReport;
import io.metadb.analytics.ReportContext;
import io.metadb.analytics.Request;
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
public final class WatchdogReport extends WindowReport<WatchdogReport.Row> {
    public record Row(String checkName, long green, long yellow, long red, Instant lastRedTs) {}

    public static final WatchdogReport REPORT = new WatchdogReport();

    private WatchdogReport() {
        super("watchdog", Row.class, Shape.ROWS, "Per watchdog check: green, yellow, red counts and the last red.", "24h",
                List.of("watchdog", "watchdog --since 7d"), () -> List.of(WATCHDOG_EVENTS, WATCHDOG_DAILY));
    }

    public static Request<Window, Row> of(Instant since) {
        return REPORT.request(new Window(since));
    }

    @Override
    protected List<Row> run(ReportContext context, Window p) {
        Map<String, Row> byCheck = new LinkedHashMap<>();
        context.dsl().select(WATCHDOG_EVENTS.CHECK_NAME, count().filterWhere(WATCHDOG_EVENTS.LEVEL.eq(WatchdogEvent.GREEN)),
                        count().filterWhere(WATCHDOG_EVENTS.LEVEL.eq(WatchdogEvent.YELLOW)),
                        count().filterWhere(WATCHDOG_EVENTS.LEVEL.eq(WatchdogEvent.RED)),
                        max(WATCHDOG_EVENTS.TS).filterWhere(WATCHDOG_EVENTS.LEVEL.eq(WatchdogEvent.RED)))
                .from(WATCHDOG_EVENTS).where(WATCHDOG_EVENTS.TS.between(p.since(), context.now()))
                .groupBy(WATCHDOG_EVENTS.CHECK_NAME)
                .forEach(r -> byCheck.put(r.value1(), new Row(r.value1(), r.value2(), r.value3(), r.value4(), r.value5())));
        context.dsl().select(WATCHDOG_DAILY.CHECK_NAME, sum(WATCHDOG_DAILY.GREEN), sum(WATCHDOG_DAILY.YELLOW),
                        sum(WATCHDOG_DAILY.RED))
                .from(WATCHDOG_DAILY).where(Rollups.wholeDays(WATCHDOG_DAILY.DAY, p.since(), context.now()))
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
