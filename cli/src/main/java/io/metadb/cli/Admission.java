package io.metadb.cli;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Admission: at most {@code reads} answers computed at once and {@code writes} write
 * requests (which mostly wait for the writer's commit, so more of them are let in); a
 * request that finds no free slot within {@link Commands#ADMISSION_WAIT_MS} gets 503, and
 * nothing of it was done. Thread-safe.
 */
final class Admission {
    /**
     * The bytes of write bodies held at once: a body is validated whole before anything is
     * written, and its rows are held until the commit (about 2.5 times its bytes of heap),
     * so their sum bounds the server's memory for writes.
     */
    static final int WRITE_BODY_BUDGET = 64 * 1024 * 1024;
    private final Semaphore reads;
    private final Semaphore writes;
    private final Semaphore bodyBytes = new Semaphore(WRITE_BODY_BUDGET, true);
    private final int maxReads;
    private final int maxWrites;

    Admission(int maxReads, int maxWrites) {
        this.reads = new Semaphore(maxReads, true);
        this.writes = new Semaphore(maxWrites, true);
        this.maxReads = maxReads;
        this.maxWrites = maxWrites;
    }

    boolean enter(boolean write) {
        try {
            return (write ? writes : reads).tryAcquire(Commands.ADMISSION_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Takes {@code length} bytes of the write body budget, waiting at most
     * {@link Commands#ADMISSION_WAIT_MS}; false if they are not free by then. A body larger
     * than the whole budget is never admitted ({@link #fits}).
     */
    boolean enterBody(long length) {
        try {
            return fits(length) && bodyBytes.tryAcquire((int) length, Commands.ADMISSION_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static boolean fits(long length) {
        return length >= 0 && length <= WRITE_BODY_BUDGET;
    }

    void leaveBody(long length) {
        bodyBytes.release((int) length);
    }

    void leave(boolean write) {
        (write ? writes : reads).release();
    }

    String busy(boolean write) {
        return "metadb: the server is busy (" + (write ? maxWrites + " writes" : maxReads + " requests")
                + " running); try again\n";
    }

    int running() {
        return maxReads - reads.availablePermits();
    }

    int writing() {
        return maxWrites - writes.availablePermits();
    }
}

