package io.metadb.cli;

import io.metadb.analytics.Tabular;
import io.metadb.core.Location;
import io.metadb.dao.Copy;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code metadb copy}: every table of one metadb database into another, across engines. */
@Command(name = "copy", description = {"Copy every table of one metadb database into another, keeping ids.",
    "A file or PostgreSQL, either way; all or nothing. Refuses a target that has rows unless --append."},
        footer = {"", "Examples:", "  metadb copy --from meta.db --to postgresql://fleet@db.internal/metadb",
            "  metadb copy --from postgresql://fleet@db.internal/metadb --to offline.db"})
final class CopyCommand extends RootSubcommand {
    @Option(names = "--from", required = true, paramLabel = "PATH|URL", description = "the database to copy")
    String from;

    @Option(names = "--to", required = true, paramLabel = "PATH|URL",
            description = "the database to copy into (created or migrated first)")
    String to;

    @Option(names = "--append", description = "accept a target that already has rows (ids must not collide)")
    boolean append;

    @Mixin
    Output.FormatOptions format;

    /** One table's outcome. */
    record Row(String table, long rows) {}

    @Override
    public Integer call() {
        Output.Format fmt = format.format();
        Location source = Location.parse(from);
        Location target = Location.parse(to);
        PrintWriter err = spec.commandLine().getErr();
        boolean tty = System.console() != null;
        long start = System.nanoTime();
        Copy.Result result = Copy.run(source, target, append, (table, copied, total) -> {
            if (tty) {
                err.printf("\rcopying %-24s %,12d / %,d rows", table, copied, total);
                err.flush();
            }
        });
        if (tty) {
            err.print("\r" + " ".repeat(72) + "\r");
            err.flush();
        }
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<String, Long> e : result.rows().entrySet()) {
            rows.add(new Row(e.getKey(), e.getValue()));
        }
        Output.print(Tabular.of(Row.class, rows), fmt, out());
        err.printf("metadb: copied %,d rows from %s to %s in %.1f s%n", result.total(), source, target,
                (System.nanoTime() - start) / 1e9);
        err.flush();
        return 0;
    }
}
