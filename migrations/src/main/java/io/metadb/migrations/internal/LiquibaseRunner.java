package io.metadb.migrations.internal;

import io.metadb.core.SqliteFiles;
import io.metadb.migrations.MigrationException;
import io.metadb.migrations.Migrations;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import liquibase.Scope;
import liquibase.UpdateSummaryOutputEnum;
import liquibase.changelog.ChangeSet;
import liquibase.changelog.DatabaseChangeLog;
import liquibase.changelog.visitor.AbstractChangeExecListener;
import liquibase.command.CommandScope;
import liquibase.command.core.helpers.DatabaseChangelogCommandStep;
import liquibase.command.core.ChangelogSyncToTagCommandStep;
import liquibase.command.core.UpdateCommandStep;
import liquibase.command.core.UpdateToTagCommandStep;
import liquibase.command.core.helpers.ChangeExecListenerCommandStep;
import liquibase.command.core.helpers.DbUrlConnectionArgumentsCommandStep;
import liquibase.command.core.helpers.ShowSummaryArgument;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.lockservice.LockServiceFactory;
import liquibase.resource.ClassLoaderResourceAccessor;
import liquibase.ui.LoggerUIService;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;

/**
 * Runs Liquibase commands on one file over one dedicated connection, quietly (library code
 * prints nothing: Liquibase's console output goes to its logger, set to WARNING). Not
 * thread-safe; one per migration, while holding the {@link MigrationLock}.
 */
public final class LiquibaseRunner implements AutoCloseable {
    /** Liquibase's history table. */
    public static final String HISTORY_TABLE = "DATABASECHANGELOG";
    /** Liquibase's lock table. */
    public static final String LOCK_TABLE = "DATABASECHANGELOGLOCK";

    // Held so the level is not lost when the logger is garbage-collected.
    private static Logger liquibaseLog;

    /**
     * Keeps Liquibase quiet and offline (no banner, no analytics call) unless the host set
     * these itself. Done when a migration starts, not when the class loads: loading a class
     * configures nothing.
     */
    private static synchronized void quiet() {
        if (liquibaseLog == null) {
            liquibaseLog = Logger.getLogger("liquibase");
        }
        if (liquibaseLog.getLevel() == null) {
            liquibaseLog.setLevel(Level.WARNING);
        }
        if (System.getProperty("liquibase.analytics.enabled") == null) {
            System.setProperty("liquibase.analytics.enabled", "false");
        }
        if (System.getProperty("liquibase.showBanner") == null) {
            System.setProperty("liquibase.showBanner", "false");
        }
    }

    private final Path db;
    private final Connection connection;
    private final Database database;

    private LiquibaseRunner(Path db, Connection connection, Database database) {
        this.db = db;
        this.connection = connection;
        this.database = database;
    }

    /** Opens a connection to {@code db} for Liquibase. */
    public static LiquibaseRunner open(Path db) {
        quiet();
        try {
            Connection connection = SqliteFiles.open(db);
            try {
                Database database = DatabaseFactory.getInstance()
                        .findCorrectDatabaseImplementation(new JdbcConnection(connection));
                return new LiquibaseRunner(db, connection, database);
            } catch (Exception e) {
                connection.close();
                throw e;
            }
        } catch (Exception e) {
            throw new MigrationException("cannot open " + db + " for migration: " + e.getMessage(), e);
        }
    }

    /**
     * Releases a Liquibase lock left set in the file. Only call while holding the
     * {@link MigrationLock}: then no live metadb process can own it. (Reading a set lock
     * row would fail anyway: SQLite keeps LOCKGRANTED as TEXT and Liquibase casts it to a
     * timestamp.)
     *
     * @return whether a stale lock was found and released
     */
    public boolean releaseStaleLock() {
        DSLContext dsl = SqliteFiles.dsl(connection);
        Field<Object> locked = DSL.field(DSL.name("LOCKED"));
        boolean stale;
        try {
            stale = dsl.fetchExists(DSL.selectOne().from(DSL.table(DSL.name(LOCK_TABLE)))
                    .where(locked.cast(Integer.class).ne(0)));
        } catch (DataAccessException e) {
            return false; // no lock table yet
        }
        if (!stale) {
            return false;
        }
        run(() -> LockServiceFactory.getInstance().getLockService(database).forceReleaseLock());
        return true;
    }

    /** Marks every changeset up to and including tag {@code tag} as run, without running it. */
    public void syncToTag(String tag) {
        run(() -> new CommandScope(ChangelogSyncToTagCommandStep.COMMAND_NAME)
                .addArgumentValue(DbUrlConnectionArgumentsCommandStep.DATABASE_ARG, database)
                .addArgumentValue(DatabaseChangelogCommandStep.CHANGELOG_FILE_ARG, Migrations.CHANGELOG)
                .addArgumentValue(ChangelogSyncToTagCommandStep.TAG_ARG, tag)
                .execute());
    }

    /**
     * Runs the changesets not yet run, up to tag {@code tag} (or all if null).
     *
     * @return how many changesets ran
     */
    public int update(String tag, Consumer<String> afterChangeset) {
        AtomicInteger ran = new AtomicInteger();
        AbstractChangeExecListener listener = new AbstractChangeExecListener() {
            @Override
            public void ran(ChangeSet changeSet, DatabaseChangeLog log, Database database, ChangeSet.ExecType type) {
                ran.incrementAndGet();
                if (afterChangeset != null) {
                    afterChangeset.accept(changeSet.getId());
                }
            }
        };
        run(() -> {
            CommandScope command = tag == null
                    ? new CommandScope(UpdateCommandStep.COMMAND_NAME)
                            .addArgumentValue(UpdateCommandStep.CHANGELOG_FILE_ARG, Migrations.CHANGELOG)
                    : new CommandScope(UpdateToTagCommandStep.COMMAND_NAME)
                            .addArgumentValue(UpdateToTagCommandStep.CHANGELOG_FILE_ARG, Migrations.CHANGELOG)
                            .addArgumentValue(UpdateToTagCommandStep.TAG_ARG, tag);
            command.addArgumentValue(DbUrlConnectionArgumentsCommandStep.DATABASE_ARG, database)
                    .addArgumentValue(ShowSummaryArgument.SHOW_SUMMARY_OUTPUT, UpdateSummaryOutputEnum.LOG)
                    .addArgumentValue(ChangeExecListenerCommandStep.CHANGE_EXEC_LISTENER_ARG, listener)
                    .execute();
        });
        return ran.get();
    }

    private interface LiquibaseAction {
        void run() throws Exception;
    }

    private void run(LiquibaseAction action) {
        Map<String, Object> scope = new HashMap<>();
        scope.put(Scope.Attr.resourceAccessor.name(),
                new ClassLoaderResourceAccessor(LiquibaseRunner.class.getClassLoader()));
        scope.put(Scope.Attr.ui.name(), new LoggerUIService());
        try {
            Scope.child(scope, action::run);
        } catch (Exception e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            throw new MigrationException("migration of " + db + " failed: " + root.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            database.close();
        } catch (Exception e) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // closing after a failed close: nothing left to do
            }
        }
    }
}
