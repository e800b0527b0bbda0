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

    /** Tables the report reads; empty means all (a whole-file snapshot). */
    Set<Table<?>> tablesRead() {
        return Set.of();
    }

    @Override
    public final Integer call() {
        Output.Format fmt = format.format();
        Instant now = root.now();
        Set<Table<?>> tables = tablesRead();
        Output output;
        try (Snapshot snapshot = tables.isEmpty() ? Snapshot.of(root.db()) : Snapshot.of(root.db(), tables)) {
            output = compute(new Reports(snapshot, now), now);
        }
        output.print(fmt, spec.commandLine().getOut());
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
