package io.metadb.analytics;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.sqlite.SQLiteConnection;
import org.sqlite.core.DB;

/**
 * Stops SQLite statements that run past a time limit: once a run's own time exceeds its
 * limit, a watch thread interrupts the connection ({@code sqlite3_interrupt}), and the
 * statement fails with SQLITE_INTERRUPT. sqlite-jdbc's {@code setQueryTimeout} cannot do
 * this (it only sets the busy timeout). The time a streaming run spends handing rows to a
 * slow reader ({@link Run#pause()}) is not counted: a person paging through {@code less} is
 * not a runaway statement. Thread-safe.
 */
final class StatementLimit {
    /** One daemon thread watches every run of the process; each run costs it one scheduled check. */
    private static final ScheduledExecutorService WATCH = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "metadb-statement-limit");
        t.setDaemon(true);
        return t;
    });

    /** How often a fired run interrupts again, until it is closed. */
    private static final long REPEAT_MS = 50;

    private StatementLimit() {}

    /** Starts timing the statements of {@code c} against {@code limit}. */
    static Run start(Connection c, Duration limit) {
        if (limit.isZero() || limit.isNegative()) {
            throw new IllegalArgumentException("a statement limit must be positive, was " + limit);
        }
        Interrupter stop;
        try {
            if (c.isWrapperFor(SQLiteConnection.class)) {
                DB db = c.unwrap(SQLiteConnection.class).getDatabase();
                stop = db::interrupt; // not synchronized on the connection: it reaches a running step
            } else {
                // PostgreSQL: the driver's cancel request, sent on a connection of its own.
                org.postgresql.PGConnection pg = c.unwrap(org.postgresql.PGConnection.class);
                stop = pg::cancelQuery;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("neither a SQLite nor a PostgreSQL connection: " + c, e);
        }
        return new Run(stop, limit);
    }

    /** Stops what a connection is running. */
    private interface Interrupter {
        void interrupt() throws SQLException;
    }

    /** One timed run: {@link #close()} it when the statement is done. */
    static final class Run implements AutoCloseable {
        private final Interrupter db;
        private final Duration limit;
        private final long limitNanos;
        /** Time counted so far, not including the current stretch. Guarded by this. */
        private long spentNanos;
        /** When the current counted stretch began; 0 while paused. Guarded by this. */
        private long runningSince;
        private boolean closed;
        private ScheduledFuture<?> check;
        private volatile boolean fired;

        private Run(Interrupter db, Duration limit) {
            this.db = db;
            this.limit = limit;
            this.limitNanos = limit.toNanos();
            synchronized (this) {
                runningSince = System.nanoTime();
                schedule(limitNanos);
            }
        }

        private void schedule(long delayNanos) {
            check = WATCH.schedule(this::check, Math.max(delayNanos, 1), TimeUnit.NANOSECONDS);
        }

        private synchronized void check() {
            if (closed) {
                return;
            }
            long spent = spentNanos + (runningSince == 0 ? 0 : System.nanoTime() - runningSince);
            if (spent >= limitNanos) {
                fired = true;
                interrupt();
                // An interrupt between two statements of a run is lost: repeat until closed.
                schedule(TimeUnit.MILLISECONDS.toNanos(REPEAT_MS));
            } else if (runningSince != 0) {
                schedule(limitNanos - spent);
            }
            // paused: resume() schedules the rest
        }

        private void interrupt() {
            try {
                db.interrupt();
            } catch (SQLException e) {
                // the connection is closing: nothing left to stop
            }
        }

        /** Stops counting (rows are being handed to the reader). */
        synchronized void pause() {
            if (runningSince != 0) {
                spentNanos += System.nanoTime() - runningSince;
                runningSince = 0;
            }
        }

        /** Counts again (back in SQLite). */
        synchronized void resume() {
            if (runningSince == 0 && !closed) {
                runningSince = System.nanoTime();
                if (check.isDone() && !fired) {
                    schedule(limitNanos - spentNanos);
                }
            }
        }

        /** Whether this run was stopped by its limit (its statement then failed with SQLITE_INTERRUPT). */
        boolean fired() {
            return fired;
        }

        /** The limit, for the error line. */
        Duration limit() {
            return limit;
        }

        @Override
        public synchronized void close() {
            closed = true;
            check.cancel(false);
        }
    }

    /** A statement stopped by its time limit; exit 1, one line. */
    static final class ExceededException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        ExceededException(String what, Duration limit, Throwable cause) {
            super(what + ": stopped after " + Durations.text(limit) + ": the statement ran past its time limit"
                    + " (--timeout sets it; default " + Durations.text(Snapshot.DEFAULT_STATEMENT_LIMIT) + ")", cause);
        }
    }

    /** Short text of a duration for messages. */
    private static final class Durations {
        private Durations() {}

        static String text(Duration d) {
            long ms = d.toMillis();
            if (ms % 60_000 == 0) {
                return ms / 60_000 + " min";
            }
            return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
        }
    }
}
