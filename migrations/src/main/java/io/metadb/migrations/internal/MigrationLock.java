package io.metadb.migrations.internal;

import io.metadb.migrations.MigrationException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An OS lock on {@code <db>-migrate.lock} held while a process migrates a file. The OS
 * drops it when the process dies, unlike Liquibase's lock row, so whoever holds it knows
 * any Liquibase lock in the file is stale. Not thread-safe; one per migration.
 */
public final class MigrationLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private MigrationLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Sidecar lock path of a database file. */
    public static Path lockFile(Path db) {
        return db.resolveSibling(db.getFileName() + "-migrate.lock");
    }

    /** Waits up to {@code waitMs} for the lock. */
    public static MigrationLock acquire(Path db, long waitMs) {
        Path file = lockFile(db);
        long deadline = System.nanoTime() + waitMs * 1_000_000;
        try {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                long sleepMs = 5;
                while (true) {
                    FileLock lock;
                    try {
                        lock = channel.tryLock();
                    } catch (OverlappingFileLockException e) {
                        lock = null; // another thread of this process migrates the same file
                    }
                    if (lock != null) {
                        return new MigrationLock(channel, lock);
                    }
                    if (System.nanoTime() > deadline) {
                        throw new MigrationException("another process has been migrating " + db + " for over "
                                + waitMs / 1000 + " s (it holds " + file + "; find it with: fuser " + file + ")");
                    }
                    Thread.sleep(sleepMs);
                    sleepMs = Math.min(200, sleepMs * 2);
                }
            } catch (RuntimeException | InterruptedException e) {
                channel.close();
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                    throw new MigrationException("interrupted while waiting to migrate " + db, e);
                }
                throw (RuntimeException) e;
            }
        } catch (IOException e) {
            throw new MigrationException("cannot lock " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            throw new MigrationException("cannot release migration lock: " + e.getMessage(), e);
        }
    }
}
