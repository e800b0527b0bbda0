package io.metadb.analytics.report;

import static io.metadb.generated.Tables.CLI_INVOCATIONS;
import static io.metadb.generated.Tables.CRASHES;
import static io.metadb.generated.Tables.EVENTS;
import static io.metadb.generated.Tables.TESTS;
import static io.metadb.generated.Tables.TOKEN_USAGE;
import static io.metadb.generated.Tables.WATCHDOG_EVENTS;
import static org.jooq.impl.DSL.coalesce;
import static org.jooq.impl.DSL.count;
import static org.jooq.impl.DSL.noCondition;
import io.metadb.analytics.internal.Sums;
import static org.jooq.impl.DSL.select;
import static org.jooq.impl.DSL.sum;

import io.metadb.analytics.Window;
import io.metadb.analytics.WindowReport;
import io.metadb.analytics.ReportContext;
import io.metadb.analytics.Request;
import io.metadb.analytics.TableCopy;
import io.metadb.analytics.internal.Rollups;
import io.metadb.core.EventStatus;
import io.metadb.generated.envelope.RowTable;
import io.metadb.generated.envelope.RowTables;
import io.metadb.payload.TestRun;
import io.metadb.payload.WatchdogEvent;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Record1;
import org.jooq.Select;
import org.jooq.Table;

/** {@code summary}: fleet health in one metric/value list; no rows for an empty database. */
public final class SummaryReport extends WindowReport<SummaryReport.Row> {
    public record Row(long rowsTotal, long rowsSince, long agentsActive, long cliCalls, long cliFailures,
            long inputTokens, long outputTokens, double costUsd, long crashes, long watchdogRed, long testsFailed,
            long eventsPending, long eventsFailed) {}

    public static final SummaryReport REPORT = new SummaryReport();

    private SummaryReport() {
        super("summary", Row.class, Shape.METRICS,
                "Fleet health in one screen: rows, agents, CLI calls, tokens, cost, crashes, reds, events.", "24h",
                List.of("summary", "summary --since 7d"), null);
    }

    public static Request<Window, Row> of(Instant since) {
        return REPORT.request(new Window(since));
    }

    /**
     * Each table's rows in the window and its count up to now, the events still pending or
     * failed (of any age up to now: the outbox keeps only today's statuses), the rolled-up days; of each table only the columns the query reads (its ts, its
     * agent, and the few a metric counts).
     */
    @Override
    public List<TableCopy> reads(Window p, Instant now) {
        List<TableCopy> copies = new ArrayList<>();
        for (RowTable t : RowTables.rowTables()) {
            List<Field<?>> columns = new ArrayList<>(List.of(t.ts()));
            if (t.agent() != null) {
                columns.add(t.agent());
            }
            columns.addAll(metricColumns(t.table()));
            TableCopy copy = TableCopy.of(t.table()).columns(columns.toArray(Field<?>[]::new)).countingUpTo(now);
            copies.add(t.table().equals(EVENTS)
                    ? copy.where(t.ts().between(p.since(), now).or(EVENTS.STATUS.in(EventStatus.PENDING, EventStatus.FAILED)
                            .and(t.ts().le(now))))
                    : copy.within(p.since(), now));
        }
        copies.addAll(Rollups.copies(p.since(), now, null));
        return copies;
    }

    /** The columns besides ts and agent that a metric reads of {@code table}. */
    private static List<Field<?>> metricColumns(Table<?> table) {
        if (table.equals(CLI_INVOCATIONS)) {
            return List.of(CLI_INVOCATIONS.EXIT_CODE);
        } else if (table.equals(TOKEN_USAGE)) {
            return List.of(TOKEN_USAGE.INPUT_TOKENS, TOKEN_USAGE.OUTPUT_TOKENS, TOKEN_USAGE.COST_USD);
        } else if (table.equals(WATCHDOG_EVENTS)) {
            return List.of(WATCHDOG_EVENTS.LEVEL);
        } else if (table.equals(TESTS)) {
            return List.of(TESTS.STATUS);
        } else if (table.equals(EVENTS)) {
            return List.of(EVENTS.STATUS);
        }
        return List.of();
    }

    @Override
    protected List<Row> run(ReportContext context, Window p) {
        Instant since = p.since();
        Instant now = context.now();
        DSLContext dsl = context.dsl();
        List<HotTablesReport.Row> counts = HotTablesReport.counts(context, since, now);
        long total = counts.stream().mapToLong(HotTablesReport.Row::rows).sum();
        if (total == 0) {
            return List.of();
        }
        long rowsSince = counts.stream().mapToLong(HotTablesReport.Row::rows24h).sum();
        Select<Record1<String>> agents = null;
        for (RowTable t : RowTables.rowTables()) {
            if (t.agent() != null) {
                Select<Record1<String>> part = select(t.agent()).from(t.table()).where(t.ts().between(since, now)).and(t.agent().isNotNull());
                agents = agents == null ? part : agents.union(part);
            }
        }
        long agentsActive = dsl.fetchCount(agents);
        Record cli = dsl.select(count(), count().filterWhere(CLI_INVOCATIONS.EXIT_CODE.ne(0L)))
                .from(CLI_INVOCATIONS).where(CLI_INVOCATIONS.TS.between(since, now)).fetchOne();
        Record tokens = dsl.select(coalesce(sum(TOKEN_USAGE.INPUT_TOKENS), BigDecimal.ZERO),
                        coalesce(sum(TOKEN_USAGE.OUTPUT_TOKENS), BigDecimal.ZERO),
                        coalesce(Sums.roundedSum(TOKEN_USAGE.COST_USD, 6), BigDecimal.ZERO))
                .from(TOKEN_USAGE).where(TOKEN_USAGE.TS.between(since, now)).fetchOne();
        long crashes = dsl.fetchCount(CRASHES, CRASHES.TS.between(since, now));
        long red = dsl.fetchCount(WATCHDOG_EVENTS, WATCHDOG_EVENTS.TS.between(since, now).and(WATCHDOG_EVENTS.LEVEL.eq(WatchdogEvent.RED)))
                + Rollups.red(dsl, since, now, noCondition());
        long[] rolledCli = Rollups.cli(dsl, since, now, noCondition());
        long testsFailed = dsl.fetchCount(TESTS, TESTS.TS.between(since, now).and(TESTS.STATUS.eq(TestRun.FAIL)));
        long pending = dsl.fetchCount(EVENTS, EVENTS.STATUS.eq(EventStatus.PENDING).and(EVENTS.TS.le(now)));
        long failed = dsl.fetchCount(EVENTS, EVENTS.STATUS.eq(EventStatus.FAILED).and(EVENTS.TS.le(now)));
        return List.of(new Row(total, rowsSince, agentsActive, cli.get(0, Long.class) + rolledCli[0],
                cli.get(1, Long.class) + rolledCli[1], tokens.get(0, Long.class), tokens.get(1, Long.class),
                tokens.get(2, Double.class), crashes, red, testsFailed, pending, failed));
    }
}
