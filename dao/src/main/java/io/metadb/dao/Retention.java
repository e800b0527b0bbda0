package io.metadb.dao;

import io.metadb.core.BadInputException;
import static io.metadb.generated.Tables.CLI_DAILY;
import static io.metadb.generated.Tables.CLI_INVOCATIONS;
import static io.metadb.generated.Tables.TICKS;
import static io.metadb.generated.Tables.TICK_ROLLUPS;
import static io.metadb.generated.Tables.WATCHDOG_DAILY;
import static io.metadb.generated.Tables.WATCHDOG_EVENTS;
import static org.jooq.impl.DSL.count;
import static org.jooq.impl.DSL.excluded;
import static org.jooq.impl.DSL.greatest;
import static org.jooq.impl.DSL.max;
import static org.jooq.impl.DSL.select;
import static org.jooq.impl.DSL.sum;

import io.metadb.core.SqliteFiles;
import io.metadb.dao.internal.Tx;
import io.metadb.generated.convert.Timestamps;
import io.metadb.generated.envelope.RowTable;
import io.metadb.payload.Tick;
import io.metadb.payload.WatchdogEvent;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Select;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * Retention (SPEC §5): old ticks, CLI invocations and watchdog events are rolled up into
 * daily tables and deleted. Each chunk's rollup upsert (adding to a day's existing row)
 * and its delete commit in one transaction through the process's writer, so other writers
 * (this process's and other processes') get the lock between chunks. Running it again
 * finds nothing to do. Stateless; thread-safe.
 */
public final class Retention {
    /**
     * Rows rolled up and deleted per transaction. Measured on the demo database: 1,000-row
     * chunks hold the write lock 11-23 ms (the first chunk of a cold JVM ~80 ms); 2,000-row
     * chunks ~21 ms; 500-row chunks ~9-12 ms.
     */
    public static final int DEFAULT_CHUNK_ROWS = 1_000;

    /**
     * How long rows stay raw.
     *
     * @param ticks ticks (default 7 days)
     * @param cli CLI invocations (default 30 days)
     * @param watchdog non-red watchdog events (default 14 days)
     * @param watchdogRed red watchdog events (default 180 days)
     */
    public record Windows(Duration ticks, Duration cli, Duration watchdog, Duration watchdogRed) {
        public Windows {
            for (Duration d : new Duration[] {ticks, cli, watchdog, watchdogRed}) {
                if (Objects.requireNonNull(d, "window").isNegative()) {
                    throw new BadInputException("retention windows must not be negative, was " + d);
                }
            }
        }

        /** SPEC §5's windows. */
        public static Windows defaults() {
            return new Windows(Duration.ofDays(7), Duration.ofDays(30), Duration.ofDays(14), Duration.ofDays(180));
        }
    }

    /**
     * What happened (or, in a dry run, would happen) to one table.
     *
     * @param rolledUp raw rows consumed by the rollup
     * @param rollupRows rollup rows written (inserted, or added to a day's existing row); a dry
     *        run does not compute them (0)
     * @param chunks chunk transactions (a dry run: the chunks it would take)
     * @param longestChunkMs the longest chunk transaction, in ms (0 in a dry run)
     */
    public record Outcome(String table, long rolledUp, long rollupRows, long deleted, int chunks, double longestChunkMs) {}

    /** The file's size and the part of it that is free pages (reusable by new rows, or returned by VACUUM). */
    public record Space(long fileBytes, long freeBytes) {}

    private Retention() {}

    /** Applies the windows as of {@code now}; with {@code dryRun}, only counts. */
    public static List<Outcome> run(MetaDb db, Instant now, Windows windows, boolean dryRun) {
        return run(db, now, windows, dryRun, DEFAULT_CHUNK_ROWS);
    }

    /** As {@link #run(MetaDb, Instant, Windows, boolean)} with a chunk size. */
    public static List<Outcome> run(MetaDb db, Instant now, Windows windows, boolean dryRun, int chunkRows) {
        if (chunkRows < 1) {
            throw new BadInputException("chunk rows must be >= 1, was " + chunkRows);
        }
        Condition oldTicks = TICKS.TS.lt(now.minus(windows.ticks()));
        Condition oldCli = CLI_INVOCATIONS.TS.lt(now.minus(windows.cli()));
        Condition oldWatchdog = WATCHDOG_EVENTS.LEVEL.ne(WatchdogEvent.RED).and(WATCHDOG_EVENTS.TS.lt(now.minus(windows.watchdog())))
                .or(WATCHDOG_EVENTS.LEVEL.eq(WatchdogEvent.RED).and(WATCHDOG_EVENTS.TS.lt(now.minus(windows.watchdogRed()))));
        List<Outcome> out = new ArrayList<>();
        out.add(table(db, TICKS, TICKS.ID, oldTicks, Retention::rollUpTicks, dryRun, chunkRows));
        out.add(table(db, CLI_INVOCATIONS, CLI_INVOCATIONS.ID, oldCli, Retention::rollUpCli, dryRun, chunkRows));
        out.add(table(db, WATCHDOG_EVENTS, WATCHDOG_EVENTS.ID, oldWatchdog, Retention::rollUpWatchdog, dryRun, chunkRows));
        return out;
    }

    private interface RollUp {
        /** Rolls the chunk's rows up; returns the rollup rows inserted or updated. */
        int apply(DSLContext dsl, Condition chunk);
    }

    private static Outcome table(MetaDb db, Table<?> table, Field<Long> id, Condition old, RollUp rollUp,
            boolean dryRun, int chunkRows) {
        if (dryRun) {
            long n = db.writer().submit(tx -> (long) tx.dsl().fetchCount(table, old)).join();
            return new Outcome(table.getName(), n, 0, n, (int) ((n + chunkRows - 1) / chunkRows), 0);
        }
        long total = 0;
        long rollupRows = 0;
        int chunks = 0;
        double longestMs = 0;
        while (true) {
            long[] result = db.writer().submit(chunk(table, id, old, rollUp, chunkRows)).join();
            if (result[0] == 0) {
                break;
            }
            total += result[0];
            rollupRows += result[2];
            chunks++;
            longestMs = Math.max(longestMs, result[1] / 1e6);
        }
        return new Outcome(table.getName(), total, rollupRows, total, chunks, longestMs);
    }

    /** One chunk inside the writer's transaction: {rows, nanos spent holding the lock so far, rollup rows}. */
    private static Function<Tx, long[]> chunk(Table<?> table, Field<Long> id, Condition old, RollUp rollUp, int chunkRows) {
        return tx -> {
            long start = System.nanoTime();
            DSLContext dsl = tx.dsl();
            Select<?> ids = select(id).from(table).where(old).orderBy(id).limit(chunkRows);
            Condition inChunk = id.in(dsl.fetch(ids).getValues(id));
            int rolled = rollUp.apply(dsl, inChunk);
            int deleted = dsl.deleteFrom(table).where(inChunk).execute();
            return new long[] {deleted, System.nanoTime() - start, rolled};
        };
    }

    private static Field<LocalDate> day(Table<?> table, Field<LocalDate> rollupDay) {
        return Timestamps.day(((RowTable) table).ts()).coerce(rollupDay);
    }

    /**
     * A sum that cannot fail: SQLite's sum() raises "integer overflow" past 2^63, which would
     * stop retention on every run for good (values written before metadb checked ranges).
     * total() sums as a REAL (exact below 2^53) and the cast to INTEGER saturates at 2^63-1.
     * PostgreSQL's sum of bigints is an exact numeric: capped at 2^63-1 before the cast.
     */
    private static Field<Long> saturatingSum(DSLContext dsl, Field<Long> value) {
        if (dsl.dialect().family() == org.jooq.SQLDialect.POSTGRES) {
            return DSL.least(DSL.sum(value), DSL.inline(java.math.BigDecimal.valueOf(Long.MAX_VALUE)))
                    .cast(SQLDataType.BIGINT);
        }
        return DSL.function("total", SQLDataType.DOUBLE, value).cast(SQLDataType.BIGINT);
    }

    private static Field<Long> countIf(Condition c) {
        return count().filterWhere(c).coerce(SQLDataType.BIGINT);
    }

    private static int rollUpTicks(DSLContext dsl, Condition chunk) {
        Field<LocalDate> day = day(TICKS, TICK_ROLLUPS.DAY);
        return dsl.insertInto(TICK_ROLLUPS, TICK_ROLLUPS.DAY, TICK_ROLLUPS.AGENT, TICK_ROLLUPS.KIND, TICK_ROLLUPS.TICKS,
                        TICK_ROLLUPS.FAILURES, TICK_ROLLUPS.TOTAL_DURATION_MS, TICK_ROLLUPS.MAX_DURATION_MS)
                .select(select(day, TICKS.AGENT, TICKS.KIND, count().coerce(SQLDataType.BIGINT),
                        countIf(TICKS.STATUS.eq(Tick.FAIL)), saturatingSum(dsl, TICKS.DURATION_MS),
                        max(TICKS.DURATION_MS))
                        .from(TICKS).where(chunk).groupBy(day, TICKS.AGENT, TICKS.KIND))
                .onConflict(TICK_ROLLUPS.DAY, TICK_ROLLUPS.AGENT, TICK_ROLLUPS.KIND).doUpdate()
                .set(TICK_ROLLUPS.TICKS, TICK_ROLLUPS.TICKS.plus(excluded(TICK_ROLLUPS.TICKS)))
                .set(TICK_ROLLUPS.FAILURES, TICK_ROLLUPS.FAILURES.plus(excluded(TICK_ROLLUPS.FAILURES)))
                .set(TICK_ROLLUPS.TOTAL_DURATION_MS, TICK_ROLLUPS.TOTAL_DURATION_MS.plus(excluded(TICK_ROLLUPS.TOTAL_DURATION_MS)))
                .set(TICK_ROLLUPS.MAX_DURATION_MS, greatest(TICK_ROLLUPS.MAX_DURATION_MS, excluded(TICK_ROLLUPS.MAX_DURATION_MS)))
                .execute();
    }

    private static int rollUpCli(DSLContext dsl, Condition chunk) {
        Field<LocalDate> day = day(CLI_INVOCATIONS, CLI_DAILY.DAY);
        return dsl.insertInto(CLI_DAILY, CLI_DAILY.DAY, CLI_DAILY.AGENT, CLI_DAILY.COMMAND, CLI_DAILY.CALLS, CLI_DAILY.FAILURES,
                        CLI_DAILY.TOTAL_DURATION_MS)
                .select(select(day, CLI_INVOCATIONS.AGENT, CLI_INVOCATIONS.COMMAND, count().coerce(SQLDataType.BIGINT),
                        countIf(CLI_INVOCATIONS.EXIT_CODE.ne(0L)), saturatingSum(dsl, CLI_INVOCATIONS.DURATION_MS))
                        .from(CLI_INVOCATIONS).where(chunk).groupBy(day, CLI_INVOCATIONS.AGENT, CLI_INVOCATIONS.COMMAND))
                .onConflict(CLI_DAILY.DAY, CLI_DAILY.AGENT, CLI_DAILY.COMMAND).doUpdate()
                .set(CLI_DAILY.CALLS, CLI_DAILY.CALLS.plus(excluded(CLI_DAILY.CALLS)))
                .set(CLI_DAILY.FAILURES, CLI_DAILY.FAILURES.plus(excluded(CLI_DAILY.FAILURES)))
                .set(CLI_DAILY.TOTAL_DURATION_MS, CLI_DAILY.TOTAL_DURATION_MS.plus(excluded(CLI_DAILY.TOTAL_DURATION_MS)))
                .execute();
    }

    private static int rollUpWatchdog(DSLContext dsl, Condition chunk) {
        Field<LocalDate> day = day(WATCHDOG_EVENTS, WATCHDOG_DAILY.DAY);
        return dsl.insertInto(WATCHDOG_DAILY, WATCHDOG_DAILY.DAY, WATCHDOG_DAILY.AGENT, WATCHDOG_DAILY.CHECK_NAME,
                        WATCHDOG_DAILY.GREEN, WATCHDOG_DAILY.YELLOW, WATCHDOG_DAILY.RED)
                .select(select(day, WATCHDOG_EVENTS.AGENT, WATCHDOG_EVENTS.CHECK_NAME,
                        countIf(WATCHDOG_EVENTS.LEVEL.eq(WatchdogEvent.GREEN)), countIf(WATCHDOG_EVENTS.LEVEL.eq(WatchdogEvent.YELLOW)),
                        countIf(WATCHDOG_EVENTS.LEVEL.eq(WatchdogEvent.RED)))
                        .from(WATCHDOG_EVENTS).where(chunk).groupBy(day, WATCHDOG_EVENTS.AGENT, WATCHDOG_EVENTS.CHECK_NAME))
                .onConflict(WATCHDOG_DAILY.DAY, WATCHDOG_DAILY.AGENT, WATCHDOG_DAILY.CHECK_NAME).doUpdate()
                .set(WATCHDOG_DAILY.GREEN, WATCHDOG_DAILY.GREEN.plus(excluded(WATCHDOG_DAILY.GREEN)))
                .set(WATCHDOG_DAILY.YELLOW, WATCHDOG_DAILY.YELLOW.plus(excluded(WATCHDOG_DAILY.YELLOW)))
                .set(WATCHDOG_DAILY.RED, WATCHDOG_DAILY.RED.plus(excluded(WATCHDOG_DAILY.RED)))
                .execute();
    }

    /**
     * How big the file is and how much of it is free pages: rows retention deleted leave
     * free pages that new rows reuse first; the file itself only shrinks by {@link #vacuum}.
     */
    public static Space space(Path db) {
        try (Connection c = SqliteFiles.open(db); Statement s = c.createStatement()) {
            long pageSize = longOf(s, "PRAGMA page_size");
            return new Space(longOf(s, "PRAGMA page_count") * pageSize, longOf(s, "PRAGMA freelist_count") * pageSize);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the size of " + db + ": " + e.getMessage(), e);
        }
    }

    /**
     * Rewrites the file without its free pages (SQLite's VACUUM) and truncates the log.
     * Safe beside live writers: VACUUM is one write transaction, so other processes' writes
     * wait for it (retrying up to their busy timeout, as for any write) and readers keep
     * reading their snapshot; it needs free disk space about the size of the file.
     *
     * @return the space after
     * @throws MetaDbLockedException if another process holds the write lock past {@code busyTimeoutMs}
     */
    public static Space vacuum(Path db, int busyTimeoutMs) {
        try (Connection c = SqliteFiles.open(db, busyTimeoutMs, org.sqlite.SQLiteConfig.SynchronousMode.NORMAL);
             Statement s = c.createStatement()) {
            s.execute("VACUUM");
            s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
        } catch (SQLException e) {
            if (String.valueOf(e.getMessage()).contains("SQLITE_BUSY")) {
                throw new MetaDbLockedException(db, busyTimeoutMs, e);
            }
            throw new IllegalStateException("cannot vacuum " + db + ": " + e.getMessage(), e);
        }
        return space(db);
    }

    private static long longOf(Statement s, String pragma) throws SQLException {
        try (java.sql.ResultSet rs = s.executeQuery(pragma)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
