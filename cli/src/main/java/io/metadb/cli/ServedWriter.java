package io.metadb.cli;

import io.metadb.core.Location;
import io.metadb.core.SchemaVersion;
import io.metadb.dao.MetaDb;
import io.metadb.dao.MetaDbOptions;
import io.metadb.migrations.Migrations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The server's one writer of its database ({@code ingest}, {@code record}, inserts): opened in
 * the background at start for a file already at this build's schema version that this process
 * may write (a server never migrates a file on its own; the first write opens it otherwise,
 * and says what is wrong), closed with the server (committing what was queued). Once an hour
 * it forgets idempotency keys older than {@link #KEEP_KEYS}. Thread-safe.
 */
final class ServedWriter implements AutoCloseable {
    /** Idempotency keys are kept this long (SPEC §3: at least 24 hours). */
    static final Duration KEEP_KEYS = Duration.ofHours(48);

    private final Path db;
    private MetaDb writer;
    private long keysForgottenNanos;
    private boolean closed;

    ServedWriter(Path db) {
        this.db = db;
    }

    /** Opens it on a thread of its own, then runs {@code then} there (the server's warm-up). */
    void openSoon(Runnable then) {
        Thread t = new Thread(() -> {
            try {
                if (Files.isWritable(db) && Migrations.schemaVersion(db) == SchemaVersion.HEAD) {
                    get();
                }
            } catch (RuntimeException e) {
                // the first write opens it, and says what is wrong
            }
            then.run();
        }, "metadb-writer-open");
        t.setDaemon(true);
        t.start();
    }

    /**
     * The writer, opened if it is not yet.
     *
     * @throws IllegalStateException if the server is stopping
     */
    synchronized MetaDb get() {
        if (closed) {
            throw new IllegalStateException("the server of " + db + " is stopping; run the command again");
        }
        if (writer == null) {
            writer = MetaDb.open(Location.of(db), MetaDbOptions.defaults());
            keysForgottenNanos = System.nanoTime() - TimeUnit.HOURS.toNanos(2);
        }
        if (System.nanoTime() - keysForgottenNanos > TimeUnit.HOURS.toNanos(1)) {
            keysForgottenNanos = System.nanoTime();
            writer.forgetIdempotencyKeys(KEEP_KEYS);
        }
        return writer;
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (writer != null) {
            writer.close();
        }
    }
}
