package io.metadb.cli;

import io.metadb.analytics.Reports;
import io.metadb.analytics.Snapshot;
import io.metadb.analytics.Snapshot.TableCopy;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code metadb bench reports}: for every report on --db, the time to copy what it reads
 * into its snapshot and its in-process time on that copy, against a copy of the whole file
 * (the baseline). Medians of --runs after one warm-up run.
 */
@Command(name = "reports", description = {"Each report's snapshot copy and in-process time, against a whole-file copy,",
    "medians over --runs on --db (use the demo database)."},
        footer = {"", "Example:", "  metadb --db demo.db bench reports --runs 7"})
final class BenchReports implements Callable<Integer> {
    @ParentCommand
    BenchCommand bench;

    @Spec
    CommandSpec spec;

    @Option(names = "--runs", defaultValue = "7", description = "measured runs (default: 7)")
    int runs;

    private record Bench(String name, List<TableCopy> copies, Consumer<Reports> report) {}

    @Override
    public Integer call() {
        MetadbCommand root = (MetadbCommand) spec.parent().parent().userObject();
        Instant now = root.now();
        Instant day = now.minusSeconds(86_400);
        Instant week = now.minusSeconds(7 * 86_400);
        LocalDate yesterday = LocalDate.ofInstant(day, ZoneOffset.UTC);
        List<Bench> benches = List.of(
                new Bench("hot-tables", Reports.hotTablesCopies(now), r -> r.hotTables()),
                new Bench("summary", Reports.summaryCopies(day), r -> r.summary(day)),
                new Bench("recent", Reports.recentCopies(null, 20), r -> r.recent(null, 20)),
                new Bench("agent", Reports.agentCopies("agent8", day), r -> r.agent("agent8", day)),
                new Bench("cost", Reports.copies("cost", week), r -> r.cost(week, Reports.CostBy.MODEL)),
                new Bench("crashes", Reports.copies("crashes", week), r -> r.crashes(week, null)),
                new Bench("dispatch", Reports.dispatchCopies(), r -> r.dispatch("agent8", week)),
                new Bench("delivery", Reports.deliveryCopies("imessage", day), r -> r.delivery("imessage", day)),
                new Bench("audit", Reports.auditCopies(yesterday), r -> r.audit(yesterday)),
                new Bench("tasks", Reports.copies("tasks", null), r -> r.tasks(null)),
                new Bench("tests", Reports.copies("tests", week), r -> r.tests(week, null)),
                new Bench("cli", Reports.copies("cli", day), r -> r.cli(day)),
                new Bench("mcp", Reports.copies("mcp", day), r -> r.mcp(day)),
                new Bench("watchdog", Reports.copies("watchdog", day), r -> r.watchdog(day)),
                new Bench("clones", Reports.copies("clones", day), r -> r.clones(day)));

        PrintWriter out = spec.commandLine().getOut();
        out.printf("bench reports on %s, median of %d runs (+1 warm-up)%n", root.db(), runs);
        out.printf("whole-file snapshot (backup API, the baseline): %.1f ms%n",
                median(() -> Snapshot.of(root.db()).close()));
        out.printf("%-11s %12s %14s%n", "report", "its copy ms", "report ms");
        for (Bench b : benches) {
            double copy = median(() -> Snapshot.copy(root.db(), b.copies()).close());
            try (Snapshot snapshot = Snapshot.copy(root.db(), b.copies())) {
                Reports r = new Reports(snapshot, now);
                out.printf("%-11s %12.1f %14.1f%n", b.name(), copy, median(() -> b.report().accept(r)));
            }
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
