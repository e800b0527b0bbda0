package io.metadb.cli;

import io.metadb.core.BadInputException;
import io.metadb.dao.JsonIngest;
import java.io.IOException;
import java.io.InputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code metadb ingest TABLE [FILE|-]}: JSON Lines in, all validated before any is written. */
@Command(name = "ingest", description = {"Append JSON Lines (one payload per line) to a JSON-row table.",
    "Every line is validated first: a bad line exits 2 naming it, and nothing is written.",
    "A \"ts\" member becomes the row's timestamp (default: now); unknown keys are kept."},
        footer = {"", "Examples:", "  metadb ingest ticks ticks.jsonl",
            "  echo '{\"agent\":\"a\",\"kind\":\"poll\",\"status\":\"ok\",\"duration_ms\":12}' | metadb ingest ticks -"})
final class IngestCommand extends RootSubcommand {
    @Parameters(index = "0", paramLabel = "TABLE", description = "a JSON-row table, e.g. token_usage")
    String table;

    @Parameters(index = "1", arity = "0..1", paramLabel = "FILE|-", defaultValue = "-",
            description = "JSON Lines file, or - for stdin (default: stdin)")
    String file;

    @Option(names = "--idempotency-key", paramLabel = "KEY",
            description = "a retry with the same key writes nothing again and prints the first answer")
    String idempotencyKey;

    @Override
    public Integer call() throws IOException {
        long start = System.nanoTime();
        JsonIngest.Prepared rows;
        MessageDigest digest = Appends.newDigest(table);
        try (InputStream in = new DigestInputStream(open(), digest)) {
            rows = JsonIngest.prepare(table, in, root.now());
        }
        if (root.debug) {
            root.err().printf("metadb: validated in %d ms%n", (System.nanoTime() - start) / 1_000_000);
        }
        Appends.write(root, rows, Appends.hex(digest), idempotencyKey, out());
        return 0;
    }

    /** The input as bytes: JsonIngest decodes each line as UTF-8 itself, to name a line that is not. */
    private InputStream open() throws IOException {
        if (file.equals("-")) {
            return root.input();
        }
        if (root.writes != null) {
            // Inside a server a path would name the server's files, not the client's: the
            // launcher sends a file's content as the request body (FILE as "-").
            throw new BadInputException("a served ingest reads its rows from the request (FILE -), not from the"
                    + " server's files");
        }
        try {
            return Files.newInputStream(Path.of(file));
        } catch (NoSuchFileException e) {
            throw new BadInputException("no such file: " + file);
        }
    }
}
