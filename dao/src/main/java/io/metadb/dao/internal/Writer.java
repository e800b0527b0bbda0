package io.metadb.dao.internal;

import io.metadb.dao.IdRange;
import io.metadb.dao.MetaDbLockedException;
import io.metadb.dao.MetaDbOptions;
import io.metadb.dao.MetaDbUnavailableException;
import io.metadb.core.Location;
import io.metadb.core.PgDatabases;
import io.metadb.dao.internal.JsonTables.JsonTable;
import io.metadb.core.SqliteFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.jooq.DSLContext;
import org.sqlite.SQLiteException;

/**
 * The one writer of a process: a thread owning one connection for the life of the handle.
 * Callers enqueue writes (blocking when the queue is full); the thread drains what is
 * waiting and commits it in one {@code BEGIN IMMEDIATE} transaction (group commit), then
 * completes the futures. A transaction that fails for a reason other than the lock is
 * retried one write at a time, so only the writes that really fail see an error.
 * {@link #submit} is thread-safe; everything else runs on the writer thread.
 */
public final class Writer implements AutoCloseable {
    /** A unit of work; its future completes after its transaction committed. */
    private abstract static class Op {
        abstract int rows();

        abstract void complete();

        abstract void fail(Throwable t);
    }

    private static final class InsertOp extends Op {
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

    private static final class TaskOp<T> extends Op {
        final Function<Tx, T> work;
        final WriteFuture<T> future;
        T result;

        TaskOp(WriteFuture<T> future, Function<Tx, T> work) {
            this.future = future;
            this.work = work;
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
    private static final class Barrier extends Op {
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

    /** The PostgreSQL connection is gone; whether the transaction committed is settled. */
    private static final class ConnectionLostException extends Exception {
        private static final long serialVersionUID = 1L;

        ConnectionLostException(Throwable cause) {
            super(cause);
        }
    }

    /** Opens the writer's connection again after PostgreSQL dropped it. */
    @FunctionalInterface
    public interface Connector {
        Connection open() throws SQLException;
    }

    private static final class LockedException extends Exception {
        private static final long serialVersionUID = 1L;

        LockedException(SQLException cause) {
            super(cause);
        }
    }

    /** How often an idle writer looks whether it was closed (close() also wakes it at once). */
    private static final long IDLE_WAKE_MS = 1000;
    /** WAL size above which an idle writer checkpoints (SQLite's default auto-checkpoint is ~4 MB). */
    static final long IDLE_CHECKPOINT_BYTES = 4L * 1024 * 1024;
    /** How long a TRUNCATE checkpoint waits for readers to leave the log. */
    private static final int RESTART_WAIT_MS = 100;
    /** After a checkpoint found a reader in the log, the next attempt waits this long. */
    private static final long RESTART_INTERVAL_NANOS = 1_000_000_000L;

    private final Location location;
    private final Path db;
    private final boolean postgres;
    private final Connector connector;
    private final MetaDbOptions options;
    private Connection connection;
    private DSLContext dsl;
    /** When the PostgreSQL server was first found unreachable, 0 while it is reachable. */
    private long unreachableSinceNanos;
    /** When a connection to the PostgreSQL server last failed. */
    private long lastFailedAttemptNanos;
    private final IdLeases leases;
    private final BlockingQueue<Op> queue;
    private final Thread thread;
    private final Path walFile;
    private final Map<JsonTable, PreparedStatement> insertStatements = new java.util.HashMap<>();
    /** Set once by the first {@link #close}; from then on nothing new is accepted. */
    private final AtomicBoolean closing = new AtomicBoolean();
    /** Writes queued by callbacks running on the writer thread (never blocks it on itself). */
    private final ArrayDeque<Op> own = new ArrayDeque<>();
    /** A write taken from the queue that did not fit the batch it was taken for (writer thread only). */
    private Op carried;
    private long lastBusyCheckpointNanos;
    private volatile long commits; // written by the writer thread only, read by any
    private volatile long reconnects; // likewise

    /** The writer of a SQLite file. */
    public Writer(Path db, Connection connection, MetaDbOptions options) {
        this(Location.of(db), connection, null, options);
    }

    /**
     * The writer of {@code location} over {@code connection}; on PostgreSQL {@code connector}
     * opens a new connection when the server dropped the old one (a restart, a network cut).
     */
    public Writer(Location location, Connection connection, Connector connector, MetaDbOptions options) {
        this.location = location;
        this.postgres = location.isPostgres();
        this.db = postgres ? null : location.file();
        this.connector = connector;
        this.options = options;
        this.connection = connection;
        this.dsl = postgres ? PgDatabases.dsl(connection) : SqliteFiles.dsl(connection);
        this.leases = new IdLeases(options.leaseSize());
        this.queue = new ArrayBlockingQueue<>(options.queueCapacity());
        this.walFile = postgres ? null : db.resolveSibling(db.getFileName() + "-wal");
        try {
            if (postgres) {
                connection.setAutoCommit(false);
            } else {
                // Checkpoints run when the writer is idle (see maybeCheckpoint), not inside a
                // commit: SQLite's auto-checkpoint made every ~1000th commit wait for it, which
                // was most of record().join()'s p99 (5 ms -> 0.4 ms with 4 callers, measured).
                execute("PRAGMA wal_autocheckpoint = 0");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot configure the writer connection for " + location + ": "
                    + e.getMessage(), e);
        }
        this.thread = new Thread(this::loop, "metadb-writer " + (postgres ? location : db.getFileName()));
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Queues rows of one table (already validated and serialised); one transaction. */
    public CompletableFuture<IdRange> insert(JsonTable table, String[] ts, String[] json) {
        InsertOp op = new InsertOp(new WriteFuture<>(thread), table, ts, json);
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
                runTransactionReconnecting(work);
                work.forEach(Op::complete);
            } catch (MetaDbUnavailableException e) {
                work.forEach(op -> op.fail(e));
            } catch (LockedException e) {
                MetaDbLockedException locked = new MetaDbLockedException(db, options.busyTimeoutMs(), e.getCause());
                work.forEach(op -> op.fail(locked));
            } catch (Exception e) {
                if (work.size() == 1) {
                    work.get(0).fail(e);
                } else {
                    // Nothing committed: run each write alone so only the bad ones fail.
                    for (Op op : work) {
                        try {
                            runTransactionReconnecting(List.of(op));
                            op.complete();
                        } catch (MetaDbUnavailableException unavailable) {
                            op.fail(unavailable);
                        } catch (LockedException le) {
                            op.fail(new MetaDbLockedException(db, options.busyTimeoutMs(), le.getCause()));
                        } catch (Exception single) {
                            op.fail(single);
                        }
                    }
                }
            }
            maybeCheckpoint();
        }
        for (Op op : batch) {
            if (op instanceof Barrier) {
                op.complete();
            }
        }
    }

    /**
     * One transaction; on PostgreSQL, a lost connection is re-opened and the transaction run
     * again (it did not commit: {@link #runTransaction} settled that) until the server has
     * been unreachable for the configured wait, then {@link MetaDbUnavailableException}.
     */
    private void runTransactionReconnecting(List<Op> work) throws Exception {
        while (true) {
            try {
                if (postgres && (connection == null || isClosed(connection))) {
                    dropConnection();
                    reconnect();
                }
                runTransaction(work);
                return;
            } catch (ConnectionLostException lost) {
                dropConnection();
                reconnect();
            }
        }
    }

    /** Connects again, retrying with backoff until the server has been away for the configured wait. */
    private void reconnect() throws MetaDbUnavailableException {
        long now = System.nanoTime();
        long waitNanos = TimeUnit.MILLISECONDS.toNanos(options.busyTimeoutMs());
        // The clock of an outage runs while writes keep finding the server away (they then fail
        // at once, not after a whole wait each); one that nobody tried for a whole wait may have
        // ended and this be another, which gets its whole wait.
        if (unreachableSinceNanos == 0 || now - lastFailedAttemptNanos > waitNanos) {
            unreachableSinceNanos = now;
        }
        long deadline = unreachableSinceNanos + waitNanos;
        long backoffMs = 20;
        SQLException last = null;
        do {
            Connection fresh = null;
            try {
                fresh = connector.open();
                fresh.setAutoCommit(false);
                connection = fresh;
                dsl = PgDatabases.dsl(fresh);
                unreachableSinceNanos = 0;
                reconnects++;
                return;
            } catch (SQLException e) {
                last = e;
                lastFailedAttemptNanos = System.nanoTime();
                if (fresh != null) {
                    closeQuietly(fresh); // opened, then failed: never left open
                }
            }
            try {
                Thread.sleep(backoffMs);
            } catch (InterruptedException ie) {
                // a callback's interrupt: not a request to stop (see loop)
            }
            backoffMs = Math.min(backoffMs * 2, 500);
        } while (System.nanoTime() < deadline);
        throw new MetaDbUnavailableException(location + " has been unreachable for over "
                + options.busyTimeoutMs() / 1000.0 + " s (" + PgDatabases.reason(last) + "); the write was not committed",
                last);
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // already broken
        }
    }

    private void dropConnection() {
        insertStatements.clear();
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // already broken
            }
        }
        connection = null;
    }

    private void runTransaction(List<Op> work) throws Exception {
        begin();
        leases.begin();
        // On PostgreSQL a connection lost during COMMIT leaves the outcome unknown; the
        // transaction's id, asked for first, lets the server say afterwards which it was.
        String xid = null;
        boolean committing = false;
        try {
            if (postgres) {
                xid = transactionId();
            }
            Tx tx = new Tx(dsl, leases);
            Map<JsonTable, List<InsertOp>> inserts = new LinkedHashMap<>();
            takeIdsInTableOrder(work);
            for (Op op : work) {
                if (op instanceof InsertOp insert) {
                    if (insert.rows() > 0) {
                        inserts.computeIfAbsent(insert.table, t -> new ArrayList<>()).add(insert);
                    }
                } else {
                    flushInserts(inserts);
                    runTask((TaskOp<?>) op, tx);
                }
            }
            flushInserts(inserts);
            committing = true;
            if (postgres) {
                connection.commit();
            } else {
                execute("COMMIT");
            }
            commits++;
        } catch (Exception | AssertionError e) {
            // (The driver asserts its connection is open: with -ea a closed one is an AssertionError.)
            if (postgres && (PgDatabases.isConnectionLost(e) || isClosed(connection))) {
                if (committing && settleCommit(xid, e)) {
                    commits++;
                    return; // it committed: the leases it spent stay spent
                }
                leases.rollback();
                throw new ConnectionLostException(e);
            }
            leases.rollback();
            try {
                if (postgres) {
                    connection.rollback();
                } else {
                    execute("ROLLBACK");
                }
            } catch (SQLException ignored) {
                // no transaction left to roll back (SQLite rolled it back itself)
            }
            if (e instanceof AssertionError ae) {
                throw ae;
            }
            throw (Exception) e;
        }
    }

    private static boolean isClosed(Connection c) {
        try {
            return c.isClosed();
        } catch (SQLException e) {
            return true;
        }
    }

    /** The PostgreSQL transaction's id (assigning one now: the transaction writes anyway). */
    private String transactionId() throws SQLException {
        try (Statement s = connection.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SELECT pg_current_xact_id()::text")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /**
     * The connection broke during COMMIT: reconnects and asks the server whether transaction
     * {@code xid} committed ({@code pg_xact_status}). Not the batch's rows: ids are unique
     * among committed rows only, so after a rollback another writer may have committed rows
     * with the same ids.
     */
    private boolean settleCommit(String xid, Throwable cause) throws MetaDbUnavailableException {
        dropConnection();
        reconnect();
        try (PreparedStatement ps = connection.prepareStatement("SELECT pg_xact_status(?::xid8)")) {
            ps.setString(1, xid);
            String status;
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                rs.next();
                status = rs.getString(1);
            }
            connection.rollback();
            if ("committed".equals(status)) {
                return true;
            }
            if ("aborted".equals(status)) {
                return false;
            }
            throw new MetaDbUnavailableException("the connection to " + location + " was lost while committing and"
                    + " the server reports the transaction as " + status + ": the write may or may not have committed",
                    cause);
        } catch (SQLException e) {
            throw new MetaDbUnavailableException("the connection to " + location + " was lost while committing and"
                    + " checking the outcome failed (" + PgDatabases.reason(e) + "): the write may or may not have"
                    + " committed", e);
        }
    }

    /**
     * Gives a batch's inserts their ids table by table, in table-name order, each table's
     * inserts in the order they came: two PostgreSQL writers leasing for the same tables in
     * different orders would otherwise deadlock on the {@code ids} rows (on SQLite the write
     * lock already serialises writers). Leases are per table, so each insert gets the id it
     * would get in arrival order: the same ids on both engines.
     */
    private void takeIdsInTableOrder(List<Op> work) {
        Map<String, List<InsertOp>> byTable = new java.util.TreeMap<>();
        for (Op op : work) {
            if (op instanceof InsertOp insert && insert.rows() > 0) {
                byTable.computeIfAbsent(insert.table.table().getName(), t -> new ArrayList<>()).add(insert);
            }
        }
        for (List<InsertOp> ops : byTable.values()) {
            for (InsertOp insert : ops) {
                insert.firstId = leases.take(dsl, insert.table.table(), insert.table.id(), insert.rows());
            }
        }
    }

    private static <T> void runTask(TaskOp<T> op, Tx tx) {
        op.result = op.work.apply(tx);
    }

    /**
     * One executeBatch per table on a prepared statement kept for the life of the writer.
     * The SQL is rendered once by jOOQ from the generated table (explicit column list
     * {@code id, ts, row_json}: SQLite computes the generated columns). Measured with
     * {@code metadb bench write}: jOOQ's {@code batch(query).bind(...)} reached ~0.8x raw
     * JDBC because it prepares the statement per batch and binds through jOOQ's converters;
     * this path reaches ~0.9x-1.0x.
     */
    private void flushInserts(Map<JsonTable, List<InsertOp>> inserts) throws SQLException {
        for (var entry : inserts.entrySet()) {
            PreparedStatement ps = insertStatement(entry.getKey());
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

    private PreparedStatement insertStatement(JsonTable t) throws SQLException {
        PreparedStatement ps = insertStatements.get(t);
        if (ps == null) {
            ps = connection.prepareStatement(dsl.render(dsl.insertInto(t.table(), t.id(), t.tsText(), t.rowJson())
                    .values((Long) null, null, null)));
            insertStatements.put(t, ps);
        }
        return ps;
    }

    /**
     * BEGIN IMMEDIATE, retried with backoff while another process holds the lock (SQLite).
     * On PostgreSQL the connection is never in auto-commit: the transaction begins with its
     * first statement, and row locks are waited for by the server.
     */
    private void begin() throws LockedException, SQLException {
        if (postgres) {
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(options.busyTimeoutMs());
        long backoffMs = 1;
        while (true) {
            try {
                execute("BEGIN IMMEDIATE");
                return;
            } catch (SQLException e) {
                if (!isBusy(e)) {
                    throw e;
                }
                if (System.nanoTime() >= deadline) {
                    throw new LockedException(e);
                }
                try {
                    Thread.sleep(backoffMs);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new LockedException(e);
                }
                backoffMs = Math.min(backoffMs * 2, 100);
            }
        }
    }

    private static boolean isBusy(SQLException e) {
        if (e instanceof SQLiteException se) {
            int primary = se.getResultCode().code & 0xff;
            return primary == 5 || primary == 6; // SQLITE_BUSY, SQLITE_LOCKED
        }
        return false;
    }

    private void execute(String sql) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute(sql);
        }
    }

    /**
     * Keeps the WAL bounded without stalling commits. When nothing is queued and the WAL
     * holds more than {@link #IDLE_CHECKPOINT_BYTES}, a PASSIVE checkpoint copies it back
     * (never waiting for readers); the next commit then reuses the log from its start. Past
     * {@link MetaDbOptions#walCheckpointBytes()} (a long reader kept the log from being
     * reused) a TRUNCATE checkpoint waits {@link #RESTART_WAIT_MS} for readers to move on and
     * empties the file. If a reader still holds it, the writer tries again a second later,
     * so a reader holding a snapshot for minutes delays the reset but never stalls commits.
     */
    private void maybeCheckpoint() {
        if (postgres) {
            return; // the server manages its log
        }
        try {
            long wal = Files.exists(walFile) ? Files.size(walFile) : 0;
            long now = System.nanoTime();
            if (options.walCheckpointBytes() > 0 && wal > options.walCheckpointBytes()
                    && now - lastBusyCheckpointNanos > RESTART_INTERVAL_NANOS) {
                execute("PRAGMA busy_timeout = " + RESTART_WAIT_MS);
                try (Statement s = connection.createStatement();
                     java.sql.ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
                    if (rs.next() && rs.getInt(1) != 0) {
                        lastBusyCheckpointNanos = now; // a reader is in the log: retry later
                    }
                } finally {
                    execute("PRAGMA busy_timeout = " + options.busyTimeoutMs());
                }
            } else if (wal > IDLE_CHECKPOINT_BYTES && queue.isEmpty()) {
                execute("PRAGMA wal_checkpoint(PASSIVE)");
            }
        } catch (Exception e) {
            // best effort: a later commit tries again
        }
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
            if (postgres) {
                return;
            }
            // A short wait: another process holding the write lock must not add a second busy
            // timeout to a write that already waited one (the caller's wait is the configured one).
            execute("PRAGMA busy_timeout = " + RESTART_WAIT_MS);
            execute("PRAGMA wal_checkpoint(TRUNCATE)");
        } catch (Exception e) {
            // the data is committed; a checkpoint left undone happens on the next open
        } finally {
            try {
                for (PreparedStatement ps : insertStatements.values()) {
                    ps.close();
                }
                if (connection != null) {
                    connection.close();
                }
            } catch (SQLException ignored) {
                // closing anyway
            }
        }
    }
}
