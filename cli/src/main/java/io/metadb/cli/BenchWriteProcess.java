package io.metadb.cli;

import io.metadb.core.Location;
import io.metadb.dao.JsonRowDao;
import io.metadb.dao.MetaDb;
import io.metadb.payload.TokenUsage;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * One writer process of {@code bench write}'s many-process figure: reads the database (a
 * path or URL) from stdin, opens it, prints READY, waits for GO, writes its rows with
 * async record() and flush(), prints DONE.
 */
@Command(name = "write-process", hidden = true, description = "one process of bench write's many-process figure")
final class BenchWriteProcess implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--rows", required = true)
    int rows;

    @Option(names = "--offset", defaultValue = "0")
    int offset;

    @Override
    public Integer call() throws IOException {
        java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in));
        Location db = Location.parse(in.readLine().trim());
        PrintWriter out = spec.commandLine().getOut();
        Random r = new Random(offset);
        List<TokenUsage> payloads = new ArrayList<>(rows);
        for (int i = 0; i < rows; i++) {
            payloads.add(new TokenUsage("agent" + (offset + i) % 8, "session-" + offset, "anthropic",
                    "claude-sonnet-4-20250514", r.nextInt(50_000), r.nextInt(8_000), (long) r.nextInt(100_000),
                    (long) r.nextInt(5_000), r.nextInt(100_000) / 1e4));
        }
        try (MetaDb metaDb = MetaDb.open(db, io.metadb.dao.MetaDbOptions.builder().busyTimeoutMs(60_000).build())) {
            JsonRowDao<TokenUsage> dao = metaDb.dao(TokenUsage.class);
            // Warm-up, as the one-process figures get a warm-up run: the first writes of a
            // fresh JVM load and compile the write path.
            for (int i = 0; i < 5; i++) {
                dao.recordAll(payloads.subList(0, Math.min(200, rows))).join();
            }
            out.println("READY");
            out.flush();
            if (!"GO".equals(in.readLine())) {
                return 1;
            }
            CompletableFuture<Long> last = null;
            for (TokenUsage p : payloads) {
                last = dao.record(p);
            }
            last.join();
            metaDb.flush();
        }
        out.println("DONE");
        out.flush();
        return 0;
    }
}
