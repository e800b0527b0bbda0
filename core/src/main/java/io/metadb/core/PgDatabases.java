package io.metadb.core;

import java.sql.Connection;
import java.sql.SQLException;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/**
 * What metadb knows about PostgreSQL beyond the URL ({@link Location}): jOOQ over a
 * connection, the SQL states it reacts to, and a one-line reason for an error. Stateless and
 * thread-safe.
 */
public final class PgDatabases {
    /** {@code undefined_table}. */
    public static final String UNDEFINED_TABLE = "42P01";

    private PgDatabases() {}

    /** jOOQ over one PostgreSQL connection, with the settings of every metadb module. */
    public static DSLContext dsl(Connection connection) {
        return DSL.using(connection, SQLDialect.POSTGRES, SqliteFiles.settings());
    }

    /**
     * A connection to {@code db} inside one {@code REPEATABLE READ READ ONLY} transaction
     * (begun by its first statement): a consistent snapshot of the database that blocks no
     * writer, and in which the server refuses every write. The caller ends it (rollback or close).
     */
    public static Connection readSnapshot(Location db) throws SQLException {
        Connection c = repeatableRead(db);
        try {
            c.setReadOnly(true);
            return c;
        } catch (SQLException e) {
            c.close();
            throw e;
        }
    }

    /**
     * A connection to {@code db} inside one {@code REPEATABLE READ} transaction, not yet
     * read-only (the caller may create temporary objects first, then {@code SET TRANSACTION
     * READ ONLY}).
     */
    public static Connection repeatableRead(Location db) throws SQLException {
        Connection c = db.connect();
        try {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            return c;
        } catch (SQLException e) {
            c.close();
            throw e;
        }
    }

    /**
     * Driver properties of a connection that writes in batches: the driver rewrites a batch of
     * inserts into multi-row INSERTs (one round trip per batch instead of one per row).
     */
    public static java.util.Properties batching() {
        java.util.Properties props = new java.util.Properties();
        props.setProperty("reWriteBatchedInserts", "true");
        return props;
    }

    /** Whether {@code e} (or a cause) says a table does not exist. */
    public static boolean isUndefinedTable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException se && UNDEFINED_TABLE.equals(se.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether {@code e} (or a cause) is a lost or refused connection (SQL state class 08) or
     * a server shutting down ({@code 57P01}-{@code 57P03}): what a writer retries after
     * reconnecting.
     */
    public static boolean isConnectionLost(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException se && se.getSQLState() != null
                    && (se.getSQLState().startsWith("08") || se.getSQLState().startsWith("57P"))) {
                return true;
            }
            if (t instanceof java.io.IOException) {
                return true;
            }
        }
        return false;
    }

    /** The server's own words for a failure, one line, without the driver's decorations. */
    public static String reason(Throwable e) {
        Throwable sql = null;
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException) {
                sql = t;
                break;
            }
        }
        String message = String.valueOf((sql != null ? sql : e).getMessage());
        if (message.startsWith("ERROR: ")) {
            message = message.substring("ERROR: ".length());
        }
        return message.lines().findFirst().orElse(message);
    }
}
