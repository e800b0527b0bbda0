package io.metadb.cli;

import io.metadb.analytics.Tabular;
import io.metadb.core.Durations;
import io.metadb.dao.MetaDb;
import io.metadb.dao.MetaDbOptions;
import io.metadb.dao.Retention;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code metadb retention}: roll up and age out ticks, CLI calls and watchdog events (SPEC §5). */
@Command(name = "retention", description = {"Roll up old ticks, CLI invocations and watchdog events into daily tables, then delete them.",
    "Chunks of " + Retention.DEFAULT_CHUNK_ROWS + " rows, each rollup and delete in one transaction; safe while others write;",
    "running it twice changes nothing. Windows: ticks 7d, cli 30d, watchdog 14d (non-red), red 180d."},
        footer = {"", "Examples:", "  metadb retention --dry-run", "  metadb retention --ticks 3d --watchdog-red 90d"})
final class RetentionCommand extends RootSubcommand {
    /** One table's outcome, as printed. */
    record Row(String table, long rolledUp, long deleted, long chunks, double longestLockMs) {}

    @Mixin
    Output.FormatOptions format;

    @Option(names = "--dry-run", description = "print what would be rolled up and deleted; write nothing")
    boolean dryRun;

    @Option(names = "--ticks", defaultValue = "7d", description = "keep ticks raw this long (default: 7d)")
    String ticks;

    @Option(names = "--cli", defaultValue = "30d", description = "keep CLI invocations raw this long (default: 30d)")
    String cli;

    @Option(names = "--watchdog", defaultValue = "14d", description = "keep non-red watchdog events raw this long (default: 14d)")
    String watchdog;

    @Option(names = "--watchdog-red", defaultValue = "180d", description = "keep red watchdog events raw this long (default: 180d)")
    String watchdogRed;

    @Override
    public Integer call() {
        Output.Format fmt = format.format();
        Instant now = root.now();
        Retention.Windows windows = new Retention.Windows(window("--ticks", ticks), window("--cli", cli),
                window("--watchdog", watchdog), window("--watchdog-red", watchdogRed));
        List<Row> rows = new ArrayList<>();
        try (MetaDb db = MetaDb.open(root.db(), MetaDbOptions.builder().clock(root.clock()).build())) {
            for (Retention.Outcome o : Retention.run(db, now, windows, dryRun)) {
                rows.add(new Row(o.table(), o.rolledUp(), o.deleted(), o.chunks(), o.longestChunkMs()));
            }
        }
        Output.print(Tabular.of(Row.class, rows), fmt, spec.commandLine().getOut());
        if (dryRun && fmt == Output.Format.TABLE) {
            spec.commandLine().getOut().println("dry run: nothing was written");
        }
        return 0;
    }

    private static Duration window(String option, String text) {
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(option + ": " + e.getMessage());
        }
    }
}
