package io.metadb.cli;

import io.metadb.analytics.Args;
import io.metadb.analytics.Report;
import io.metadb.analytics.Reports;
import io.metadb.analytics.Request;
import io.metadb.analytics.Snapshot;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code metadb bench reports}: for every report of the registry, run as its first example
 * on --db, the time to copy what it reads into its snapshot and its in-process time on that
 * copy, against a copy of the whole file (the baseline). Medians of --runs after one
 * warm-up run.
 */
@Command(name = "reports", description = {"Each report's snapshot copy and in-process time, against a whole-file copy.",
    "Medians over --runs on --db (use the demo database)."},
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
        PrintWriter out = spec.commandLine().getOut();
        out.printf("bench reports on %s, median of %d runs (+1 warm-up)%n", root.db(), runs);
        out.printf("whole-file snapshot (backup API, the baseline): %.1f ms%n",
                median(() -> Snapshot.of(root.db()).close()));
        out.printf("%-40s %12s %14s%n", "report (its first example)", "its copy ms", "report ms");
        for (Report<?, ?> report : Reports.all()) {
            String example = report.examples().get(0);
            Request<?, ?> request = request(report, example, now);
            double copy = median(() -> Snapshot.copy(root.db(), request.reads(now)).close());
            try (Snapshot snapshot = Snapshot.copy(root.db(), request.reads(now));
                 Reports on = Reports.on(snapshot, now)) {
                out.printf("%-40s %12.1f %14.1f%n", example, copy, median(() -> on.run(request)));
            }
        }
        return 0;
    }

    /** The request an example's command line makes, parsed as the command would parse it. */
    static Request<?, ?> request(Report<?, ?> report, String example, Instant now) {
        CommandSpec command = ReportCommand.spec(report);
        String[] words = example.split(" ");
        new CommandLine(command).parseArgs(Arrays.copyOfRange(words, 1, words.length));
        return report.request(new Args(ReportCommand.values(report, command), now));
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
