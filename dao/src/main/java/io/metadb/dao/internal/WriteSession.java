package io.metadb.dao.internal;

import io.metadb.core.Engine;
import io.metadb.core.Location;
import io.metadb.dao.MetaDbOptions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import org.jooq.DSLContext;

/**
 * The engine's half of the {@link Writer}: the one connection, its transactions, and what to
 * do when the engine says no (SQLite: another process holds the lock; PostgreSQL: the
 * connection is gone). The writer keeps the queue, the batches, the ids and the futures.
 * Used by the writer thread only.
 */
abstract class WriteSession {
    /** What runs inside one transaction; may run again after {@link #aborted()} (a lost connection). */
    interface Body {
        void run() throws Exception;

        /** The transaction did not commit: forget what {@link #run()} took. */
        void aborted();
    }

    private final Map<Object, PreparedStatement> statements = new HashMap<>();
    private final Engine engine;
    private Connection connection;
    private DSLContext dsl;

    WriteSession(Engine engine, Connection connection) {
        this.engine = engine;
        use(connection);
    }

    /** Opens the writer's session for {@code location}: the one place that picks the engine's side. */
    static WriteSession open(Location location, MetaDbOptions options) {
        return switch (location.engine()) {
            case SQLITE -> SqliteWriteSession.open(location, options);
            case POSTGRESQL -> PgWriteSession.open(location, options);
        };
    }

    /**
     * jOOQ over the current connection (null while there is none), made on first use: on the
     * writer's thread, never in {@code MetaDb.open} (jOOQ's first use in a JVM costs 0.85 s).
     */
    final DSLContext dsl() {
        if (dsl == null && connection != null) {
            dsl = engine.dsl(connection);
        }
        return dsl;
    }

    /** The current connection; null while a lost one is not replaced yet. */
    final Connection connection() {
        return connection;
    }

    /** From now on {@code c} (null: none); the old connection's statements are forgotten. */
    final void use(Connection c) {
        statements.clear();
        connection = c;
        dsl = null;
    }

    /**
     * Runs {@code body} in one transaction and commits it.
     *
     * @throws io.metadb.dao.MetaDbLockedException if the lock stayed taken past the busy timeout
     * @throws io.metadb.dao.MetaDbUnavailableException if the server stayed away past it
     * @throws Exception what the body or the commit threw (nothing committed)
     */
    abstract void transaction(Body body) throws Exception;

    /** After a commit: upkeep that must not stall one ({@code idle}: nothing is queued). */
    void afterCommit(boolean idle) {}

    /** Connections opened again after the engine dropped one. */
    long reconnects() {
        return 0;
    }

    /** The last upkeep before closing (SQLite: empty the log). */
    void beforeClose() {}

    /** {@code key}'s statement, prepared once per connection. */
    final PreparedStatement prepared(Object key, java.util.function.Supplier<String> sql) throws SQLException {
        PreparedStatement ps = statements.get(key);
        if (ps == null) {
            ps = connection().prepareStatement(sql.get());
            statements.put(key, ps);
        }
        return ps;
    }

    /** Closes the statements and the connection. */
    final void close() {
        try {
            for (PreparedStatement ps : statements.values()) {
                ps.close();
            }
            Connection c = connection();
            if (c != null) {
                c.close();
            }
        } catch (SQLException ignored) {
            // closing anyway
        }
    }

    static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // already failing or broken: the first error is the one to report
        }
    }
}
