package io.metadb.dao.internal;

import io.metadb.core.Location;
import io.metadb.dao.IdRange;
import io.metadb.dao.IdempotencyKey;
import io.metadb.dao.Ingested;
import io.metadb.dao.MetaDbLockedException;
import io.metadb.dao.MetaDbOptions;
import io.metadb.dao.MetaDbUnavailableException;
import io.metadb.dao.internal.JsonTables.JsonTable;
import io.metadb.dao.internal.WriteOps.Barrier;
import io.metadb.dao.internal.WriteOps.InsertOp;
import io.metadb.dao.internal.WriteOps.Op;
import io.metadb.dao.internal.WriteOps.TaskOp;
import java.sql.PreparedStatement;
import org.jooq.DSLContext;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * The one writer of a process: a thread owning one connection for the life of the handle.
 * Callers enqueue writes (blocking when the queue is full); the thread drains what is
 * waiting and commits it in one transaction (group commit), then completes the futures. A
 * transaction that fails for a reason other than the engine's (a lock held too long, a server
 * away too long) is retried one write at a time, so only the writes that really fail see an
 * error. The engine's side, the connection and its transactions, is a {@link WriteSession}.
 * {@link #submit} is thread-safe; everything else runs on the writer thread.
 */
public final class Writer implements AutoCloseable {
    /** How often an idle writer looks whether it was closed (close() also wakes it at once). */
    private static final long IDLE_WAKE_MS = 1000;

    private final Location location;
    private final MetaDbOptions options;
    private final WriteSession session;
    private final IdLeases leases;
    private final BlockingQueue<Op> queue;
    private final Thread thread;
    /** Set once by the first {@link #close}; from then on nothing new is accepted. */
    private final AtomicBoolean closing = new AtomicBoolean();
    /** Writes queued by callbacks running on the writer thread (never blocks it on itself). */
    private final ArrayDeque<Op> own = new ArrayDeque<>();
    /** A write taken from the queue that did not fit the batch it was taken for (writer thread only). */
    private Op carried;
    private volatile long commits; // written by the writer thread only, read by any
    private volatile long reconnects; // likewise

    /**
     * Opens the writer of {@code location}: its connection, and the thread that commits. On
     * PostgreSQL a connection the server dropped (a restart, a network cut) is opened again.
     *
     * @throws IllegalStateException if the database cannot be opened for writing
     */
    public Writer(Location location, MetaDbOptions options) {
        this.location = location;
        this.options = options;
        this.session = WriteSession.open(location, options);
        this.leases = new IdLeases(options.leaseSize());
        this.queue = new ArrayBlockingQueue<>(options.queueCapacity());
        this.thread = new Thread(this::loop, "metadb-writer " + location.engine().label(location));
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Queues rows of one table (already validated and serialised); one transaction. */
    public CompletableFuture<IdRange> insert(JsonTable table, String[] ts, String[] json) {
        return insert(table, ts, json, null).thenApply(Ingested::ids);
    }

    /**
     * Queues rows of one table under an idempotency key (null: none): the rows and the key
     * commit together, or a repeat of the key commits nothing and is answered as the first.
     */
    public CompletableFuture<Ingested> insert(JsonTable table, String[] ts, String[] json, IdempotencyKey key) {
        InsertOp op = new InsertOp(new WriteFuture<>(thread), table, ts, json, key);
        enqueue(op);
        return op.future;
    }

    /** Queues work to run inside a write transaction. */
    public <T> CompletableFuture<T> submit(Function<Tx, T> work) {
        TaskOp<T> op = new TaskOp<>(new WriteFuture<>(thread), work);
        enqueue(op);
        return op.future;
    }

    /** A future completed once everything queued before it has committed. */
    public CompletableFuture<Void> barrier() {
        Barrier op = new Barrier(new WriteFuture<>(thread));
        enqueue(op);
        return op.future;
    }

    /** Whether the caller is this writer's thread (a write's callback). */
    public boolean onWriterThread() {
        return Thread.currentThread() == thread;
    }

    /** Transactions committed so far. */
    public long commits() {
        return commits;
    }

    /** Connections re-opened after PostgreSQL dropped one. */
    public long reconnects() {
        return reconnects;
    }

    /** Id leases taken so far. */
    public long leaseCount() {
        return leases.leaseCount();
    }

    private IllegalStateException closed() {
        return new IllegalStateException("metadb handle for " + location + " is closed");
    }

    private void enqueue(Op op) {
        if (closing.get()) {
            throw closed();
        }
        if (onWriterThread()) {
            // A callback of an earlier write: queueing may not wait for the writer, which is
            // this thread (a full queue would wait for ever). The loop takes these first.
            own.add(op);
            return;
        }
        try {
            queue.put(op); // back-pressure: block, never drop
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while queueing a write to " + location, e);
        }
        if (closing.get() && queue.remove(op)) {
            // Queued after the writer may have finished: nobody would ever complete it.
            throw closed();
        }
    }

    /**
     * Takes writes and commits them until the handle closes and nothing is left. Nothing a
     * caller's code does ends it: a callback completing a future runs here, and may throw
     * (the future records it), set this thread's interrupt flag (cleared after each batch and
     * otherwise ignored: only {@link #close} stops the writer) or queue more writes.
     */
    private void loop() {
        warmUp();
        List<Op> batch = new ArrayList<>();
        while (true) {
            batch.clear();
            Op first = next(0);
            if (first == null) {
                if (closing.get() && queue.isEmpty() && own.isEmpty()) {
                    break;
                }
                first = next(IDLE_WAKE_MS * 1_000_000L);
                if (first == null) {
                    continue;
                }
            }
            batch.add(first);
            int rows = first.rows();
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(options.maxBatchLatencyMs());
            while (rows < options.maxBatchRows()) {
                Op more = next(Math.max(0, deadline - System.nanoTime()));
                if (more == null) {
                    break;
                }
                if (rows + more.rows() > options.maxBatchRows()) {
                    carried = more; // it opens the next batch: no batch is pushed past the bound by a whole write
                    break;
                }
                batch.add(more);
                rows += more.rows();
            }
            try {
                commit(batch);
            } catch (RuntimeException | Error e) {
                // Never let the writer thread die: callers would wait forever. Futures already
                // completed ignore this; the rest learn what happened.
                for (Op op : batch) {
                    op.fail(e);
                }
            }
            Thread.interrupted(); // a callback's interrupt is not a request to stop
        }
        finish();
    }

    /** The next write: a callback's first, else the queue's, waiting up to {@code waitNanos}. */
    private Op next(long waitNanos) {
        if (carried != null) {
            Op c = carried;
            carried = null;
            return c;
        }
        Op op = own.poll();
        if (op != null) {
            return op;
        }
        try {
            return waitNanos > 0 ? queue.poll(waitNanos, TimeUnit.NANOSECONDS) : queue.poll();
        } catch (InterruptedException e) {
            return null; // ignored, as above; the loop looks again
        }
    }

    private void commit(List<Op> batch) {
        List<Op> work = new ArrayList<>(batch.size());
        for (Op op : batch) {
            if (!(op instanceof Barrier)) {
                work.add(op);
            }
        }
        if (!work.isEmpty()) {
            try {
                runTransaction(work);
                work.forEach(Op::complete);
            } catch (MetaDbUnavailableException | MetaDbLockedException e) {
                work.forEach(op -> op.fail(e)); // the engine said no: each alone would hear the same
            } catch (Exception e) {
                if (work.size() == 1) {
                    work.get(0).fail(e);
                } else {
                    // Nothing committed: run each write alone so only the bad ones fail.
                    for (Op op : work) {
                        try {
                            runTransaction(List.of(op));
                            op.complete();
                        } catch (Exception single) {
                            op.fail(single);
                        }
                    }
                }
            }
            reconnects = session.reconnects();
            session.afterCommit(queue.isEmpty());
        }
        for (Op op : batch) {
            if (op instanceof Barrier) {
                op.complete();
            }
        }
    }

    /** One transaction of {@code work}: ids taken in table order, inserts batched per table. */
    private void runTransaction(List<Op> work) throws Exception {
        session.transaction(new WriteSession.Body() {
            @Override
            public void run() throws Exception {
                leases.begin();
                Tx tx = new Tx(session.dsl(), leases);
                Map<JsonTable, List<InsertOp>> inserts = new LinkedHashMap<>();
                IdempotencyKeys.decide(session, work);
                takeIdsInTableOrder(work);
                for (Op op : work) {
                    if (op instanceof InsertOp insert) {
                        if (insert.rows() > 0 && insert.writes()) {
                            inserts.computeIfAbsent(insert.table, t -> new ArrayList<>()).add(insert);
                        }
                    } else {
                        flushInserts(inserts);
                        ((TaskOp<?>) op).run(tx);
                    }
                }
                flushInserts(inserts);
                IdempotencyKeys.record(session, work);
            }

            @Override
            public void aborted() {
                leases.rollback();
            }
        });
        commits++;
    }

    /**
     * Gives a batch's inserts their ids table by table, in table-name order, each table's
     * inserts in the order they came: two PostgreSQL writers leasing for the same tables in
     * different orders would otherwise deadlock on the {@code ids} rows (on SQLite the write
     * lock already serialises writers). Leases are per table, so each insert gets the id it
     * would get in arrival order: the same ids on both engines.
     */
    private void takeIdsInTableOrder(List<Op> work) {
        Map<String, List<InsertOp>> byTable = new TreeMap<>();
        for (Op op : work) {
            if (op instanceof InsertOp insert && insert.rows() > 0 && insert.writes()) {
                byTable.computeIfAbsent(insert.table.table().getName(), t -> new ArrayList<>()).add(insert);
            }
        }
        for (List<InsertOp> ops : byTable.values()) {
            for (InsertOp insert : ops) {
                insert.firstId = leases.take(session.dsl(), insert.table.table(), insert.table.id(), insert.rows());
            }
        }
    }

    /**
     * Loads what the first write needs of jOOQ (~900 classes, 0.85 s in a new JVM, measured)
     * and of Jackson on this thread as it starts, while {@code MetaDb.open} has already
     * returned to its caller: a service's own start-up goes on meanwhile, and a write queued
     * in the meantime waits no longer than it would have. Renders statements, runs none.
     */
    private void warmUp() {
        try {
            JsonTable t = JsonTables.all().iterator().next();
            io.metadb.payload.Tick tick = new io.metadb.payload.Tick("warm-up", "warm-up", io.metadb.payload.Tick.OK, 0);
            JsonTables.byType(io.metadb.payload.Tick.class).spec().validate(tick); // what a first record() runs
            Json.write(tick);
            DSLContext dsl = session.dsl();
            if (dsl != null) {
                dsl.render(dsl.insertInto(t.table(), t.id(), t.tsText(), t.rowJson()).values((Long) null, null, null));
                IdLeases.render(dsl, t.table(), t.id());
            }
        } catch (RuntimeException e) {
            // Only a warm-up: the first write reports whatever is wrong.
        }
    }

    /**
     * One executeBatch per table on a prepared statement kept for the life of the connection.
     * The SQL is rendered once by jOOQ from the generated table (explicit column list
     * {@code id, ts, row_json}: SQLite computes the generated columns). Measured with
     * {@code metadb bench write}: jOOQ's {@code batch(query).bind(...)} reached ~0.8x raw
     * JDBC because it prepares the statement per batch and binds through jOOQ's converters;
     * this path reaches ~0.9x-1.0x.
     */
    private void flushInserts(Map<JsonTable, List<InsertOp>> inserts) throws SQLException {
        for (var entry : inserts.entrySet()) {
            JsonTable t = entry.getKey();
            PreparedStatement ps = session.prepared(t, () -> session.dsl().render(session.dsl()
                    .insertInto(t.table(), t.id(), t.tsText(), t.rowJson()).values((Long) null, null, null)));
            for (InsertOp op : entry.getValue()) {
                for (int i = 0; i < op.ts.length; i++) {
                    ps.setLong(1, op.firstId + i);
                    ps.setString(2, op.ts[i]);
                    ps.setString(3, op.json[i]);
                    ps.addBatch();
                }
            }
            ps.executeBatch();
        }
        inserts.clear();
    }

    /**
     * Stops taking writes, lets the writer commit everything queued, checkpoint and close the
     * connection, and waits for that. Safe from any thread, at once from several (each waits
     * for the one shutdown), with the interrupt flag set (kept set, not obeyed: returning
     * before the writer finished would leave writes uncommitted), and from a write's callback
     * (returns at once; the writer finishes after that batch).
     */
    @Override
    public void close() {
        if (closing.compareAndSet(false, true)) {
            queue.offer(new Barrier(new CompletableFuture<>())); // wakes an idle writer now
        }
        if (onWriterThread()) {
            return;
        }
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** On the writer thread, after its last batch: fail what raced the close, checkpoint, close. */
    private void finish() {
        try {
            List<Op> late = new ArrayList<>(own);
            queue.drainTo(late);
            late.forEach(op -> op.fail(closed()));
            session.beforeClose();
        } finally {
            session.close();
        }
    }
}
