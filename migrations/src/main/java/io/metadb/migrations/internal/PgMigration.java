package io.metadb.migrations.internal;

import io.metadb.core.Location;
import io.metadb.core.PgDatabases;
import io.metadb.core.SchemaVersion;
import io.metadb.migrations.MigrationException;
import io.metadb.migrations.MigrationResult;
import io.metadb.migrations.Migrations;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Creates and upgrades a metadb database on PostgreSQL, in the schema the connection's
 * {@code search_path} puts first ({@code public} unless the URL says otherwise). Migrations of
 * one database serialise on a session advisory lock, which the server drops when the holding
 * process dies (the file lock's role on SQLite); all pending changesets, their history rows
 * and the tags run in one transaction, so a killed migration leaves the database at the
 * version it started from. Stateless.
 */
public final class PgMigration {
    /** The advisory lock key of migrations ('mdbm'). */
    private static final long LOCK_KEY = 0x6d64626dL;

    private PgMigration() {}

    /** Migrates {@code db} up to {@code target}. */
    public static MigrationResult migrate(Location db, int target, Consumer<String> listener, long lockWaitMs) {
        try (Connection c = db.connect()) {
            refuseForeign(c, db);
            int before = version(c, db);
            if (before >= target && applied(c) >= (target == SchemaVersion.HEAD ? Migrations.HEAD_CHANGESETS : 1)) {
                return new MigrationResult(before, before, 0, false, false, false);
            }
            lock(c, db, lockWaitMs);
            try {
                return migrateLocked(db, c, target, listener);
            } finally {
                try (Statement s = c.createStatement()) {
                    s.execute("SELECT pg_advisory_unlock(" + LOCK_KEY + ")");
                }
            }
        } catch (SQLException e) {
            throw new MigrationException("cannot migrate " + db + ": " + PgDatabases.reason(e), e);
        }
    }

    private static MigrationResult migrateLocked(Location db, Connection c, int target, Consumer<String> listener)
            throws SQLException {
        int before = version(c, db); // another process may have migrated while we waited
        try (LiquibaseRunner liquibase = LiquibaseRunner.open(db)) {
            int run = liquibase.update(target == SchemaVersion.HEAD ? null : "v" + target, listener);
            int after = liquibase.dsl().connectionResult(conn -> SchemaVersion.read(conn, null));
            if (after < target) {
                throw new MigrationException(db + " is at schema version " + after + " after migrating to " + target);
            }
            liquibase.commit();
            return new MigrationResult(before, after, run, false, false, false);
        }
    }

    /** The database's schema version, 0 if it has none yet. */
    public static int version(Connection c, Location db) {
        return VersionCheck.version(c, null, db, PgDatabases::reason);
    }

    private static int applied(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM databasechangelog")) {
            rs.next();
            return rs.getInt(1);
        } catch (SQLException e) {
            if (PgDatabases.isUndefinedTable(e)) {
                return -1;
            }
            throw e;
        }
    }

    private static void lock(Connection c, Location db, long waitMs) throws SQLException {
        long deadline = System.nanoTime() + waitMs * 1_000_000;
        long sleepMs = 5;
        while (true) {
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT pg_try_advisory_lock(" + LOCK_KEY + ")")) {
                rs.next();
                if (rs.getBoolean(1)) {
                    return;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new MigrationException("another process has been migrating " + db + " for over "
                        + waitMs / 1000 + " s (it holds advisory lock " + LOCK_KEY + "; find it in pg_locks)");
            }
            try {
                Thread.sleep(sleepMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MigrationException("interrupted while waiting to migrate " + db, e);
            }
            sleepMs = Math.min(200, sleepMs * 2);
        }
    }

    /**
     * Refuses a database whose schema has tables but neither a metadb schema version nor a
     * Liquibase history of metadb's (another application's tables).
     */
    private static void refuseForeign(Connection c, Location db) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT table_name FROM information_schema.tables"
                + " WHERE table_schema = current_schema() ORDER BY table_name");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        boolean history = tables.contains("databasechangelog");
        if (history) {
            List<String> authors = new ArrayList<>();
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT DISTINCT author FROM databasechangelog ORDER BY 1")) {
                while (rs.next()) {
                    if (!ChangelogCheck.AUTHOR.equals(rs.getString(1))) {
                        authors.add(rs.getString(1));
                    }
                }
            }
            if (!authors.isEmpty()) {
                throw new MigrationException("cannot migrate " + db + ": it is not a metadb database (its Liquibase"
                        + " history has changesets by " + String.join(", ", authors) + "); nothing was changed");
            }
            return;
        }
        tables.removeIf(t -> t.startsWith("databasechangelog"));
        if (!tables.isEmpty() && !tables.contains("meta")) {
            throw new MigrationException("cannot migrate " + db + ": it is not a metadb database (it has tables "
                    + String.join(", ", tables.subList(0, Math.min(5, tables.size())))
                    + (tables.size() > 5 ? ", …" : "") + " but no metadb schema version); use an empty database"
                    + " or schema; nothing was changed");
        }
    }
}
