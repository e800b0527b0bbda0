package io.metadb.dao.internal;

import io.metadb.dao.IdRange;
import io.metadb.dao.IdempotencyKey;
import io.metadb.dao.Ingested;
import io.metadb.dao.internal.JsonTables.JsonTable;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/** The units of work the {@link Writer} queues; each future completes after its transaction committed. */
final class WriteOps {
    private WriteOps() {}

    abstract static class Op {
        abstract int rows();

        abstract void complete();

        abstract void fail(Throwable t);
    }

    /**
     * Rows of one table, already validated and serialised; their ids are taken at commit. Under
     * an idempotency key, the transaction first looks the key up ({@link Writer}): a key already
     * committed (or taken by an earlier write of the same batch) makes this write a repeat that
     * writes nothing, answered as the first; the same key with another request is refused.
     */
    static final class InsertOp extends Op {
        final JsonTable table;
        final String[] ts;
        final String[] json;
        final WriteFuture<Ingested> future;
        /** Null: a write without a key. */
        final IdempotencyKey key;
        long firstId;
        /** Decided per attempt of the transaction: the stored answer this write repeats. */
        Ingested repeats;
        /** Decided per attempt: the earlier write of the same batch this one repeats. */
        InsertOp repeatsOp;
        /** Decided per attempt: why this write is refused (its key was used for another request). */
        RuntimeException refused;

        InsertOp(WriteFuture<Ingested> future, JsonTable table, String[] ts, String[] json, IdempotencyKey key) {
            this.future = future;
            this.table = table;
            this.ts = ts;
            this.json = json;
            this.key = key;
        }

        @Override
        int rows() {
            return ts.length;
        }

        /** Whether this write inserts its rows (it is no repeat and not refused). */
        boolean writes() {
            return repeats == null && repeatsOp == null && refused == null;
        }

        void resetDecision() {
            repeats = null;
            repeatsOp = null;
            refused = null;
        }

        /** What was committed for this write, as first done. */
        Ingested committed() {
            if (repeats != null) {
                return repeats;
            }
            if (repeatsOp != null) {
                return repeatsOp.committed();
            }
            return new Ingested(new IdRange(firstId, firstId + ts.length - 1), ts.length, false);
        }

        @Override
        void complete() {
            if (refused != null) {
                future.completeExceptionally(refused);
                return;
            }
            Ingested first = committed();
            future.complete(writes() ? first : new Ingested(first.ids(), first.rows(), true));
        }

        @Override
        void fail(Throwable t) {
            future.completeExceptionally(t);
        }
    }

    /** A caller's work inside the write transaction. */
    static final class TaskOp<T> extends Op {
        final Function<Tx, T> work;
        final WriteFuture<T> future;
        T result;

        TaskOp(WriteFuture<T> future, Function<Tx, T> work) {
            this.future = future;
            this.work = work;
        }

        void run(Tx tx) {
            result = work.apply(tx);
        }

        @Override
        int rows() {
            return 1;
        }

        @Override
        void complete() {
            future.complete(result);
        }

        @Override
        void fail(Throwable t) {
            future.completeExceptionally(t);
        }
    }

    /** Marks a point in the queue; completes when everything before it committed. */
    static final class Barrier extends Op {
        final CompletableFuture<Void> future;

        Barrier(CompletableFuture<Void> future) {
            this.future = future;
        }

        @Override
        int rows() {
            return 0;
        }

        @Override
        void complete() {
            future.complete(null);
        }

        @Override
        void fail(Throwable t) {
            future.completeExceptionally(t);
        }
    }
}
