package io.metadb.cli;

import io.metadb.dao.Demo;
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
            List<String> failed = new ArrayList<>();
            for (String run : runs) {
                for (String format : new String[] {"", "--json", "--csv"}) {
                    // The path is one argument whatever it holds (a TMPDIR with a space split it).
                    List<String> args = new ArrayList<>(List.of("--db", db.toString(), "--now", now.toString()));
                    args.addAll(List.of(run.split(" ")));
                    if (!format.isEmpty()) {
                        args.add(format);
                    }
                    if (Main.run(args.toArray(String[]::new), new PrintWriter(sink), new PrintWriter(sink)) != 0) {
                        failed.add(String.join(" ", args));
                    }
                }
            }
            for (String format : new String[] {"--csv", "--json"}) {
                if (Main.run(new String[] {"--db", db.toString(), "query", "SELECT 1", format}, new PrintWriter(sink),
                        new PrintWriter(sink)) != 0) {
                    failed.add("query SELECT 1 " + format);
                }
            }
            if (!failed.isEmpty()) {
                // A partial run would train an archive missing what the failed runs load: say so, and
                // fail, so that bin/metadb keeps no archive of it.
                System.err.println("metadb: the training run failed: " + failed.get(0) + " (and " + (failed.size() - 1)
                        + " more)");
                return Main.EXIT_FAILURE;
            }
            System.out.println("metadb: trained on " + (runs.size() * 3 + 2) + " command lines, all answered");
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
