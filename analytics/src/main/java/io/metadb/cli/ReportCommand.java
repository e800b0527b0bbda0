package io.metadb.cli;

import io.metadb.analytics.Reports;
import io.metadb.analytics.Since;
import io.metadb.analytics.Snapshot;
import io.metadb.analytics.Snapshot.TableCopy;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * What every report command shares: a snapshot of --db (never the live file), the
 * {@code --json}/{@code --csv} options, and printing. Subclasses compute; this class
 * formats. Not thread-safe.
 */
abstract class ReportCommand implements Callable<Integer> {
    @ParentCommand
    MetadbCommand root;

    @Spec
    CommandSpec spec;

    @Mixin
    Output.FormatOptions format;

    /** The report's rows. */
    abstract Output compute(Reports reports, Instant now);

    /** What the report's snapshot copies: by default its tables, of those with a ts the rows in its window. */
    List<TableCopy> copies(Instant now) {
        return Reports.copies(spec.name(), window(now));
    }

    /** The report's window start, if it reads only rows in a window (then only those are copied). */
    Instant window(Instant now) {
        return null;
    }

    @Override
    public final Integer call() {
        Output.Format fmt = format.format();
        Instant now = root.now();
        List<TableCopy> copies = copies(now);
        Output output;
        long start = System.nanoTime();
        long snapshotNanos;
        try (Snapshot snapshot = Snapshot.copy(root.db(), copies)) {
            snapshotNanos = System.nanoTime() - start;
            output = compute(new Reports(snapshot, now), now);
        }
        long reportNanos = System.nanoTime() - start - snapshotNanos;
        output.print(fmt, spec.commandLine().getOut());
        if (root.debug) {
            spec.commandLine().getErr().printf("metadb: snapshot %.1f ms (%s), report %.1f ms%n",
                    snapshotNanos / 1e6, copies.size() + " tables", reportNanos / 1e6);
        }
        return 0;
    }

    static Instant since(String since, Instant now) {
        try {
            return Since.cutoff(since, now);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage());
        }
    }
}
