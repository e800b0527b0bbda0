package io.metadb.cli;

import io.metadb.analytics.Reports;
import io.metadb.dao.MetaDb;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;

/**
 * Hidden {@code metadb __warm}: the training run behind the launcher's class-data-sharing
 * archive. It exercises the operator's paths (every report's examples in every format, query)
 * on a small throw-away database so that the archive holds the classes they load.
 */
@Command(name = "__warm", hidden = true, description = "Training run for the start-up archive (used by bin/metadb).")
final class WarmCommand implements Callable<Integer> {
    @Override
    public Integer call() throws IOException {
        Path dir = Files.createTempDirectory("metadb-warm");
        try {
            Path db = dir.resolve("warm.db");
            Instant now = Instant.parse("2026-04-20T12:00:00.000Z");
            try (MetaDb metaDb = MetaDb.open(db)) {
                new Demo(metaDb, 1, now, 0.01).run();
            }
            StringWriter sink = new StringWriter();
            List<String> runs = new ArrayList<>();
            Reports.all().forEach(r -> runs.addAll(r.examples()));
            for (String run : runs) {
                for (String format : new String[] {"", "--json", "--csv"}) {
                    String[] args = (("--db " + db + " --now " + now + " ") + run + " " + format).trim().split(" ");
                    Main.run(args, new PrintWriter(sink), new PrintWriter(sink));
                }
            }
            for (String format : new String[] {"--csv", "--json"}) {
                Main.run(new String[] {"--db", db.toString(), "query", "SELECT 1", format}, new PrintWriter(sink),
                        new PrintWriter(sink));
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
        return 0;
    }
}
