package io.metadb.cli;

import io.metadb.analytics.Reports;
import io.metadb.analytics.Snapshot;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.jooq.Table;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code metadb bench reports}: in-process time of every report on --db, and whether a
 * snapshot of only the tables a report reads beats a copy of the whole file. Medians of
 * --runs after one warm-up run.
 */
@Command(name = "reports", description = {"Snapshot time (whole file vs only the tables read) and each report's in-process time,",
    "medians over --runs on --db (use the demo database)."},
        footer = {"", "Example:", "  metadb --db demo.db bench reports --runs 7"})
final class BenchReports implements Callable<Integer> {
    @ParentCommand
    BenchCommand bench;

    @Spec
    CommandSpec spec;

    @Option(names = "--runs", defaultValue = "7", description = "measured runs (default: 7)")
    int runs;

    @Override
    public Integer call() {
        MetadbCommand root = (MetadbCommand) spec.parent().parent().userObject();
        Instant now = root.now();
        Instant day = now.minusSeconds(86_400);
        Instant week = now.minusSeconds(7 * 86_400);
        Map<String, Consumer<Reports>> reports = new LinkedHashMap<>();
        reports.put("hot-tables", r -> r.hotTables());
        reports.put("summary", r -> r.summary(day));
        reports.put("recent", r -> r.recent(null, 20));
        reports.put("agent", r -> r.agent("agent8", day));
        reports.put("cost", r -> r.cost(week, Reports.CostBy.MODEL));
        reports.put("crashes", r -> r.crashes(week, null));
        reports.put("dispatch", r -> r.dispatch("agent8", week));
        reports.put("delivery", r -> r.delivery("imessage", day));
        reports.put("audit", r -> r.audit(LocalDate.ofInstant(day, ZoneOffset.UTC)));
        reports.put("tasks", r -> r.tasks(null));
        reports.put("tests", r -> r.tests(week, null));
        reports.put("cli", r -> r.cli(day));
        reports.put("mcp", r -> r.mcp(day));
        reports.put("watchdog", r -> r.watchdog(day));
        reports.put("clones", r -> r.clones(day));

        PrintWriter out = spec.commandLine().getOut();
        double whole = median(() -> Snapshot.of(root.db()).close());
        out.printf("bench reports on %s, median of %d runs (+1 warm-up)%n", root.db(), runs);
        out.printf("whole-file snapshot (backup API): %.1f ms%n", whole);
        out.printf("%-11s %16s %14s%n", "report", "tables-only ms", "report ms");
        try (Snapshot snapshot = Snapshot.of(root.db())) {
            Reports r = new Reports(snapshot, now);
            reports.forEach((name, report) -> {
                Set<Table<?>> tables = Reports.tablesRead(name);
                Set<Table<?>> copied = tables.isEmpty() ? Set.copyOf(snapshot.dsl().meta().getTables().stream()
                        .filter(t -> io.metadb.generated.DefaultSchema.DEFAULT_SCHEMA.getTable(t.getName()) != null)
                        .map(t -> (Table<?>) io.metadb.generated.DefaultSchema.DEFAULT_SCHEMA.getTable(t.getName())).toList())
                        : tables;
                String partial = String.format("%.1f%s", median(() -> Snapshot.of(root.db(), copied).close()),
                        tables.isEmpty() ? " (all)" : "");
                out.printf("%-11s %16s %14.1f%n", name, partial, median(() -> report.accept(r)));
            });
        }
        return 0;
    }

    private double median(Runnable run) {
        double[] ms = new double[runs];
        for (int i = -1; i < runs; i++) {
            long start = System.nanoTime();
            run.run();
            if (i >= 0) {
                ms[i] = (System.nanoTime() - start) / 1e6;
            }
        }
        Arrays.sort(ms);
        return ms[runs / 2];
    }
}
