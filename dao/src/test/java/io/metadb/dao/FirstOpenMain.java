package io.metadb.dao;

import io.metadb.payload.Tick;
import java.nio.file.Path;

/**
 * One measurement of bench/first-open.sh, in a JVM of its own: the first {@code MetaDb.open}
 * of an up-to-date file, then (after the service's own start-up, {@code args[1]} ms) the
 * first committed write. Prints "open_ms first_write_ms".
 */
public final class FirstOpenMain {
    private FirstOpenMain() {}

    public static void main(String[] args) throws Exception {
        long t0 = System.nanoTime();
        try (MetaDb db = MetaDb.open(Path.of(args[0]))) {
            long opened = System.nanoTime();
            Thread.sleep(Long.parseLong(args[1]));
            long t2 = System.nanoTime();
            db.dao(Tick.class).record(new Tick("bench", "first-open", Tick.OK, 1)).join();
            long written = System.nanoTime();
            System.out.println((opened - t0) / 1_000_000 + " " + (written - t2) / 1_000_000);
        }
    }
}
