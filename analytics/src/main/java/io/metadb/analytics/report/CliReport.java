package io.metadb.analytics.report;

import static io.metadb.generated.Tables.CLI_DAILY;
import static io.metadb.generated.Tables.CLI_INVOCATIONS;
import static org.jooq.impl.DSL.sum;

import io.metadb.analytics.Column;
import io.metadb.analytics.Window;
import io.metadb.analytics.WindowReport;
import io.metadb.analytics.ReportContext;
import io.metadb.analytics.Request;
import io.metadb.analytics.internal.Folds;
import io.metadb.analytics.internal.Rollups;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code cli}: per command in the window; calls desc, command. Percentiles are nearest rank
 * (the value at rank ceil(N/100 * n) in ascending order), computed in Java over each
 * command's durations fetched in ascending order: SQLite has no percentile function.
 */
public final class CliReport extends WindowReport<CliReport.Row> {
    /** Percentiles and max are null for a command seen only in rolled-up days (rollups keep no durations). */
    public record Row(String command, long calls, long failures, @Column("p50_ms") Long p50Ms, @Column("p95_ms") Long p95Ms,
            Long maxMs) {}

    public static final CliReport REPORT = new CliReport();

    private CliReport() {
        super("cli", Row.class, Shape.ROWS, "Per CLI command: calls, failures, p50/p95/max duration (nearest rank).", "24h",
                List.of("cli", "cli --since 7d"), () -> List.of(CLI_INVOCATIONS, CLI_DAILY));
    }

    public static Request<Window, Row> of(Instant since) {
        return REPORT.request(new Window(since));
    }

    /** One command's raw rows so far: ascending durations and failures. */
    private record Calls(String command, List<Long> durations, long failures) {
        Row row() {
            return new Row(command, durations.size(), failures, Folds.nearestRank(durations, 50), Folds.nearestRank(durations, 95),
                    durations.get(durations.size() - 1));
        }
    }

    @Override
    protected List<Row> run(ReportContext context, Window p) {
        var rows = context.dsl().select(CLI_INVOCATIONS.COMMAND, CLI_INVOCATIONS.DURATION_MS, CLI_INVOCATIONS.EXIT_CODE)
                .from(CLI_INVOCATIONS).where(CLI_INVOCATIONS.TS.between(p.since(), context.now()))
                .orderBy(CLI_INVOCATIONS.COMMAND, CLI_INVOCATIONS.DURATION_MS).fetch();
        Map<String, Row> byCommand = new LinkedHashMap<>();
        Folds.adjacent(rows, r -> r.value1(),
                        r -> new Calls(r.value1(), new ArrayList<>(List.of(r.value2())), r.value3() != 0 ? 1 : 0),
                        (calls, r) -> {
                            calls.durations().add(r.value2());
                            return new Calls(calls.command(), calls.durations(), calls.failures() + (r.value3() != 0 ? 1 : 0));
                        })
                .forEach(c -> byCommand.put(c.command(), c.row()));
        // Rolled-up days add calls and failures; percentiles and max come from raw rows only.
        context.dsl().select(CLI_DAILY.COMMAND, sum(CLI_DAILY.CALLS), sum(CLI_DAILY.FAILURES)).from(CLI_DAILY)
                .where(Rollups.wholeDays(CLI_DAILY.DAY, p.since(), context.now())).groupBy(CLI_DAILY.COMMAND)
                .forEach(r -> byCommand.merge(r.value1(),
                        new Row(r.value1(), r.get(1, Long.class), r.get(2, Long.class), null, null, null),
                        (raw, rolled) -> new Row(raw.command(), raw.calls() + rolled.calls(),
                                raw.failures() + rolled.failures(), raw.p50Ms(), raw.p95Ms(), raw.maxMs())));
        List<Row> out = new ArrayList<>(byCommand.values());
        out.sort(Comparator.comparingLong(Row::calls).reversed().thenComparing(Row::command));
        return out;
    }
}
