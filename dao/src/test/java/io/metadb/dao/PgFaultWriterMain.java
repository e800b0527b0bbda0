package io.metadb.dao;

import io.metadb.core.Location;
import io.metadb.payload.Tick;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Child-process writer for the PostgreSQL fault tests. {@code PgFaultWriterMain URL AGENT ROWS}
 * writes ROWS ticks of AGENT whose {@code duration_ms} is a sequence number 0..ROWS-1 (so a
 * row is identified by agent and number), in batches of 1-50 with several in flight, and
 * prints for each write {@code OK seq count firstId} or {@code FAIL seq count reason}, then
 * {@code RECONNECTS n} and {@code DONE}.
 */
public final class PgFaultWriterMain {
    private PgFaultWriterMain() {}

    public static void main(String[] args) {
        Location db = Location.parse(args[0]);
        String agent = args[1];
        int rows = Integer.parseInt(args[2]);
        try (MetaDb metaDb = MetaDb.open(db, MetaDbOptions.builder().busyTimeoutMs(20_000).build())) {
            JsonRowDao<Tick> ticks = metaDb.dao(Tick.class);
            int seq = 0;
            int size = 1;
            List<Runnable> reports = new ArrayList<>();
            while (seq < rows) {
                reports.clear();
                for (int inFlight = 0; inFlight < 8 && seq < rows; inFlight++) {
                    int first = seq;
                    int n = Math.min(size, rows - seq);
                    List<Tick> batch = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        batch.add(new Tick(agent, "fault", "ok", first + i));
                    }
                    seq += n;
                    size = size % 50 + 7;
                    CompletableFuture<IdRange> f = ticks.recordAll(batch);
                    reports.add(() -> {
                        try {
                            IdRange r = f.join();
                            System.out.println("OK " + first + " " + n + " " + r.first());
                        } catch (CompletionException e) {
                            System.out.println("FAIL " + first + " " + n + " " + e.getCause().getClass().getSimpleName()
                                    + ": " + String.valueOf(e.getCause().getMessage()).lines().findFirst().orElse(""));
                        }
                    });
                }
                reports.forEach(Runnable::run);
                System.out.flush();
            }
            metaDb.flush();
            System.out.println("RECONNECTS " + metaDb.reconnects());
        }
        System.out.println("DONE");
    }
}
