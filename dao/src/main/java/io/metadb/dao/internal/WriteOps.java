package io.metadb.dao.internal;

import io.metadb.dao.IdRange;
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

    /** Rows of one table, already validated and serialised; their ids are taken at commit. */
    static final class InsertOp extends Op {
        final JsonTable table;
        final String[] ts;
        final String[] json;
        final WriteFuture<IdRange> future;
        long firstId;

        InsertOp(WriteFuture<IdRange> future, JsonTable table, String[] ts, String[] json) {
            this.future = future;
            this.table = table;
            this.ts = ts;
            this.json = json;
        }

        @Override
        int rows() {
            return ts.length;
        }

        @Override
        void complete() {
            future.complete(new IdRange(firstId, firstId + ts.length - 1));
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
