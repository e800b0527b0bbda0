package io.metadb.cli;

import io.metadb.analytics.Snapshot;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Takes a whole-file snapshot on a second thread while the main thread builds picocli's
 * model (~100 ms that the start-up archive cannot remove), so a report over every table
 * finds its snapshot ready. Used once per process; the command takes it only if it is of
 * the same file, else takes its own. Thread-safe.
 */
final class SnapshotPrefetch {
    private static Path path;
    private static CompletableFuture<Snapshot> pending;

    private SnapshotPrefetch() {}

    /** Starts copying {@code db} in the background. */
    static synchronized void start(Path db) {
        path = db;
        pending = new CompletableFuture<>();
        CompletableFuture<Snapshot> future = pending;
        Thread t = new Thread(() -> {
            try {
                future.complete(Snapshot.of(db));
            } catch (RuntimeException e) {
                future.completeExceptionally(e);
            }
        }, "metadb-snapshot-prefetch");
        t.setDaemon(true);
        t.start();
    }

    /** The prefetched snapshot of {@code db}, or null if none was started for that file. */
    static synchronized Snapshot take(Path db) {
        if (pending == null || !db.equals(path)) {
            return null;
        }
        CompletableFuture<Snapshot> future = pending;
        pending = null;
        try {
            return future.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /** Closes a prefetched snapshot nobody took (the command failed before it read one). */
    static synchronized void discard() {
        if (pending != null) {
            pending.thenAccept(Snapshot::close);
            pending = null;
        }
    }

    /** A whole-file snapshot of {@code db}: the prefetched one if there is one, else a new one. */
    static Snapshot of(Path db) {
        Snapshot s = take(db);
        return s != null ? s : Snapshot.of(db);
    }
}
