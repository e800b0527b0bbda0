package io.metadb.cli;

import io.metadb.analytics.Reports;
import io.metadb.analytics.Since;
import io.metadb.analytics.Snapshot;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.Callable;
import org.jooq.Table;
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

    /** Tables the report reads (by the command's name); empty means all: a whole-file snapshot. */
    Set<Table<?>> tablesRead() {
        return Reports.tablesRead(spec.name());
    }

    /** The report's window start, if it reads only rows in a window (then only those are copied). */
    Instant window(Instant now) {
        return null;
    }

    @Override
    public final Integer call() {
        Output.Format fmt = format.format();
        Instant now = root.now();
        Set<Table<?>> tables = tablesRead();
        Output output;
        long start = System.nanoTime();
        long snapshotNanos;
        try (Snapshot snapshot = tables.isEmpty() ? SnapshotPrefetch.of(root.db())
                : Snapshot.of(root.db(), tables, window(now))) {
            snapshotNanos = System.nanoTime() - start;
            output = compute(new Reports(snapshot, now), now);
        }
        long reportNanos = System.nanoTime() - start - snapshotNanos;
        output.print(fmt, spec.commandLine().getOut());
        if (root.debug) {
            spec.commandLine().getErr().printf("metadb: snapshot %.1f ms (%s), report %.1f ms%n",
                    snapshotNanos / 1e6, tables.isEmpty() ? "whole file" : tables.size() + " tables", reportNanos / 1e6);
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
