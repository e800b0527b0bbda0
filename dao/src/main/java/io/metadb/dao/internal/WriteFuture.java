package io.metadb.dao.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The future of a write (and of everything chained on it). Waiting for it on the writer
 * thread, in a callback of another write, would wait for ever: the writer would be waiting
 * for itself. Such a wait fails at once instead, saying why. Otherwise a plain
 * {@link CompletableFuture}.
 */
final class WriteFuture<T> extends CompletableFuture<T> {
    private final Thread writer;

    WriteFuture(Thread writer) {
        this.writer = writer;
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new WriteFuture<>(writer);
    }

    private void refuseSelfWait() {
        if (!isDone() && Thread.currentThread() == writer) {
            throw new IllegalStateException("a write's callback waited for a later write on the metadb writer thread,"
                    + " which would wait for ever; chain it with thenCompose or an *Async method instead");
        }
    }

    @Override
    public T join() {
        refuseSelfWait();
        return super.join();
    }

    @Override
    public T get() throws InterruptedException, ExecutionException {
        refuseSelfWait();
        return super.get();
    }

    @Override
    public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        refuseSelfWait();
        return super.get(timeout, unit);
    }
}
