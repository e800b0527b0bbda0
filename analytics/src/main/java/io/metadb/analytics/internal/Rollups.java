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
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.impl.DSL;
import io.metadb.analytics.TableCopy;
import java.util.List;

/**
 * The rolled-up days (SPEC §5) a window counts. Retention keeps whole days in the rollup
 * tables; a report counts a rolled-up day when the whole day is in its window, so a window
 * starting or ending mid-day never counts rows from outside it. Rolled-up rows are deleted from
 * the raw table, so nothing is counted twice. Stateless.
 */
public final class Rollups {
    private Rollups() {}

    /** The first UTC day wholly inside a window starting at {@code since}. */
    public static LocalDate firstWholeDay(Instant since) {
        LocalDate day = LocalDate.ofInstant(since, ZoneOffset.UTC);
        return since.equals(day.atStartOfDay(ZoneOffset.UTC).toInstant()) ? day : day.plusDays(1);
    }

    /** The last UTC day wholly inside a window ending at {@code now}: the day before now's (its rows are all before now). */
    public static LocalDate lastWholeDay(Instant now) {
        return LocalDate.ofInstant(now, ZoneOffset.UTC).minusDays(1);
    }

    /** The rolled-up days wholly inside the window {@code [since, now]}. */
    public static Condition wholeDays(Field<LocalDate> day, Instant since, Instant now) {
        return day.between(firstWholeDay(since), lastWholeDay(now));
    }

    /** What a report counting CLI calls and red events reads of the rollups: the whole days of the window, of one agent or all (null). */
    public static List<TableCopy> copies(Instant since, Instant now, String agent) {
        return List.of(TableCopy.of(CLI_DAILY).where(wholeDays(CLI_DAILY.DAY, since, now))
                        .where(agent == null ? DSL.noCondition() : CLI_DAILY.AGENT.eq(agent)),
                TableCopy.of(WATCHDOG_DAILY).where(wholeDays(WATCHDOG_DAILY.DAY, since, now))
                        .where(agent == null ? DSL.noCondition() : WATCHDOG_DAILY.AGENT.eq(agent)));
    }

    /** Rolled-up CLI calls and failures in the window, of the rows matching {@code where}: {calls, failures}. */
    public static long[] cli(DSLContext dsl, Instant since, Instant now, Condition where) {
        Record r = dsl.select(coalesce(sum(CLI_DAILY.CALLS), BigDecimal.ZERO), coalesce(sum(CLI_DAILY.FAILURES), BigDecimal.ZERO))
                .from(CLI_DAILY).where(wholeDays(CLI_DAILY.DAY, since, now)).and(where).fetchOne();
        return new long[] {r.get(0, Long.class), r.get(1, Long.class)};
    }

    /** Rolled-up red watchdog events in the window, of the rows matching {@code where}. */
    public static long red(DSLContext dsl, Instant since, Instant now, Condition where) {
        return dsl.select(coalesce(sum(WATCHDOG_DAILY.RED), BigDecimal.ZERO)).from(WATCHDOG_DAILY)
                .where(wholeDays(WATCHDOG_DAILY.DAY, since, now)).and(where).fetchOne(0, Long.class);
    }
}
