package io.metadb.analytics.internal;

import static io.metadb.generated.Tables.CLI_DAILY;
import static io.metadb.generated.Tables.WATCHDOG_DAILY;
import static org.jooq.impl.DSL.coalesce;
import static org.jooq.impl.DSL.sum;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Record;

/**
 * The rolled-up days (SPEC §5) a window counts. Retention keeps whole days in the rollup
 * tables; a report counts a rolled-up day when the whole day is in its window, so a window
 * starting mid-day never counts rows from before its start. Rolled-up rows are deleted from
 * the raw table, so nothing is counted twice. Stateless.
 */
public final class Rollups {
    private Rollups() {}

    /** The first UTC day wholly inside a window starting at {@code since}. */
    public static LocalDate firstWholeDay(Instant since) {
        LocalDate day = LocalDate.ofInstant(since, ZoneOffset.UTC);
        return since.equals(day.atStartOfDay(ZoneOffset.UTC).toInstant()) ? day : day.plusDays(1);
    }

    /** Rolled-up CLI calls and failures in the window, of the rows matching {@code where}: {calls, failures}. */
    public static long[] cli(DSLContext dsl, Instant since, Condition where) {
        Record r = dsl.select(coalesce(sum(CLI_DAILY.CALLS), BigDecimal.ZERO), coalesce(sum(CLI_DAILY.FAILURES), BigDecimal.ZERO))
                .from(CLI_DAILY).where(CLI_DAILY.DAY.ge(firstWholeDay(since))).and(where).fetchOne();
        return new long[] {r.get(0, Long.class), r.get(1, Long.class)};
    }

    /** Rolled-up red watchdog events in the window, of the rows matching {@code where}. */
    public static long red(DSLContext dsl, Instant since, Condition where) {
        return dsl.select(coalesce(sum(WATCHDOG_DAILY.RED), BigDecimal.ZERO)).from(WATCHDOG_DAILY)
                .where(WATCHDOG_DAILY.DAY.ge(firstWholeDay(since))).and(where).fetchOne(0, Long.class);
    }
}
