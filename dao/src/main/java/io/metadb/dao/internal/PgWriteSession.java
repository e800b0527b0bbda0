package io.metadb.dao.internal;

import io.metadb.core.Engine;
import io.metadb.core.Location;
import io.metadb.core.PgDatabases;
import io.metadb.dao.MetaDbOptions;
import io.metadb.dao.MetaDbUnavailableException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;

/**
 * The writer's PostgreSQL side: a connection never in auto-commit (a transaction begins with
 * its first statement; the server waits for row locks), opened again when the server drops
 * it, and a commit whose outcome the lost connection hid settled by asking the server.
 */
final class PgWriteSession extends WriteSession {
    private final Location location;
    private final MetaDbOptions options;
    /** When the server was first found unreachable, 0 while it is reachable. */
    private long unreachableSinceNanos;
    /** When a connection to the server last failed. */
    private long lastFailedAttemptNanos;
    private long reconnects;

    private PgWriteSession(Location location, MetaDbOptions options, Connection connection) {
        super(Engine.POSTGRESQL, connection);
        this.location = location;
        this.options = options;
    }

    static PgWriteSession open(Location location, MetaDbOptions options) {
        try {
            return new PgWriteSession(location, options, connectWriter(location));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open " + location + ": " + e.getMessage(), e);
        }
    }

    /**
     * The writer's connection, batching ({@link PgDatabases#batching()}), not in auto-commit.
     * A socket read that waits 60 s (a network cut that closed nothing; a batch takes well
     * under a second) ends the connection, so the writer reconnects and settles the batch
     * instead of hanging.
     */
    private static Connection connectWriter(Location location) throws SQLException {
        java.util.Properties props = PgDatabases.batching();
        props.setProperty("socketTimeout", "60");
        Connection c = location.connect(props);
        try {
            c.setAutoCommit(false);
            return c;
        } catch (SQLException e) {
            closeQuietly(c); // opened, then failed: never left open
            throw e;
        }
    }

    @Override
    long reconnects() {
        return reconnects;
    }

    /**
     * One transaction; a lost connection is opened again and the transaction run again (it
     * did not commit: settled first) until the server has been unreachable for the
     * configured wait, then {@link MetaDbUnavailableException}. The transaction's id, asked
     * for before COMMIT, lets the server say afterwards whether a COMMIT whose answer was
     * lost went through.
     */
    @Override
    void transaction(Body body) throws Exception {
        while (true) {
            if (connection() == null || isClosed(connection())) {
                dropConnection();
                reconnect();
            }
            String xid = null;
            boolean committing = false;
            try {
                body.run();
                xid = transactionId();
                committing = true;
                connection().commit();
                return;
            } catch (Exception | AssertionError e) {
                // (The driver asserts its connection is open: with -ea a closed one is an AssertionError.)
                if (PgDatabases.isConnectionLost(e) || isClosed(connection())) {
                    if (committing && settleCommit(xid, e)) {
                        return; // it committed: what the body took stays taken
                    }
                    body.aborted();
                    dropConnection();
                    reconnect();
                    continue;
                }
                body.aborted();
                try {
                    connection().rollback();
                } catch (SQLException ignored) {
                    // nothing left to roll back
                }
                throw e;
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
            try {
                use(connectWriter(location));
                unreachableSinceNanos = 0;
                reconnects++;
                return;
            } catch (SQLException e) {
                last = e;
                lastFailedAttemptNanos = System.nanoTime();
            }
            try {
                Thread.sleep(backoffMs);
            } catch (InterruptedException ie) {
                // a callback's interrupt: not a request to stop (see Writer's loop)
            }
            backoffMs = Math.min(backoffMs * 2, 500);
        } while (System.nanoTime() < deadline);
        throw new MetaDbUnavailableException(location + " has been unreachable for over "
                + options.busyTimeoutMs() / 1000.0 + " s (" + PgDatabases.reason(last) + "); the write was not committed",
                last);
    }

    private void dropConnection() {
        if (connection() != null) {
            closeQuietly(connection());
        }
        use(null);
    }

    private static boolean isClosed(Connection c) {
        try {
            return c.isClosed();
        } catch (SQLException e) {
            return true;
        }
    }

    /** The transaction's id (assigning one now: the transaction writes anyway). */
    private String transactionId() throws SQLException {
        try (Statement s = connection().createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_current_xact_id()::text")) {
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
        try (PreparedStatement ps = connection().prepareStatement("SELECT pg_xact_status(?::xid8)")) {
            ps.setString(1, xid);
            String status;
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                status = rs.getString(1);
            }
            connection().rollback();
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
}
