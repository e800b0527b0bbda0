package io.metadb.cli;

import io.metadb.core.BadInputException;
import io.metadb.dao.IdRange;
import io.metadb.dao.JsonIngest;
import io.metadb.dao.MetaDb;
import io.metadb.dao.MetaDbOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code metadb ingest TABLE [FILE|-]}: JSON Lines in, all validated before any is written. */
@Command(name = "ingest", description = {"Append JSON Lines (one payload per line) to a JSON-row table.",
    "Every line is validated first: a bad line exits 2 naming it, and nothing is written.",
    "A \"ts\" member becomes the row's timestamp (default: now); unknown keys are kept."},
        footer = {"", "Examples:", "  metadb ingest ticks ticks.jsonl",
            "  echo '{\"agent\":\"a\",\"kind\":\"poll\",\"status\":\"ok\",\"duration_ms\":12}' | metadb ingest ticks -"})
final class IngestCommand extends RootSubcommand {
    @Parameters(index = "0", paramLabel = "TABLE", description = "a JSON-row table, e.g. token_usage")
    String table;

    @Parameters(index = "1", paramLabel = "FILE", defaultValue = "-", description = "JSON Lines file, or - for stdin (default)")
    String file;

    @Override
    public Integer call() throws IOException {
        long start = System.nanoTime();
        JsonIngest.Prepared rows;
        try (InputStream in = open()) {
            rows = JsonIngest.prepare(table, in, root.now());
        }
        long validated = System.nanoTime();
        IdRange ids;
        long opened;
        try (MetaDb db = MetaDb.open(root.location(), MetaDbOptions.builder().clock(root.clock()).build())) {
            opened = System.nanoTime();
            ids = db.ingest(rows).join();
        }
        if (root.debug) {
            spec.commandLine().getErr().printf("metadb: validated in %d ms, opened in %d ms, wrote and closed in %d ms%n",
                    (validated - start) / 1_000_000, (opened - validated) / 1_000_000, (System.nanoTime() - opened) / 1_000_000);
        }
        spec.commandLine().getOut().println(rows.rows() == 0 ? "wrote 0 rows to " + table
                : "wrote " + rows.rows() + " rows to " + table + " (ids " + ids.first() + ".." + ids.last() + ")");
        return 0;
    }

    /** The input as bytes: JsonIngest decodes each line as UTF-8 itself, to name a line that is not. */
    private InputStream open() throws IOException {
        if (file.equals("-")) {
            return System.in;
        }
        try {
            return Files.newInputStream(Path.of(file));
        } catch (NoSuchFileException e) {
            throw new BadInputException("no such file: " + file);
        }
    }
}
