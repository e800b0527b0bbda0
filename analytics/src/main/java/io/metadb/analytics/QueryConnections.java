package io.metadb.analytics;

import io.metadb.core.SqliteFiles;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Read-only connections to one file kept between statements, for a long-lived process (a
 * server answering {@code query}): opening one and reading the schema cost a served
 * {@code query "select 1"} more than the statement itself (JFR: the open, the first
 * prepare and a second, tidying connection were ~60% of its native time). Each statement
 * takes one, runs in its own read transaction (so it sees the latest commit, as a fresh
 * connection would) and gives it back rolled back, its page cache released. A connection is
 * reused only for the same file (the inode it was opened on; a file replaced under the
 * server gets a new connection) and only if it was left as it was taken. Thread-safe.
 */
public final class QueryConnections implements AutoCloseable {
    private final Path db;
    private final int kept;
    private final java.util.concurrent.ConcurrentLinkedDeque<Reader> idle = new java.util.concurrent.ConcurrentLinkedDeque<>();
    private volatile boolean closed;

    record Reader(Connection connection, Object fileKey) {}

    /** Connections to {@code db}, at most {@code kept} of them idle at once. */
    public QueryConnections(Path db, int kept) {
        this.db = db;
        this.kept = kept;
    }

    Reader take() throws SQLException {
        FileCopies.checkReadable(db);
        Object key = fileKey(db);
        for (Reader r; (r = idle.pollFirst()) != null; ) {
            if (key != null && key.equals(r.fileKey())) {
                return r;
            }
            quietClose(r.connection());
        }
        Connection c = FileCopies.openLive(db);
        try {
            ReadOnlyQuery.attachCatalogSchema(c);
        } catch (SQLException e) {
            quietClose(c);
            throw e;
        }
        return new Reader(c, key);
    }

    /** Gives {@code r} back after its statement: kept if it is clean, else closed. */
    void giveBack(Reader r) {
        boolean clean;
        try (Statement s = r.connection().createStatement()) {
            s.execute("ROLLBACK"); // ends the read transaction; drops a catalogue filled for it
            s.execute("PRAGMA query_only = 0");
            s.execute("PRAGMA shrink_memory");
            clean = r.connection().getAutoCommit();
        } catch (SQLException e) {
            clean = false;
        }
        if (clean && !closed && idle.size() < kept) {
            idle.offerFirst(r);
            if (closed && idle.remove(r)) {
                quietClose(r.connection());
            }
        } else {
            quietClose(r.connection());
        }
    }

    private static Object fileKey(Path db) {
        try {
            return java.nio.file.Files.readAttributes(db, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
        } catch (java.io.IOException e) {
            return null; // never reused: a fresh connection says what is wrong
        }
    }

    private static void quietClose(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // a read-only connection: closing releases its locks either way
        }
    }

    /** The file these connections read. */
    Path db() {
        return db;
    }

    /** Idle connections kept now. */
    int idle() {
        return idle.size();
    }

    /** Closes the idle connections; one in use is closed when it is given back. */
    @Override
    public void close() {
        closed = true;
        for (Reader r; (r = idle.pollFirst()) != null; ) {
            quietClose(r.connection());
        }
        SqliteFiles.tidy(db);
    }
}
