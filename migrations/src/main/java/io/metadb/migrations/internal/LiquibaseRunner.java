package io.metadb.migrations.internal;

import io.metadb.core.Engine;
import io.metadb.core.Location;
import io.metadb.core.PgDatabases;
import io.metadb.core.SqliteFiles;
import io.metadb.migrations.MigrationException;
import io.metadb.migrations.Migrations;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
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
import liquibase.command.core.UpdateCountCommandStep;
import liquibase.command.core.MarkNextChangesetRanCommandStep;
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

    /**
     * What every Liquibase call of this runner sees, in its own scope (nothing process-wide:
     * library code configures no logging and sets no system property): no banner, no
     * analytics call, and no log unless the host set the {@code liquibase} logger's level (a
     * failed migration is reported by the {@link MigrationException} it throws, in one line,
     * not also by Liquibase's SEVERE log with its stack trace). A setting the host made in a
     * system property is left to it.
     */
    static Map<String, Object> quietScope() {
        Map<String, Object> scope = new HashMap<>();
        scope.put(Scope.Attr.resourceAccessor.name(),
                new ClassLoaderResourceAccessor(LiquibaseRunner.class.getClassLoader()));
        scope.put(Scope.Attr.ui.name(), new LoggerUIService());
        for (String key : new String[] {"liquibase.analytics.enabled", "liquibase.showBanner"}) {
            if (System.getProperty(key) == null) {
                scope.put(key, Boolean.FALSE);
            }
        }
        if (java.util.logging.Logger.getLogger("liquibase").getLevel() == null) {
            scope.put(Scope.Attr.logService.name(), new liquibase.logging.core.NoOpLogService());
        }
        return scope;
    }

    private final String name;
    private final Connection connection;
    private final Database database;
    private final Engine engine;

    private LiquibaseRunner(String name, Connection connection, Database database, Engine engine) {
        this.name = name;
        this.connection = connection;
        this.database = database;
        this.engine = engine;
    }

    /**
     * Opens {@code db} for one migration: a write transaction ({@code BEGIN IMMEDIATE},
     * waiting out other writers for the busy timeout) that holds everything this runner does
     * until {@link #commit()}. Liquibase commits a changeset's DDL and its history row
     * separately; a process killed between the two left a table that no later migration
     * could create. Here its commits and rollbacks are no-ops: a migration lands whole or
     * not at all, and a failed one leaves the file as it was ({@link #rollback()}).
     */
    public static LiquibaseRunner open(Path db) {
        try {
            return start(db.toString(), SqliteFiles.openForMigration(db), Engine.SQLITE);
        } catch (Exception e) {
            throw new MigrationException("cannot open " + db + " for migration: " + e.getMessage(), e);
        }
    }

    /**
     * Opens a PostgreSQL database for one migration: one transaction, as for a file (see
     * {@link #open(Path)}); PostgreSQL's DDL is transactional, so a killed migration leaves the
     * database at the version it started from. The caller serialises migrations (an advisory
     * lock held on another connection).
     */
    public static LiquibaseRunner open(Location db) {
        Connection real;
        try {
            // Liquibase probes for its tables by querying them; in one transaction a failed
            // probe would abort everything after it, so each statement gets a savepoint.
            java.util.Properties props = new java.util.Properties();
            props.setProperty("autosave", "always");
            real = db.connect(props);
        } catch (SQLException e) {
            throw new MigrationException(e.getMessage(), e);
        }
        try {
            return start(db.toString(), real, db.engine());
        } catch (Exception e) {
            throw new MigrationException("cannot open " + db + " for migration: " + PgDatabases.reason(e), e);
        }
    }

    /** An empty in-memory database to replay changesets on (to learn what they create). */
    public static LiquibaseRunner scratch() {
        try {
            return start("a scratch copy of the changelog", SqliteFiles.memory(), Engine.SQLITE);
        } catch (Exception e) {
            throw new MigrationException("cannot open a scratch database: " + e.getMessage(), e);
        }
    }

    private static LiquibaseRunner start(String name, Connection real, Engine engine) throws Exception {
        try {
            real.setAutoCommit(false); // begins the transaction
            Database database = Scope.child(quietScope(), () -> DatabaseFactory.getInstance()
                    .findCorrectDatabaseImplementation(new JdbcConnection(holdingTransaction(real))));
            return new LiquibaseRunner(name, real, database, engine);
        } catch (Exception e) {
            real.close();
            throw e;
        }
    }

    /**
     * The connection as Liquibase sees it: commit, rollback and auto-commit changes do
     * nothing, so the transaction begun in {@link #start} stays open until this runner ends
     * it. Everything else reaches the real connection.
     */
    private static Connection holdingTransaction(Connection real) {
        InvocationHandler handler = (proxy, method, args) -> {
            int arity = args == null ? 0 : args.length;
            switch (method.getName()) {
                case "commit", "setAutoCommit":
                    return null;
                case "rollback":
                    if (arity == 0) {
                        return null;
                    }
                    break;
                case "getAutoCommit":
                    return false;
                default:
                    break;
            }
            try {
                return method.invoke(real, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return (Connection) Proxy.newProxyInstance(LiquibaseRunner.class.getClassLoader(),
                new Class<?>[] {Connection.class}, handler);
    }

    /** Makes everything this runner did durable, at once. */
    public void commit() {
        try {
            connection.commit();
        } catch (SQLException e) {
            throw new MigrationException("migration of " + name + " failed: " + e.getMessage(), e);
        }
    }

    /** Undoes everything this runner did: the file is as it was before {@link #open}. */
    public void rollback() {
        try {
            connection.rollback();
        } catch (SQLException e) {
            // SQLite ends a transaction itself on some errors (a full disk): nothing to undo.
        }
    }

    /** The connection, inside this runner's transaction (to read what it sees). */
    public DSLContext dsl() {
        return engine.dsl(connection);
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
        if (engine != Engine.SQLITE) {
            // Liquibase's lock row is set and cleared inside the one transaction of a
            // migration, so a set row is never committed on PostgreSQL.
            return false;
        }
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

    /** Runs the next {@code count} changesets not yet run. */
    public void updateCount(int count) {
        if (count == 0) {
            return;
        }
        run(() -> new CommandScope(UpdateCountCommandStep.COMMAND_NAME)
                .addArgumentValue(UpdateCountCommandStep.CHANGELOG_FILE_ARG, Migrations.CHANGELOG)
                .addArgumentValue(UpdateCountCommandStep.COUNT_ARG, count)
                .addArgumentValue(DbUrlConnectionArgumentsCommandStep.DATABASE_ARG, database)
                .addArgumentValue(ShowSummaryArgument.SHOW_SUMMARY_OUTPUT, UpdateSummaryOutputEnum.LOG)
                .execute());
    }

    /** Records the next changeset not yet run as run, without running it. */
    public void markNextRan() {
        run(() -> new CommandScope(MarkNextChangesetRanCommandStep.COMMAND_NAME)
                .addArgumentValue(DatabaseChangelogCommandStep.CHANGELOG_FILE_ARG, Migrations.CHANGELOG)
                .addArgumentValue(DbUrlConnectionArgumentsCommandStep.DATABASE_ARG, database)
                .execute());
    }

    private interface LiquibaseAction {
        void run() throws Exception;
    }

    private void run(LiquibaseAction action) {
        try {
            Scope.child(quietScope(), action::run);
        } catch (Exception e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            throw new MigrationException("migration of " + name + " failed: " + oneLine(root), e);
        }
    }

    /** The first line of an error: Liquibase appends the SQL it ran to SQLite's message. */
    private static String oneLine(Throwable root) {
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return message.lines().findFirst().orElse(message).trim();
    }

    /** Ends the runner; what was not committed is rolled back. */
    @Override
    public void close() {
        rollback();
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
