package io.metadb.cli;

import io.metadb.analytics.Args;
import io.metadb.analytics.Report;
import io.metadb.analytics.Reports;
import io.metadb.analytics.Request;
import io.metadb.analytics.Snapshot;
import io.metadb.analytics.Tabular;
import io.metadb.core.Engine;
import io.metadb.core.Location;
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

    @Option(names = "--runs", paramLabel = "N", defaultValue = "7", description = "measured runs (default: 7)")
    int runs;

    @Option(names = "--baseline", paramLabel = "PATH|URL",
            description = "also time every report on this database (the same data elsewhere, e.g. the SQLite file a"
                    + " PostgreSQL database was copied from) and print the ratio")
    String baseline;

    @Override
    public Integer call() {
        if (runs < 1) {
            throw new io.metadb.core.BadInputException("--runs must be >= 1, was " + runs);
        }
        MetadbCommand root = (MetadbCommand) spec.parent().parent().userObject();
        Instant now = root.now();
        PrintWriter out = spec.commandLine().getOut();
        Location db = root.location();
        if (db.engine() == Engine.POSTGRESQL || baseline != null) { // PostgreSQL: in place against copied
            return compare(db, baseline == null ? null : Location.parse(baseline), now, out);
        }
        out.printf("bench reports on %s, median of %d runs (+1 warm-up)%n", db, runs);
        out.printf("whole-file snapshot (backup API, the baseline): %.1f ms%n",
                median(() -> Snapshot.of(db.file()).close()));
        out.printf("%-40s %12s %14s%n", "report (its first example)", "its copy ms", "report ms");
        for (Report<?, ?> report : Reports.all()) {
            String example = report.examples().get(0);
            Request<?, ?> request = request(report, example, now);
            double copy = median(() -> Snapshot.copy(db.file(), request.reads(now)).close());
            try (Snapshot snapshot = Snapshot.copy(db.file(), request.reads(now));
                 Reports on = Reports.on(snapshot, now)) {
                out.printf("%-40s %12.1f %14.1f%n", example, copy, median(() -> on.run(request)));
            }
        }
        return 0;
    }

    /**
     * Each report as an operator gets it (its copy and its query, in process) on {@code db} and
     * on {@code base}; on PostgreSQL also read in place (one REPEATABLE READ READ ONLY
     * transaction, the report's jOOQ rendered for PostgreSQL), with whether it gives the same
     * rows as the copy.
     */
    private int compare(Location db, Location base, Instant now, PrintWriter out) {
        out.printf("bench reports on %s%s, median of %d runs (+1 warm-up), each as the command runs it"
                + " (in process)%n", db, base == null ? "" : " against " + base, runs);
        boolean inPlace = db.engine() == Engine.POSTGRESQL;
        if (inPlace) {
            out.println("in place: one REPEATABLE READ READ ONLY transaction, the report's jOOQ on PostgreSQL (what"
                    + " metadb does); copy+run: what it reads copied to memory, the report on SQLite");
        }
        out.printf("%-34s %11s %11s %-12s %12s %8s%n", "report (its first example)", "metadb ms",
                inPlace ? "copy+run ms" : "", inPlace ? "same rows?" : "",
                base == null ? "" : "baseline ms", base == null ? "" : "ratio");
        java.util.List<Double> ratios = new java.util.ArrayList<>();
        try (Reports reports = Reports.open(db, now); Reports baseReports = base == null ? null : Reports.open(base, now)) {
            Reports copying = reports.copying();
            for (Report<?, ?> report : Reports.all()) {
                String example = report.examples().get(0);
                Request<?, ?> request = request(report, example, now);
                double ms;
                String copied = "";
                String same = "";
                try {
                    ms = median(() -> reports.run(request));
                } catch (RuntimeException e) {
                    out.printf("%-34s fails: %s%n", example, String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
                    continue;
                }
                if (inPlace) {
                    copied = String.format("%.1f", median(() -> copying.run(request)));
                    Tabular viaCopy = copying.table(request);
                    same = reports.table(request).equals(viaCopy) ? "yes" : "no";
                }
                String baseMs = "";
                String ratio = "";
                if (baseReports != null) {
                    double b = median(() -> baseReports.run(request));
                    baseMs = String.format("%.1f", b);
                    ratio = String.format("%.2f", ms / b);
                    ratios.add(ms / b);
                }
                out.printf("%-34s %11.1f %11s %-12s %12s %8s%n", example.length() > 34 ? example.substring(0, 34) : example,
                        ms, copied, same, baseMs, ratio);
                out.flush();
            }
        }
        if (!ratios.isEmpty()) {
            double[] sorted = ratios.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            out.printf("median ratio over the reports: %.2f%n", sorted[sorted.length / 2]);
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
