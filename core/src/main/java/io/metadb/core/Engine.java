package io.metadb.core;

import java.io.IOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/**
 * The two engines metadb runs on, and what differs between them that every module needs:
 * the dialect, opening a connection, which errors mean "busy" or "connection lost", the
 * schema version and the size of a database. Where a module's own work differs by engine
 * (the writer's transactions, a report's snapshot, migrating), that module has one class per
 * engine and picks it in one place with a {@code switch} on {@link Location#engine()}.
 * Stateless and thread-safe.
 */
public enum Engine {
    /** A SQLite file, the embedded default. */
    SQLITE {
        @Override
        public SQLDialect dialect() {
            return SQLDialect.SQLITE;
        }

        @Override
        public Connection connect(Location db) throws SQLException {
            return SqliteFiles.open(db.file());
        }

        @Override
        public Connection connectForBatches(Location db) throws SQLException {
            return SqliteFiles.open(db.file());
        }

        @Override
        public boolean isBusy(Throwable e) {
            return SqliteFiles.isBusy(e);
        }

        @Override
        public boolean isConnectionLost(Throwable e) {
            return false; // a file is not a connection that can go away
        }

        @Override
        public String reason(Throwable e) {
            return SqliteFiles.reason(e);
        }

        @Override
        public String label(Location db) {
            return db.file().getFileName().toString();
        }

        @Override
        public long sizeBytes(Location db) throws IOException {
            return Files.size(db.file());
        }

        @Override
        public Connection readSnapshot(Location db) throws SQLException {
            Connection c = SqliteFiles.open(db.file());
            try {
                try (Statement s = c.createStatement()) {
                    s.execute("PRAGMA query_only = 1");
                }
                c.setAutoCommit(false); // a deferred read transaction: a snapshot from its first read
                return c;
            } catch (SQLException e) {
                c.close();
                throw e;
            }
        }

        @Override
        public void beginWrite(Connection c) throws SQLException {
            try (Statement s = c.createStatement()) {
                s.execute("BEGIN IMMEDIATE"); // the write lock now, not at the first write (WAL: BUSY at once)
            }
        }

        @Override
        public void commit(Connection c) throws SQLException {
            try (Statement s = c.createStatement()) {
                s.execute("COMMIT");
            }
        }

        @Override
        public boolean same(Location a, Location b) {
            return a.equals(b) || b.engine() == SQLITE
                    && a.file().toAbsolutePath().normalize().equals(b.file().toAbsolutePath().normalize());
        }

        @Override
        public boolean exists(Location db) {
            return Files.isRegularFile(db.file());
        }
    },

    /** A PostgreSQL database, for a fleet that outgrew one machine. */
    POSTGRESQL {
        @Override
        public SQLDialect dialect() {
            return SQLDialect.POSTGRES;
        }

        @Override
        public Connection connect(Location db) throws SQLException {
            return db.connect();
        }

        @Override
        public Connection connectForBatches(Location db) throws SQLException {
            return db.connect(PgDatabases.batching());
        }

        @Override
        public boolean isBusy(Throwable e) {
            return false; // the server waits for row locks itself
        }

        @Override
        public boolean isConnectionLost(Throwable e) {
            return PgDatabases.isConnectionLost(e);
        }

        @Override
        public String reason(Throwable e) {
            return PgDatabases.reason(e);
        }

        @Override
        public String label(Location db) {
            return db.toString();
        }

        @Override
        public long sizeBytes(Location db) throws IOException {
            try (Connection c = db.connect(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT pg_database_size(current_database())")) {
                rs.next();
                return rs.getLong(1);
            } catch (SQLException e) {
                throw new IOException(PgDatabases.reason(e), e);
            }
        }

        @Override
        public Connection readSnapshot(Location db) throws SQLException {
            return PgDatabases.readSnapshot(db);
        }

        @Override
        public void beginWrite(Connection c) throws SQLException {
            c.setAutoCommit(false); // the transaction begins with its first statement
        }

        @Override
        public void commit(Connection c) throws SQLException {
            c.commit();
        }

        @Override
        public boolean same(Location a, Location b) {
            return a.equals(b);
        }

        @Override
        public boolean exists(Location db) {
            return true; // a server's database is there or the connection says why not
        }
    };

    /** jOOQ's dialect. */
    public abstract SQLDialect dialect();

    /** jOOQ over one connection, with the settings of every metadb module. */
    public DSLContext dsl(Connection connection) {
        return DSL.using(connection, dialect(), SqliteFiles.settings());
    }

    /** A new connection to {@code db} in auto-commit, for a few short statements. */
    public abstract Connection connect(Location db) throws SQLException;

    /** A new connection to {@code db} that writes in batches (PostgreSQL: multi-row inserts). */
    public abstract Connection connectForBatches(Location db) throws SQLException;

    /** Whether {@code e} says another writer holds the lock (retry after a wait). */
    public abstract boolean isBusy(Throwable e);

    /** Whether {@code e} says the connection is gone (reconnect, then settle what was in flight). */
    public abstract boolean isConnectionLost(Throwable e);

    /** The engine's own words for a failure, one line. */
    public abstract String reason(Throwable e);

    /** A short name of {@code db} for thread names: the file's name, or the URL without password. */
    public abstract String label(Location db);

    /** How many bytes {@code db} takes: the file, or the database on the server. */
    public abstract long sizeBytes(Location db) throws IOException;

    /**
     * A connection to {@code db} inside one read-only transaction: a consistent snapshot that
     * blocks no writer. The caller ends it (rollback or close).
     */
    public abstract Connection readSnapshot(Location db) throws SQLException;

    /** Begins a write transaction on {@code c}, holding the write lock from now on where the engine has one. */
    public abstract void beginWrite(Connection c) throws SQLException;

    /** Commits the transaction {@link #beginWrite} began. */
    public abstract void commit(Connection c) throws SQLException;

    /** Whether {@code a} (of this engine) and {@code b} are the same database. */
    public abstract boolean same(Location a, Location b);

    /** Whether {@code db} exists (a file that is there; a server's database is asked by connecting). */
    public abstract boolean exists(Location db);

    /**
     * The schema version {@code c}'s database records, 0 if it has none yet (see
     * {@link SchemaVersion#read}).
     */
    public int schemaVersion(Connection c) throws SQLException {
        return SchemaVersion.read(c, null);
    }
}
