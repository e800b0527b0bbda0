package io.metadb.migrations;

import io.metadb.migrations.internal.FileShape;
import io.metadb.migrations.internal.LiquibaseRunner;
import io.metadb.migrations.internal.MigrationLock;
import io.metadb.migrations.internal.PgMigration;
import io.metadb.migrations.internal.VersionCheck;
import io.metadb.core.Location;
import io.metadb.core.SchemaVersion;
import io.metadb.core.SqliteFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import org.jooq.DSLContext;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;

/**
 * Creates, upgrades and adopts metadb files. Entry point of the migrations module.
 *
 * <p>Every call opens its own connections; calls on different files may run in parallel,
 * and calls on one file from several processes serialise on a sidecar lock file
 * ({@code <db>-migrate.lock}), which the OS releases when a process dies. Holding it proves
 * that a Liquibase lock row still set in the file was left by a killed migration, so it is
 * released without an operator. Thread-safe.
 */
public final class Migrations {
    /** Changesets each engine runs up to {@link SchemaVersion#HEAD} (its own SQL and the shared tags; checked by a test). */
    public static final int HEAD_CHANGESETS = 57;
    /** Classpath location of the root changelog (in the schema jar). */
    public static final String CHANGELOG = "db/changelog/db.changelog-master.xml";

    private static final long LOCK_WAIT_MS = 120_000;

    private Migrations() {}

    /**
     * Creates {@code db} or upgrades it to {@link SchemaVersion#HEAD} in WAL mode.
     *
     * @throws SchemaTooNewException if the file's schema is newer than this library's
     * @throws MigrationException if a changeset fails or the file is not a metadb file
     */
    public static MigrationResult apply(Path db) {
        return migrate(db, SchemaVersion.HEAD, null);
    }

    /**
     * Migrates {@code db} up to schema version {@code version} (never down). Used by the
     * migration checks; operators want {@link #apply}.
     */
    public static MigrationResult upgradeTo(Path db, int version) {
        if (version < 1 || version > SchemaVersion.HEAD) {
            throw new IllegalArgumentException("schema version must be 1.." + SchemaVersion.HEAD + ", was " + version);
        }
        return migrate(db, version, null);
    }

    /** Like {@link #apply}, calling {@code afterChangeset} with each changeset id as it is run. */
    public static MigrationResult apply(Path db, java.util.function.Consumer<String> afterChangeset) {
        return migrate(db, SchemaVersion.HEAD, afterChangeset);
    }

    /**
     * Creates or upgrades the database at {@code db} (a file or a PostgreSQL database) to
     * {@link SchemaVersion#HEAD}.
     */
    public static MigrationResult apply(Location db) {
        return apply(db, null);
    }

    /** Like {@link #apply(Location)}, calling {@code afterChangeset} with each changeset id as it is run. */
    public static MigrationResult apply(Location db, java.util.function.Consumer<String> afterChangeset) {
        return upgrade(db, SchemaVersion.HEAD, afterChangeset);
    }

    /** Like {@link #upgradeTo(Path, int)}, on either engine. */
    public static MigrationResult upgradeTo(Location db, int version) {
        if (version < 1 || version > SchemaVersion.HEAD) {
            throw new IllegalArgumentException("schema version must be 1.." + SchemaVersion.HEAD + ", was " + version);
        }
        return upgrade(db, version, null);
    }

    /** The one place that picks the engine's migration. */
    private static MigrationResult upgrade(Location db, int target, java.util.function.Consumer<String> listener) {
        return switch (db.engine()) {
            case SQLITE -> migrate(db.file(), target, listener);
            case POSTGRESQL -> PgMigration.migrate(db, target, listener, LOCK_WAIT_MS);
        };
    }

    /** The database's {@code meta.schema_version}, 0 if it has no schema yet. */
    public static int schemaVersion(Location db) {
        return switch (db.engine()) {
            case SQLITE -> schemaVersion(db.file());
            case POSTGRESQL -> {
                try (Connection c = db.connect()) {
                    yield PgMigration.version(c, db);
                } catch (SQLException e) {
                    throw new MigrationException(e.getMessage(), e);
                }
            }
        };
    }

    /**
     * Returns if {@code db} is missing, empty, or a SQLite file that is a metadb database (or
     * holds no tables at all): what a command may replace or delete as metadb's own.
     *
     * @throws MigrationException naming what the file is instead
     */
    public static void requireMetadbOrAbsent(Path db) {
        io.metadb.migrations.internal.FileShape.requireMetadbOrAbsent(db);
    }

    /** The file's {@code meta.schema_version}, 0 if the file has no schema yet. */
    public static int schemaVersion(Path db) {
        try (Connection c = SqliteFiles.open(db)) {
            return schemaVersion(SqliteFiles.dsl(c), db);
        } catch (SQLException e) {
            throw new MigrationException("cannot open " + db + ": " + e.getMessage(), e);
        }
    }

    private static MigrationResult migrate(Path db, int target, java.util.function.Consumer<String> listener) {
        Path parent = db.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new MigrationException("cannot create " + db + ": directory " + parent + " does not exist");
        }
        String unwritable = SqliteFiles.unwritableReason(db);
        if (unwritable != null) {
            throw new MigrationException(unwritable);
        }
        FileShape.refuseForeign(db);
        try (Connection c = SqliteFiles.open(db)) {
            // Up to date (every open of a current file): plain JDBC. jOOQ's first use in a JVM
            // loads ~900 classes (0.85 s, measured): only a migration pays it.
            int before = VersionCheck.version(c, "main", db, Throwable::getMessage);
            if (before >= target && recordedChangesets(c) >= (target == SchemaVersion.HEAD ? HEAD_CHANGESETS : 1)) {
                return new MigrationResult(before, before, 0, false, false, false);
            }
            DSLContext dsl = SqliteFiles.dsl(c);
            try (MigrationLock lock = MigrationLock.acquire(db, LOCK_WAIT_MS)) {
                return migrateLocked(db, dsl, target, listener);
            }
        } catch (SQLException e) {
            throw new MigrationException("cannot migrate " + db + ": " + SqliteFiles.reason(e), e);
        }
    }

    private static MigrationResult migrateLocked(Path db, DSLContext dsl, int target,
            java.util.function.Consumer<String> listener) {
        // Re-read: another process may have migrated while we waited for the lock.
        int before = schemaVersion(dsl, db);
        boolean hasHistory = appliedChangesets(dsl) >= 0;
        try {
            return migrateAtomically(db, dsl, before, hasHistory, target, false, listener);
        } catch (MigrationException failed) {
            // Nothing was changed. A file that an earlier metadb left with one changeset
            // applied but not recorded (it was killed between the two) is repaired by
            // recording that changeset; any other failure is reported as it is.
            FileShape.halfRecordedChangeset(db, dsl, before, hasHistory, failed);
            return migrateAtomically(db, dsl, before, hasHistory, target, true, listener);
        }
    }

    /** One migration, one transaction: it lands whole, or the file is as it was. */
    private static MigrationResult migrateAtomically(Path db, DSLContext dsl, int before, boolean hasHistory,
            int target, boolean recordFirst, java.util.function.Consumer<String> listener) {
        boolean adopted = false;
        try (LiquibaseRunner liquibase = LiquibaseRunner.open(db)) {
            boolean staleLockCleared = liquibase.releaseStaleLock();
            if (!hasHistory && before > 0) {
                // Created without Liquibase (an earlier metadb): its tables are those of
                // version `before`, so mark the changesets up to that tag as run.
                liquibase.syncToTag("v" + before);
                adopted = true;
            }
            if (recordFirst) {
                liquibase.markNextRan();
            }
            int run = liquibase.update(target == SchemaVersion.HEAD ? null : "v" + target, listener);
            int after = liquibase.dsl().connectionResult(c -> SchemaVersion.read(c, "main"));
            if (after < target) {
                throw new MigrationException(db + " is at schema version " + after + " after migrating to " + target);
            }
            liquibase.commit();
            return new MigrationResult(before, after, run, adopted, staleLockCleared, recordFirst);
        }
    }

    private static int schemaVersion(DSLContext dsl, Path db) {
        return dsl.connectionResult(c -> VersionCheck.version(c, "main", db, Throwable::getMessage));
    }

    /** Like {@link #appliedChangesets}, in plain JDBC. */
    private static int recordedChangesets(Connection c) throws SQLException {
        try (java.sql.Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SELECT count(*) FROM " + LiquibaseRunner.HISTORY_TABLE)) {
            return rs.next() ? rs.getInt(1) : 0;
        } catch (SQLException e) {
            if (String.valueOf(e.getMessage()).contains("no such table")) {
                return -1;
            }
            throw e;
        }
    }

    /** Rows in Liquibase's history table, -1 if the file has none. */
    private static int appliedChangesets(DSLContext dsl) {
        try {
            return dsl.fetchCount(DSL.table(DSL.name(LiquibaseRunner.HISTORY_TABLE)));
        } catch (DataAccessException e) {
            if (isNoSuchTable(e)) {
                return -1;
            }
            throw e;
        }
    }

    private static boolean isNoSuchTable(DataAccessException e) {
        String message = String.valueOf(e.getMessage());
        return message.contains("no such table");
    }
}
