package io.metadb.dao;

import io.metadb.payload.Tick;
import java.nio.file.Path;

/**
 * Child process for issue 10 §4: a write's callback sets the interrupt flag on the writer
 * thread; two more writes follow, and the process prints WROTE once they committed, then waits
 * for SIGTERM (its shutdown hook must close the handle and let the JVM exit).
 */
public final class InterruptingCallbackMain {
    private InterruptingCallbackMain() {}

    public static void main(String[] args) throws Exception {
        MetaDb db = MetaDb.open(Path.of(args[0]));
        db.dao(Tick.class).record(new Tick("a", "k", "ok", 1)).thenRun(() -> Thread.currentThread().interrupt()).join();
        db.dao(Tick.class).record(new Tick("a", "k", "ok", 2));
        db.dao(Tick.class).record(new Tick("a", "k", "ok", 3)).join();
        System.out.println("WROTE");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
