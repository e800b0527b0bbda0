package io.metadb.cli;

import io.metadb.core.BadInputException;
import io.metadb.core.Engine;
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

/** {@code metadb retention}: roll up and age out ticks, CLI calls and watchdog events (SPEC §5). */
@Command(name = "retention", description = {"Roll up old ticks, CLI invocations and watchdog events into daily tables, then delete them.",
    "Chunks of " + Retention.DEFAULT_CHUNK_ROWS + " rows, each rollup and delete in one transaction; safe while others write;",
    "running it twice changes nothing. Windows: ticks 7d, cli 30d, watchdog 14d (non-red), red 180d."},
        footer = {"", "Examples:", "  metadb retention --dry-run", "  metadb retention --ticks 3d --watchdog-red 90d"})
final class RetentionCommand extends RootSubcommand {
    /** One table's outcome, as printed. */
    record Row(String table, long rolledUp, long rollupRows, long deleted, long chunks, double longestLockMs) {}

    @Mixin
    Output.FormatOptions format;

    @Option(names = "--dry-run", description = "print what would be rolled up and deleted; write nothing")
    boolean dryRun;

    @Option(names = "--vacuum", description = "then return the free pages to the filesystem (VACUUM: other writers wait)")
    boolean vacuum;

    @Option(names = "--ticks", paramLabel = "DURATION", defaultValue = "7d", description = "keep ticks raw this long (default: 7d)")
    String ticks;

    @Option(names = "--cli", paramLabel = "DURATION", defaultValue = "30d", description = "keep CLI invocations raw this long (default: 30d)")
    String cli;

    @Option(names = "--watchdog", paramLabel = "DURATION", defaultValue = "14d", description = "keep non-red watchdog events raw this long (default: 14d)")
    String watchdog;

    @Option(names = "--watchdog-red", paramLabel = "DURATION", defaultValue = "180d", description = "keep red watchdog events raw this long (default: 180d)")
    String watchdogRed;

    @Override
    public Integer call() {
        Output.Format fmt = format.format();
        boolean file = root.location().engine() == Engine.SQLITE;
        if (vacuum && !file) {
            throw new BadInputException("--vacuum works on a SQLite file; on PostgreSQL autovacuum reuses the space"
                    + " (VACUUM FULL gives it back to the filesystem, outside metadb)");
        }
        Instant now = root.now();
        Retention.Windows windows = new Retention.Windows(window("--ticks", ticks), window("--cli", cli),
                window("--watchdog", watchdog), window("--watchdog-red", watchdogRed));
        List<Row> rows = new ArrayList<>();
        try (MetaDb db = MetaDb.open(root.location(), MetaDbOptions.builder().clock(root.clock()).build())) {
            for (Retention.Outcome o : Retention.run(db, now, windows, dryRun)) {
                rows.add(new Row(o.table(), o.rolledUp(), o.rollupRows(), o.deleted(), o.chunks(), o.longestChunkMs()));
            }
        }
        Output.print(Tabular.of(Row.class, rows), fmt, out());
        if (dryRun) {
            if (fmt == Output.Format.TABLE) {
                out().println("dry run: nothing was written");
            }
            return 0;
        }
        if (!file) {
            return 0; // free space is the server's business (autovacuum)
        }
        // What the deletes freed: said on stderr so that JSON/CSV on stdout stay machine-readable.
        Retention.Space space = Retention.space(root.db());
        java.io.PrintWriter note = spec.commandLine().getErr();
        if (vacuum) {
            long start = System.nanoTime();
            Retention.Space after = Retention.vacuum(root.db(), MetaDbOptions.DEFAULT_BUSY_TIMEOUT_MS);
            note.printf("metadb: vacuumed %s: %s -> %s in %.1f s%n", root.db(), mb(space.fileBytes()), mb(after.fileBytes()),
                    (System.nanoTime() - start) / 1e9);
        } else if (space.freeBytes() > 0) {
            // The hint names the file it is about: run from elsewhere, or with $METADB_PATH
            // unset, a bare "metadb retention --vacuum" would vacuum another file (or none).
            note.printf("metadb: %s of %s is free pages: new rows reuse them; to give them back to the filesystem,"
                    + " run: metadb --db %s retention --vacuum%n", mb(space.freeBytes()), mb(space.fileBytes()),
                    Output.shellWord(root.db().toString()));
        }
        note.flush();
        return 0;
    }

    private static String mb(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MB", bytes / 1e6);
    }

    private static Duration window(String option, String text) {
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(option + ": " + e.getMessage());
        }
    }
}
