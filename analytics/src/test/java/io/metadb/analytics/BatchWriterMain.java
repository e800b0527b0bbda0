package io.metadb.analytics;

import io.metadb.dao.MetaDb;
import io.metadb.payload.Tick;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Child process for SnapshotTest: writes 200-tick transactions until killed, printing COMMITTED after each. */
public final class BatchWriterMain {
    static final int BATCH = 200;

    private BatchWriterMain() {}

    public static void main(String[] args) {
        try (MetaDb db = MetaDb.open(Path.of(args[0]))) {
            for (long n = 0; ; n++) {
                List<Tick> batch = new ArrayList<>();
                for (int i = 0; i < BATCH; i++) {
                    batch.add(new Tick("w", "batch", "ok", n));
                }
                db.dao(Tick.class).recordAll(batch).join();
                System.out.println("COMMITTED");
                System.out.flush();
            }
        }
    }
}
