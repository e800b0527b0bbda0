package io.metadb.dao;

import io.metadb.core.BadInputException;
import java.time.Clock;
import java.util.Objects;

/**
 * Settings of a {@link MetaDb} handle. Built with {@link #builder()}, validated once by
 * {@link Builder#build()}, immutable afterwards; thread-safe.
 */
public final class MetaDbOptions {
    /** How long a write waits for another process's lock before failing. */
    public static final int DEFAULT_BUSY_TIMEOUT_MS = 10_000;
    /** Writes (not rows) that may wait for the writer before callers block. */
    public static final int DEFAULT_QUEUE_CAPACITY = 16_384;
    /** Rows committed in one transaction at most (a single recordAll is never split). */
    public static final int DEFAULT_MAX_BATCH_ROWS = 20_000;
    /** How long the writer waits for more writes before committing; 0 commits at once. */
    public static final int DEFAULT_MAX_BATCH_LATENCY_MS = 0;
    /** Smallest id block leased from {@code ids}; blocks grow with the write rate. */
    public static final int DEFAULT_LEASE_SIZE = 64;
    /** Largest id block leased at once (a larger recordAll leases exactly its size). */
    public static final int MAX_LEASE_SIZE = 65_536;
    /** WAL size above which the writer checkpoints with RESTART after a commit. */
    public static final long DEFAULT_WAL_CHECKPOINT_BYTES = 64L * 1024 * 1024;

    /** SQLite's {@code synchronous}: NORMAL survives process crashes, FULL also power loss. */
    public enum Synchronous { OFF, NORMAL, FULL }

    private final int busyTimeoutMs;
    private final int queueCapacity;
    private final int maxBatchRows;
    private final int maxBatchLatencyMs;
    private final int leaseSize;
    private final long walCheckpointBytes;
    private final Synchronous synchronous;
    private final Clock clock;

    private MetaDbOptions(Builder b) {
        this.busyTimeoutMs = b.busyTimeoutMs;
        this.queueCapacity = b.queueCapacity;
        this.maxBatchRows = b.maxBatchRows;
        this.maxBatchLatencyMs = b.maxBatchLatencyMs;
        this.leaseSize = b.leaseSize;
        this.walCheckpointBytes = b.walCheckpointBytes;
        this.synchronous = b.synchronous;
        this.clock = b.clock;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static MetaDbOptions defaults() {
        return builder().build();
    }

    public int busyTimeoutMs() {
        return busyTimeoutMs;
    }

    public int queueCapacity() {
        return queueCapacity;
    }

    public int maxBatchRows() {
        return maxBatchRows;
    }

    public int maxBatchLatencyMs() {
        return maxBatchLatencyMs;
    }

    public int leaseSize() {
        return leaseSize;
    }

    public long walCheckpointBytes() {
        return walCheckpointBytes;
    }

    public Synchronous synchronous() {
        return synchronous;
    }

    /** The clock that stamps rows written without a ts. */
    public Clock clock() {
        return clock;
    }

    /** Mutable builder; not thread-safe. */
    public static final class Builder {
        private int busyTimeoutMs = DEFAULT_BUSY_TIMEOUT_MS;
        private int queueCapacity = DEFAULT_QUEUE_CAPACITY;
        private int maxBatchRows = DEFAULT_MAX_BATCH_ROWS;
        private int maxBatchLatencyMs = DEFAULT_MAX_BATCH_LATENCY_MS;
        private int leaseSize = DEFAULT_LEASE_SIZE;
        private long walCheckpointBytes = DEFAULT_WAL_CHECKPOINT_BYTES;
        private Synchronous synchronous = Synchronous.NORMAL;
        private Clock clock = Clock.systemUTC();

        private Builder() {}

        public Builder busyTimeoutMs(int v) {
            busyTimeoutMs = v;
            return this;
        }

        public Builder queueCapacity(int v) {
            queueCapacity = v;
            return this;
        }

        public Builder maxBatchRows(int v) {
            maxBatchRows = v;
            return this;
        }

        public Builder maxBatchLatencyMs(int v) {
            maxBatchLatencyMs = v;
            return this;
        }

        public Builder leaseSize(int v) {
            leaseSize = v;
            return this;
        }

        public Builder walCheckpointBytes(long v) {
            walCheckpointBytes = v;
            return this;
        }

        public Builder synchronous(Synchronous v) {
            synchronous = v;
            return this;
        }

        public Builder clock(Clock v) {
            clock = v;
            return this;
        }

        /** Validates and freezes the settings. */
        public MetaDbOptions build() {
            require(busyTimeoutMs >= 0, "busyTimeoutMs must be >= 0, was " + busyTimeoutMs);
            require(queueCapacity >= 1, "queueCapacity must be >= 1, was " + queueCapacity);
            require(maxBatchRows >= 1, "maxBatchRows must be >= 1, was " + maxBatchRows);
            require(maxBatchLatencyMs >= 0, "maxBatchLatencyMs must be >= 0, was " + maxBatchLatencyMs);
            require(leaseSize >= 1 && leaseSize <= MAX_LEASE_SIZE,
                    "leaseSize must be 1.." + MAX_LEASE_SIZE + ", was " + leaseSize);
            require(walCheckpointBytes >= 0, "walCheckpointBytes must be >= 0, was " + walCheckpointBytes);
            Objects.requireNonNull(synchronous, "synchronous");
            Objects.requireNonNull(clock, "clock");
            return new MetaDbOptions(this);
        }

        private static void require(boolean ok, String message) {
            if (!ok) {
                throw new BadInputException(message);
            }
        }
    }
}
