package io.metadb.cli;

import io.metadb.analytics.Report;
import io.metadb.analytics.Reports;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Hidden {@code metadb __examples}: each report's first example, one per line, so that
 * scripts (bench/report-startup.sh) iterate the registry instead of listing reports.
 */
@Command(name = "__examples", hidden = true, description = "Each report's first example (for scripts).")
final class ExamplesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        for (Report<?, ?> r : Reports.all()) {
            spec.commandLine().getOut().println(r.examples().get(0));
        }
        return 0;
    }
}
