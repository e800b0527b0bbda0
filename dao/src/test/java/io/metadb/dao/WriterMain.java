package io.metadb.dao;

import io.metadb.payload.Tick;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Child-process writer for the multi-process and crash tests.
 * {@code WriterMain DB AGENT ROWS} (DB: a path or a PostgreSQL URL): writes ROWS ticks (singles and batches mixed), prints
 * each committed batch's id range as {@code COMMITTED first last}, then {@code DONE}.
 * ROWS = -1 writes forever (until killed).
 */
public final class WriterMain {
    private WriterMain() {}

    public static void main(String[] args) {
        io.metadb.core.Location db = io.metadb.core.Location.parse(args[0]);
        String agent = args[1];
        long rows = Long.parseLong(args[2]);
        try (MetaDb metaDb = MetaDb.open(db, MetaDbOptions.builder().busyTimeoutMs(30_000).build())) {
            JsonRowDao<Tick> ticks = metaDb.dao(Tick.class);
            long written = 0;
            int round = 0;
            while (rows < 0 || written < rows) {
                round++;
                if (round % 2 == 0) {
                    List<Tick> batch = new ArrayList<>();
                    for (int i = 0; i < 200 && (rows < 0 || written + batch.size() < rows); i++) {
                        batch.add(new Tick(agent, "batch", "ok", i));
                    }
                    IdRange r = ticks.recordAll(batch).join();
                    written += batch.size();
                    System.out.println("COMMITTED " + r.first() + " " + r.last());
                } else {
                    List<CompletableFuture<Long>> singles = new ArrayList<>();
                    for (int i = 0; i < 50 && (rows < 0 || written + singles.size() < rows); i++) {
                        singles.add(ticks.record(new Tick(agent, "single", "ok", i)));
                    }
                    for (CompletableFuture<Long> f : singles) {
                        long id = f.join();
                        System.out.println("COMMITTED " + id + " " + id);
                    }
                    written += singles.size();
                }
                System.out.flush();
            }
        }
        System.out.println("DONE");
    }
}
