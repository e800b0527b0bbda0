package io.metadb.analytics;

import static io.metadb.generated.Tables.CLI_DAILY;
import static io.metadb.generated.Tables.CLI_INVOCATIONS;
import static io.metadb.generated.Tables.CLONE_DISPATCHES;
import static io.metadb.generated.Tables.CLONE_LIFECYCLE_EVENTS;
import static io.metadb.generated.Tables.COMMUNICATION_EVENTS;
import static io.metadb.generated.Tables.CRASHES;
import static io.metadb.generated.Tables.DEPENDENCY_INSTALLS;
import static io.metadb.generated.Tables.EVENTS;
import static io.metadb.generated.Tables.GIT_OPERATIONS;
import static io.metadb.generated.Tables.HARVESTS;
import static io.metadb.generated.Tables.MARKER_STATE_EVENTS;
import static io.metadb.generated.Tables.MCP_TOOL_CALLS;
import static io.metadb.generated.Tables.MESSAGES;
import static io.metadb.generated.Tables.OWNER_DIRECTIVES;
import static io.metadb.generated.Tables.PREPUSH_BYPASS_EVENTS;
import static io.metadb.generated.Tables.SOURCE_CURSORS;
import static io.metadb.generated.Tables.TASKS;
import static io.metadb.generated.Tables.TESTS;
import static io.metadb.generated.Tables.TOKEN_USAGE;
import static io.metadb.generated.Tables.WATCHDOG_DAILY;
import static io.metadb.generated.Tables.WATCHDOG_EVENTS;
import static org.jooq.impl.DSL.avg;
import static org.jooq.impl.DSL.coalesce;
import static org.jooq.impl.DSL.count;
import static org.jooq.impl.DSL.countDistinct;
import static org.jooq.impl.DSL.inline;
import static org.jooq.impl.DSL.max;
import static org.jooq.impl.DSL.min;
import static org.jooq.impl.DSL.noCondition;
import static org.jooq.impl.DSL.round;
import static org.jooq.impl.DSL.select;
import static org.jooq.impl.DSL.selectDistinct;
import static org.jooq.impl.DSL.substring;
import static org.jooq.impl.DSL.sum;

import io.metadb.analytics.Rows.Activity;
import io.metadb.analytics.Rows.Agent;
import io.metadb.analytics.Rows.CliCommand;
import io.metadb.analytics.Rows.Clone;
import io.metadb.analytics.Rows.Cost;
import io.metadb.analytics.Rows.CrashGroup;
import io.metadb.analytics.Rows.Delivery;
import io.metadb.analytics.Rows.Dispatch;
import io.metadb.analytics.Rows.HotTable;
import io.metadb.analytics.Rows.McpTool;
import io.metadb.analytics.Rows.Summary;
import io.metadb.analytics.Rows.TaskState;
import io.metadb.analytics.Rows.TestCase;
import io.metadb.analytics.Rows.WatchdogCheck;
import io.metadb.analytics.Snapshot.TableCopy;
import io.metadb.analytics.internal.ActivitySummaries;
import io.metadb.core.EventStatus;
import io.metadb.dao.internal.JsonTables;
import io.metadb.dao.internal.JsonTables.JsonTable;
import io.metadb.generated.tables.Crashes;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Record1;
import org.jooq.Record2;
import org.jooq.Select;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * Every report of SPEC §4 as typed jOOQ queries over the generated classes, run on a
 * {@link Snapshot}. "Latest" and "first" order rows by (ts, id); windows are
 * {@code ts >= since}. Where a report folds rows per key (latest status, percentiles), it
 * fetches a typed result ordered by (key, ts, id) and folds it in Java, as each method
 * says. Not thread-safe (one snapshot connection).
 */
public final class Reports {
    /** Statuses and levels the reports match on (SPEC §2.2 values). */
    private static final String FAIL = "fail";
    private static final String PASS = "pass";
    private static final String RED = "red";

    private final Snapshot snapshot;
    private final DSLContext dsl;
    private final Instant now;

    /** Reports over {@code snapshot}, with {@code now} as the end of every window. */
    public Reports(Snapshot snapshot, Instant now) {
        this.snapshot = snapshot;
        this.dsl = snapshot.dsl();
        this.now = now;
    }

    /** Tables {@code hot-tables}, {@code recent} and {@code summary} cover: every JSON-row table and events. */
    private static List<CountedTable> countedTables() {
        return CountedTables.ALL;
    }

    /** Built once, on first use (the single-table reports never need it). */
    private static final class CountedTables {
        static final List<CountedTable> ALL = build();

        private static List<CountedTable> build() {
            List<CountedTable> out = new ArrayList<>();
            for (JsonTable t : JsonTables.all()) {
                out.add(new CountedTable(t.table(), t.ts(), t.id(), t.table().field(MESSAGES.AGENT)));
            }
            out.add(new CountedTable(EVENTS, EVENTS.TS, EVENTS.ID, null));
            return List.copyOf(out);
        }
    }

    private record CountedTable(Table<?> table, Field<Instant> ts, Field<Long> id, Field<String> agent) {}

    /**
     * The first UTC day wholly inside a window starting at {@code since}. Retention keeps
     * whole days in the rollup tables (cli_daily, watchdog_daily); a report counts a rolled-up
     * day when the whole day is in its window, so a window starting mid-day never counts rows
     * from before its start. Rolled-up rows are deleted from the raw table, so nothing is
     * counted twice.
     */
    static LocalDate firstWholeDay(Instant since) {
        LocalDate day = LocalDate.ofInstant(since, ZoneOffset.UTC);
        return since.equals(day.atStartOfDay(ZoneOffset.UTC).toInstant()) ? day : day.plusDays(1);
    }

    /** Rolled-up CLI calls and failures in the window: {calls, failures}. */
    private long[] rolledUpCli(Instant since, Condition where) {
        Record r = dsl.select(coalesce(sum(CLI_DAILY.CALLS), BigDecimal.ZERO), coalesce(sum(CLI_DAILY.FAILURES), BigDecimal.ZERO))
                .from(CLI_DAILY).where(CLI_DAILY.DAY.ge(firstWholeDay(since))).and(where).fetchOne();
        return new long[] {r.get(0, Long.class), r.get(1, Long.class)};
    }

    /** Rolled-up red watchdog events in the window. */
    private long rolledUpRed(Instant since, Condition where) {
        return dsl.select(coalesce(sum(WATCHDOG_DAILY.RED), BigDecimal.ZERO)).from(WATCHDOG_DAILY)
                .where(WATCHDOG_DAILY.DAY.ge(firstWholeDay(since))).and(where).fetchOne(0, Long.class);
    }

    // ---------------------------------------------------------------- hot-tables

    /** {@code hot-tables}: rows and rows in the last 24 hours per table; rows desc, table_name. */
    public List<HotTable> hotTables() {
        List<HotTable> rows = tableCounts(now.minus(Duration.ofHours(24)));
        if (rows.stream().allMatch(r -> r.rows() == 0)) {
            return List.of();
        }
        return rows;
    }

    /**
     * Rows per table (as the file had them when the snapshot was taken) and rows since
     * {@code cutoff} (counted in the copy, which may hold only those); rows desc, table_name.
     */
    private List<HotTable> tableCounts(Instant cutoff) {
        Select<Record2<String, Integer>> union = null;
        for (CountedTable t : countedTables()) {
            Select<Record2<String, Integer>> part = select(inline(t.table().getName()), count()).from(t.table())
                    .where(t.ts().ge(cutoff));
            union = union == null ? part : union.unionAll(part);
        }
        Map<String, Integer> recent = dsl.fetchMap(union);
        return countedTables().stream()
                .map(t -> new HotTable(t.table().getName(), snapshot.sourceRows(t.table()), recent.get(t.table().getName())))
                .sorted(Comparator.comparingLong(HotTable::rows).reversed().thenComparing(HotTable::tableName))
                .toList();
    }

    // ---------------------------------------------------------------- summary

    /** {@code summary}; empty for an empty database. */
    public Optional<Summary> summary(Instant since) {
        List<HotTable> counts = tableCounts(since);
        long total = counts.stream().mapToLong(HotTable::rows).sum();
        if (total == 0) {
            return Optional.empty();
        }
        long rowsSince = counts.stream().mapToLong(HotTable::rows24h).sum();
        Select<Record1<String>> agents = null;
        for (CountedTable t : countedTables()) {
            if (t.agent() != null) {
                Select<Record1<String>> part = select(t.agent()).from(t.table()).where(t.ts().ge(since)).and(t.agent().isNotNull());
                agents = agents == null ? part : agents.union(part);
            }
        }
        long agentsActive = dsl.fetchCount(agents);
        Record cli = dsl.select(count(), count().filterWhere(CLI_INVOCATIONS.EXIT_CODE.ne(0L)))
                .from(CLI_INVOCATIONS).where(CLI_INVOCATIONS.TS.ge(since)).fetchOne();
        Record tokens = dsl.select(coalesce(sum(TOKEN_USAGE.INPUT_TOKENS), BigDecimal.ZERO),
                        coalesce(sum(TOKEN_USAGE.OUTPUT_TOKENS), BigDecimal.ZERO),
                        coalesce(round(sum(TOKEN_USAGE.COST_USD), 6), BigDecimal.ZERO))
                .from(TOKEN_USAGE).where(TOKEN_USAGE.TS.ge(since)).fetchOne();
        long crashes = dsl.fetchCount(CRASHES, CRASHES.TS.ge(since));
        long red = dsl.fetchCount(WATCHDOG_EVENTS, WATCHDOG_EVENTS.TS.ge(since).and(WATCHDOG_EVENTS.LEVEL.eq(RED)))
                + rolledUpRed(since, noCondition());
        long[] rolledCli = rolledUpCli(since, noCondition());
        long testsFailed = dsl.fetchCount(TESTS, TESTS.TS.ge(since).and(TESTS.STATUS.eq(FAIL)));
        long pending = dsl.fetchCount(EVENTS, EVENTS.STATUS.eq(EventStatus.PENDING));
        long failed = dsl.fetchCount(EVENTS, EVENTS.STATUS.eq(EventStatus.FAILED));
        return Optional.of(new Summary(total, rowsSince, agentsActive, cli.get(0, Long.class) + rolledCli[0],
                cli.get(1, Long.class) + rolledCli[1],
                tokens.get(0, Long.class), tokens.get(1, Long.class), tokens.get(2, Double.class), crashes, red,
                testsFailed, pending, failed));
    }

    // ---------------------------------------------------------------- recent, audit

    /**
     * {@code recent}: the latest {@code limit} rows of one table or of all; ts desc,
     * table_name, id desc. Each table's latest rows come from its ts index; the merge of
     * the per-table results is done in Java.
     */
    public List<Activity> recent(String tableName, int limit) {
        List<CountedTable> tables = recentTables(tableName, limit);
        List<Activity> rows = new ArrayList<>();
        for (CountedTable t : tables) {
            rows.addAll(activity(t, noCondition(), List.of(t.ts().desc(), t.id().desc()), limit));
        }
        rows.sort(Comparator.comparing(Activity::ts).reversed().thenComparing(Activity::tableName)
                .thenComparing(Comparator.comparingLong(Activity::id).reversed()));
        return rows.subList(0, Math.min(limit, rows.size()));
    }

    /**
     * The rows {@code audit --day D} covers, per table: that UTC day's rows of the audited
     * tables (every row; only red watchdog events and failed tests).
     */
    private static Map<CountedTable, Condition> auditedRows(LocalDate day) {
        Instant from = day.atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant to = day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        Map<Table<?>, Condition> kept = Map.of(OWNER_DIRECTIVES, noCondition(), PREPUSH_BYPASS_EVENTS, noCondition(),
                GIT_OPERATIONS, noCondition(), CLONE_DISPATCHES, noCondition(), CRASHES, noCondition(),
                WATCHDOG_EVENTS, WATCHDOG_EVENTS.LEVEL.eq(RED), TESTS, TESTS.STATUS.eq(FAIL),
                MARKER_STATE_EVENTS, noCondition(), DEPENDENCY_INSTALLS, noCondition());
        Map<CountedTable, Condition> rows = new LinkedHashMap<>();
        for (CountedTable t : countedTables()) {
            Condition where = kept.get(t.table());
            if (where != null) {
                rows.put(t, where.and(t.ts().ge(from)).and(t.ts().lt(to)));
            }
        }
        return rows;
    }

    /** The tables {@code recent} reads: all, or the one named; checks the arguments. */
    private static List<CountedTable> recentTables(String tableName, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("--limit must be >= 1, was " + limit);
        }
        if (tableName == null) {
            return countedTables();
        }
        List<CountedTable> tables = countedTables().stream().filter(t -> t.table().getName().equals(tableName)).toList();
        if (tables.isEmpty()) {
            throw new IllegalArgumentException("unknown table '" + tableName + "'; tables are: "
                    + String.join(", ", countedTables().stream().map(t -> t.table().getName()).sorted().toList()));
        }
        return tables;
    }

    /**
     * {@code audit}: that UTC day's control-relevant rows (directives, bypasses, git
     * operations, dispatches, crashes, red watchdog events, failed tests, marker changes,
     * dependency installs); ts asc, table_name, id.
     */
    public List<Activity> audit(LocalDate day) {
        List<Activity> rows = new ArrayList<>();
        auditedRows(day).forEach((t, where) -> rows.addAll(activity(t, where, List.of(t.ts(), t.id()), null)));
        rows.sort(Comparator.comparing(Activity::ts).thenComparing(Activity::tableName).thenComparingLong(Activity::id));
        return rows;
    }

    private List<Activity> activity(CountedTable t, Condition where, List<? extends org.jooq.OrderField<?>> order, Integer limit) {
        Field<String> agent = t.agent() != null ? t.agent() : DSL.inline(null, SQLDataType.VARCHAR);
        var query = dsl.select(t.ts(), t.id(), agent, ActivitySummaries.of(t.table()))
                .from(t.table()).where(where).orderBy(order);
        String name = t.table().getName();
        return (limit == null ? query.fetch() : query.limit(limit).fetch())
                .map(r -> new Activity(r.value1(), name, r.value2(), r.value3(), r.value4()));
    }

    // ---------------------------------------------------------------- agent

    /** {@code agent NAME}: one row; empty if the agent appears in no table at all. */
    public Optional<Agent> agent(String name, Instant since) {
        Instant lastSeen = null;
        for (CountedTable t : countedTables()) {
            if (t.agent() != null) {
                Instant ts = dsl.select(max(t.ts())).from(t.table()).where(t.agent().eq(name)).fetchOne(0, Instant.class);
                if (ts != null && (lastSeen == null || ts.isAfter(lastSeen))) {
                    lastSeen = ts;
                }
            }
        }
        if (lastSeen == null) {
            return Optional.empty();
        }
        Record cli = dsl.select(count(), count().filterWhere(CLI_INVOCATIONS.EXIT_CODE.ne(0L))).from(CLI_INVOCATIONS)
                .where(CLI_INVOCATIONS.AGENT.eq(name)).and(CLI_INVOCATIONS.TS.ge(since)).fetchOne();
        Record tokens = dsl.select(coalesce(sum(TOKEN_USAGE.INPUT_TOKENS), BigDecimal.ZERO),
                        coalesce(sum(TOKEN_USAGE.OUTPUT_TOKENS), BigDecimal.ZERO),
                        coalesce(round(sum(TOKEN_USAGE.COST_USD), 6), BigDecimal.ZERO))
                .from(TOKEN_USAGE).where(TOKEN_USAGE.AGENT.eq(name)).and(TOKEN_USAGE.TS.ge(since)).fetchOne();
        long messages = dsl.fetchCount(MESSAGES, MESSAGES.AGENT.eq(name).and(MESSAGES.TS.ge(since)));
        long red = dsl.fetchCount(WATCHDOG_EVENTS, WATCHDOG_EVENTS.AGENT.eq(name).and(WATCHDOG_EVENTS.TS.ge(since))
                .and(WATCHDOG_EVENTS.LEVEL.eq(RED))) + rolledUpRed(since, WATCHDOG_DAILY.AGENT.eq(name));
        long[] rolledCli = rolledUpCli(since, CLI_DAILY.AGENT.eq(name));
        long crashes = dsl.fetchCount(CRASHES, CRASHES.AGENT.eq(name).and(CRASHES.TS.ge(since)));
        return Optional.of(new Agent(name, cli.get(0, Long.class) + rolledCli[0], cli.get(1, Long.class) + rolledCli[1],
                tokens.get(0, Long.class),
                tokens.get(1, Long.class), tokens.get(2, Double.class), messages, red, crashes, lastSeen));
    }

    // ---------------------------------------------------------------- cost

    /** What {@code cost} groups by. */
    public enum CostBy { MODEL, AGENT, DAY }

    /** {@code cost}: token usage per model, agent or UTC day; cost_usd desc, key asc. */
    public List<Cost> cost(Instant since, CostBy by) {
        Field<String> key = switch (by) {
            case MODEL -> TOKEN_USAGE.MODEL;
            case AGENT -> TOKEN_USAGE.AGENT;
            case DAY -> substring(DSL.field(TOKEN_USAGE.TS.getQualifiedName(), SQLDataType.VARCHAR), 1, 10);
        };
        Field<BigDecimal> cost = coalesce(round(sum(TOKEN_USAGE.COST_USD), 6), BigDecimal.ZERO);
        return dsl.select(key, count(), sum(TOKEN_USAGE.INPUT_TOKENS), sum(TOKEN_USAGE.OUTPUT_TOKENS),
                        coalesce(sum(TOKEN_USAGE.CACHE_READ_TOKENS), BigDecimal.ZERO),
                        coalesce(sum(TOKEN_USAGE.CACHE_WRITE_TOKENS), BigDecimal.ZERO), cost)
                .from(TOKEN_USAGE).where(TOKEN_USAGE.TS.ge(since))
                .groupBy(key).orderBy(cost.desc(), key.asc())
                .fetch(r -> new Cost(r.value1(), r.value2(), r.get(2, Long.class), r.get(3, Long.class),
                        r.get(4, Long.class), r.get(5, Long.class), r.get(6, Double.class)));
    }

    // ---------------------------------------------------------------- crashes

    /** {@code crashes}: per component; crashes desc, component. */
    public List<CrashGroup> crashes(Instant since, String agent) {
        Crashes latest = CRASHES.as("latest");
        Condition window = CRASHES.TS.ge(since).and(agent == null ? noCondition() : CRASHES.AGENT.eq(agent));
        Condition latestWindow = latest.TS.ge(since).and(agent == null ? noCondition() : latest.AGENT.eq(agent));
        Field<String> lastError = select(latest.ERROR).from(latest)
                .where(latest.COMPONENT.eq(CRASHES.COMPONENT)).and(latestWindow)
                .orderBy(latest.TS.desc(), latest.ID.desc()).limit(1).asField("last_error");
        return dsl.select(CRASHES.COMPONENT, count(), countDistinct(CRASHES.AGENT), max(CRASHES.TS), lastError)
                .from(CRASHES).where(window)
                .groupBy(CRASHES.COMPONENT).orderBy(count().desc(), CRASHES.COMPONENT)
                .fetch(r -> new CrashGroup(r.value1(), r.value2(), r.value3(), r.value4(), r.value5()));
    }

    // ---------------------------------------------------------------- dispatch

    /**
     * {@code dispatch AGENT}: tasks with a clone_dispatches row where agent or clone is
     * AGENT, whose first row is in the window; first_ts desc, task_id. First and latest rows
     * per task are a fold (Java) over the task's rows ordered by (ts, id).
     */
    public List<Dispatch> dispatch(String agent, Instant since) {
        var taskIds = selectDistinct(CLONE_DISPATCHES.TASK_ID).from(CLONE_DISPATCHES)
                .where(CLONE_DISPATCHES.AGENT.eq(agent).or(CLONE_DISPATCHES.CLONE.eq(agent)));
        var rows = dsl.select(CLONE_DISPATCHES.TASK_ID, CLONE_DISPATCHES.AGENT, CLONE_DISPATCHES.CLONE,
                        CLONE_DISPATCHES.TS, CLONE_DISPATCHES.STATUS)
                .from(CLONE_DISPATCHES).where(CLONE_DISPATCHES.TASK_ID.in(taskIds))
                .orderBy(CLONE_DISPATCHES.TASK_ID, CLONE_DISPATCHES.TS, CLONE_DISPATCHES.ID).fetch();
        Map<String, String> harvest = new LinkedHashMap<>();
        dsl.select(HARVESTS.TASK_ID, HARVESTS.OUTCOME).from(HARVESTS).where(HARVESTS.TASK_ID.in(taskIds))
                .orderBy(HARVESTS.TS, HARVESTS.ID)
                .forEach(r -> harvest.put(r.value1(), r.value2())); // later rows overwrite: latest wins
        List<Dispatch> out = new ArrayList<>();
        Dispatch current = null;
        for (var r : rows) {
            if (current == null || !current.taskId().equals(r.value1())) {
                if (current != null) {
                    out.add(current);
                }
                current = new Dispatch(r.value1(), r.value2(), r.value3(), r.value4(), r.value5(), harvest.get(r.value1()));
            } else {
                current = new Dispatch(current.taskId(), current.dispatcher(), current.cloneName(), current.firstTs(),
                        r.value5(), current.harvestOutcome());
            }
        }
        if (current != null) {
            out.add(current);
        }
        return out.stream().filter(d -> !d.firstTs().isBefore(since))
                .sorted(Comparator.comparing(Dispatch::firstTs).reversed().thenComparing(Dispatch::taskId))
                .toList();
    }

    // ---------------------------------------------------------------- delivery

    /** {@code delivery CHANNEL}: outbox state of the channel (all time) and its traffic in the window; empty if unknown. */
    public Optional<Delivery> delivery(String channel, Instant since) {
        Condition mine = EVENTS.SOURCE.eq(channel);
        Record counts = dsl.select(count().filterWhere(EVENTS.STATUS.eq(EventStatus.PENDING)),
                        count().filterWhere(EVENTS.STATUS.eq(EventStatus.DELIVERED)),
                        count().filterWhere(EVENTS.STATUS.eq(EventStatus.FAILED)),
                        min(EVENTS.TS).filterWhere(EVENTS.STATUS.eq(EventStatus.PENDING)),
                        max(EVENTS.DELIVERED_TS))
                .from(EVENTS).where(mine).fetchOne();
        String lastError = dsl.select(EVENTS.LAST_ERROR).from(EVENTS).where(mine).and(EVENTS.STATUS.eq(EventStatus.FAILED))
                .orderBy(EVENTS.TS.desc(), EVENTS.ID.desc()).limit(1).fetchOne(EVENTS.LAST_ERROR);
        String cursor = dsl.select(SOURCE_CURSORS.CURSOR).from(SOURCE_CURSORS).where(SOURCE_CURSORS.SOURCE.eq(channel))
                .fetchOne(SOURCE_CURSORS.CURSOR);
        Record comm = dsl.select(count().filterWhere(COMMUNICATION_EVENTS.EVENT.eq("received")),
                        count().filterWhere(COMMUNICATION_EVENTS.EVENT.eq("sent")),
                        count().filterWhere(COMMUNICATION_EVENTS.EVENT.eq("failed")),
                        count())
                .from(COMMUNICATION_EVENTS).where(COMMUNICATION_EVENTS.CHANNEL.eq(channel))
                .and(COMMUNICATION_EVENTS.TS.ge(since)).fetchOne();
        long events = counts.get(0, Long.class) + counts.get(1, Long.class) + counts.get(2, Long.class);
        if (events == 0 && cursor == null && comm.get(3, Long.class) == 0) {
            return Optional.empty();
        }
        return Optional.of(new Delivery(counts.get(0, Long.class), counts.get(1, Long.class), counts.get(2, Long.class),
                counts.get(3, Instant.class), counts.get(4, Instant.class), lastError, cursor,
                comm.get(0, Long.class), comm.get(1, Long.class), comm.get(2, Long.class)));
    }

    // ---------------------------------------------------------------- tasks

    /**
     * {@code tasks}: the latest row per task_id, with first_ts and the number of updates;
     * updated_ts desc, task_id. A fold (Java) over rows ordered by (task_id, ts, id).
     */
    public List<TaskState> tasks(String status) {
        List<TaskState> out = new ArrayList<>();
        TaskState current = null;
        for (var r : dsl.select(TASKS.TASK_ID, TASKS.TITLE, TASKS.STATUS, TASKS.AGENT, TASKS.PRIORITY, TASKS.TS)
                .from(TASKS).orderBy(TASKS.TASK_ID, TASKS.TS, TASKS.ID).fetch()) {
            if (current != null && current.taskId().equals(r.value1())) {
                current = new TaskState(r.value1(), r.value2(), r.value3(), r.value4(), r.value5(), current.firstTs(),
                        r.value6(), current.updates() + 1);
            } else {
                if (current != null) {
                    out.add(current);
                }
                current = new TaskState(r.value1(), r.value2(), r.value3(), r.value4(), r.value5(), r.value6(), r.value6(), 1);
            }
        }
        if (current != null) {
            out.add(current);
        }
        return out.stream().filter(t -> status == null || t.status().equals(status))
                .sorted(Comparator.comparing(TaskState::updatedTs).reversed().thenComparing(TaskState::taskId))
                .toList();
    }

    // ---------------------------------------------------------------- tests

    /**
     * {@code tests}: per (suite, name) in the window; suite, name. Latest status and
     * flakiness are a fold (Java) over rows ordered by (suite, name, ts, id).
     */
    public List<TestCase> tests(Instant since, String status) {
        List<TestCase> out = new ArrayList<>();
        String suite = null;
        String name = null;
        String latest = null;
        Instant lastTs = null;
        long runs = 0;
        long failures = 0;
        boolean passed = false;
        for (var r : dsl.select(TESTS.SUITE, TESTS.NAME, TESTS.STATUS, TESTS.TS).from(TESTS).where(TESTS.TS.ge(since))
                .orderBy(TESTS.SUITE, TESTS.NAME, TESTS.TS, TESTS.ID).fetch()) {
            if (!r.value1().equals(suite) || !r.value2().equals(name)) {
                if (suite != null) {
                    out.add(new TestCase(suite, name, latest, runs, failures, passed && failures > 0, lastTs));
                }
                suite = r.value1();
                name = r.value2();
                runs = 0;
                failures = 0;
                passed = false;
            }
            runs++;
            failures += FAIL.equals(r.value3()) ? 1 : 0;
            passed |= PASS.equals(r.value3());
            latest = r.value3();
            lastTs = r.value4();
        }
        if (suite != null) {
            out.add(new TestCase(suite, name, latest, runs, failures, passed && failures > 0, lastTs));
        }
        return status == null ? out : out.stream().filter(t -> t.status().equals(status)).toList();
    }

    // ---------------------------------------------------------------- cli

    /**
     * {@code cli}: per command; calls desc, command. Percentiles are nearest rank (the
     * value at rank ceil(N/100 * n) in ascending order), computed in Java over each
     * command's durations fetched in ascending order: SQLite has no percentile function.
     */
    public List<CliCommand> cli(Instant since) {
        List<CliCommand> out = new ArrayList<>();
        String command = null;
        List<Long> durations = new ArrayList<>();
        long failures = 0;
        for (var r : dsl.select(CLI_INVOCATIONS.COMMAND, CLI_INVOCATIONS.DURATION_MS, CLI_INVOCATIONS.EXIT_CODE)
                .from(CLI_INVOCATIONS).where(CLI_INVOCATIONS.TS.ge(since))
                .orderBy(CLI_INVOCATIONS.COMMAND, CLI_INVOCATIONS.DURATION_MS).fetch()) {
            if (!r.value1().equals(command)) {
                if (command != null) {
                    out.add(cliRow(command, durations, failures));
                }
                command = r.value1();
                durations = new ArrayList<>();
                failures = 0;
            }
            durations.add(r.value2());
            failures += r.value3() != 0 ? 1 : 0;
        }
        if (command != null) {
            out.add(cliRow(command, durations, failures));
        }
        // Rolled-up days add calls and failures; their durations are gone (only totals are
        // kept), so percentiles and max come from raw rows and are null for a command seen
        // only in rollups.
        Map<String, CliCommand> byCommand = new LinkedHashMap<>();
        out.forEach(c -> byCommand.put(c.command(), c));
        dsl.select(CLI_DAILY.COMMAND, sum(CLI_DAILY.CALLS), sum(CLI_DAILY.FAILURES)).from(CLI_DAILY)
                .where(CLI_DAILY.DAY.ge(firstWholeDay(since))).groupBy(CLI_DAILY.COMMAND)
                .forEach(r -> byCommand.merge(r.value1(),
                        new CliCommand(r.value1(), r.get(1, Long.class), r.get(2, Long.class), null, null, null),
                        (raw, rolled) -> new CliCommand(raw.command(), raw.calls() + rolled.calls(),
                                raw.failures() + rolled.failures(), raw.p50Ms(), raw.p95Ms(), raw.maxMs())));
        out = new ArrayList<>(byCommand.values());
        out.sort(Comparator.comparingLong(CliCommand::calls).reversed().thenComparing(CliCommand::command));
        return out;
    }

    private static CliCommand cliRow(String command, List<Long> ascending, long failures) {
        return new CliCommand(command, ascending.size(), failures, nearestRank(ascending, 50), nearestRank(ascending, 95),
                ascending.get(ascending.size() - 1));
    }

    /** The value at rank ceil(p/100 * n) (1-based) of an ascending list. */
    static Long nearestRank(List<Long> ascending, int p) {
        int rank = (int) Math.ceil(p / 100.0 * ascending.size());
        return ascending.get(Math.max(rank, 1) - 1);
    }

    // ---------------------------------------------------------------- mcp

    /** {@code mcp}: per (server, tool); calls desc, server, tool. */
    public List<McpTool> mcp(Instant since) {
        return dsl.select(MCP_TOOL_CALLS.SERVER, MCP_TOOL_CALLS.TOOL, count(),
                        count().filterWhere(MCP_TOOL_CALLS.OK.isFalse()), avg(MCP_TOOL_CALLS.DURATION_MS),
                        max(MCP_TOOL_CALLS.DURATION_MS))
                .from(MCP_TOOL_CALLS).where(MCP_TOOL_CALLS.TS.ge(since))
                .groupBy(MCP_TOOL_CALLS.SERVER, MCP_TOOL_CALLS.TOOL)
                .orderBy(count().desc(), MCP_TOOL_CALLS.SERVER, MCP_TOOL_CALLS.TOOL)
                .fetch(r -> new McpTool(r.value1(), r.value2(), r.value3(), r.value4(), r.get(4, Double.class), r.value6()));
    }

    // ---------------------------------------------------------------- watchdog

    /**
     * {@code watchdog}: per check; red desc, check_name. Rolled-up days add their counts
     * (merged in Java); last_red_ts comes from raw rows only (rollups keep no times).
     */
    public List<WatchdogCheck> watchdog(Instant since) {
        Field<Integer> red = count().filterWhere(WATCHDOG_EVENTS.LEVEL.eq(RED));
        Map<String, WatchdogCheck> byCheck = new LinkedHashMap<>();
        dsl.select(WATCHDOG_EVENTS.CHECK_NAME, count().filterWhere(WATCHDOG_EVENTS.LEVEL.eq("green")),
                        count().filterWhere(WATCHDOG_EVENTS.LEVEL.eq("yellow")), red,
                        max(WATCHDOG_EVENTS.TS).filterWhere(WATCHDOG_EVENTS.LEVEL.eq(RED)))
                .from(WATCHDOG_EVENTS).where(WATCHDOG_EVENTS.TS.ge(since))
                .groupBy(WATCHDOG_EVENTS.CHECK_NAME)
                .forEach(r -> byCheck.put(r.value1(), new WatchdogCheck(r.value1(), r.value2(), r.value3(), r.value4(), r.value5())));
        dsl.select(WATCHDOG_DAILY.CHECK_NAME, sum(WATCHDOG_DAILY.GREEN), sum(WATCHDOG_DAILY.YELLOW), sum(WATCHDOG_DAILY.RED))
                .from(WATCHDOG_DAILY).where(WATCHDOG_DAILY.DAY.ge(firstWholeDay(since))).groupBy(WATCHDOG_DAILY.CHECK_NAME)
                .forEach(r -> byCheck.merge(r.value1(),
                        new WatchdogCheck(r.value1(), r.get(1, Long.class), r.get(2, Long.class), r.get(3, Long.class), null),
                        (raw, rolled) -> new WatchdogCheck(raw.checkName(), raw.green() + rolled.green(),
                                raw.yellow() + rolled.yellow(), raw.red() + rolled.red(), raw.lastRedTs())));
        return byCheck.values().stream()
                .sorted(Comparator.comparingLong(WatchdogCheck::red).reversed().thenComparing(WatchdogCheck::checkName))
                .toList();
    }

    // ---------------------------------------------------------------- clones

    /** {@code clones}: per clone in the window; clone. The last phase is a fold (Java) over rows ordered by (clone, ts, id). */
    public List<Clone> clones(Instant since) {
        List<Clone> out = new ArrayList<>();
        Clone current = null;
        for (var r : dsl.select(CLONE_LIFECYCLE_EVENTS.CLONE, CLONE_LIFECYCLE_EVENTS.PHASE, CLONE_LIFECYCLE_EVENTS.TS)
                .from(CLONE_LIFECYCLE_EVENTS).where(CLONE_LIFECYCLE_EVENTS.TS.ge(since))
                .orderBy(CLONE_LIFECYCLE_EVENTS.CLONE, CLONE_LIFECYCLE_EVENTS.TS, CLONE_LIFECYCLE_EVENTS.ID).fetch()) {
            long spawn = "spawn".equals(r.value2()) ? 1 : 0;
            long crash = "crash".equals(r.value2()) ? 1 : 0;
            if (current != null && current.cloneName().equals(r.value1())) {
                current = new Clone(r.value1(), current.spawns() + spawn, current.crashes() + crash, r.value2(), r.value3());
            } else {
                if (current != null) {
                    out.add(current);
                }
                current = new Clone(r.value1(), spawn, crash, r.value2(), r.value3());
            }
        }
        if (current != null) {
            out.add(current);
        }
        return out;
    }

    // ---------------------------------------------------------------- what each report reads

    /*
     * Each report copies into its snapshot only what it reads, in one read transaction on the
     * file; a snapshot also records every copied table's row count in the file. Measured on
     * the demo database (64 MB, 131k rows) with `metadb bench reports`: the backup API copies
     * the whole file in ~33 ms warm and ~85 ms in a fresh process, while these copies take
     * 1-28 ms warm (cost's week of token_usage is the largest). ReportCopiesTest checks that
     * every report gives the same rows over its own copy as over the whole file.
     */

    /** What {@code hot-tables} reads: the ts of each table's rows of the 24 hours before {@code now}. */
    public static List<TableCopy> hotTablesCopies(Instant now) {
        Instant cutoff = now.minus(Duration.ofHours(24));
        return countedTables().stream().map(t -> TableCopy.of(t.table()).columns(t.ts()).where(t.ts().ge(cutoff))).toList();
    }

    /**
     * What {@code summary} reads: each table's rows in the window, the events still pending
     * or failed (counted whatever their age), and the rolled-up days in the window.
     */
    public static List<TableCopy> summaryCopies(Instant since) {
        List<TableCopy> copies = new ArrayList<>();
        for (CountedTable t : countedTables()) {
            Condition rows = t.ts().ge(since);
            if (t.table().equals(EVENTS)) {
                rows = rows.or(EVENTS.STATUS.in(EventStatus.PENDING, EventStatus.FAILED));
            }
            copies.add(TableCopy.of(t.table()).where(rows));
        }
        copies.add(TableCopy.of(CLI_DAILY).where(CLI_DAILY.DAY.ge(firstWholeDay(since))));
        copies.add(TableCopy.of(WATCHDOG_DAILY).where(WATCHDOG_DAILY.DAY.ge(firstWholeDay(since))));
        return copies;
    }

    /** What {@code recent} reads: the latest {@code limit} rows of each table (or of the one named). */
    public static List<TableCopy> recentCopies(String tableName, int limit) {
        return recentTables(tableName, limit).stream().map(t -> TableCopy.of(t.table()).latest(limit)).toList();
    }

    /** The tables {@code agent} counts rows of in its window (the others give only last_seen). */
    private static final Set<Table<?>> AGENT_METRICS = Set.of(CLI_INVOCATIONS, TOKEN_USAGE, MESSAGES, WATCHDOG_EVENTS, CRASHES);

    /**
     * What {@code agent NAME --since S} reads: that agent's rows in the window of the tables
     * it counts, and of every table with an agent that agent's latest row (for last_seen),
     * with the rolled-up days in the window.
     */
    public static List<TableCopy> agentCopies(String name, Instant since) {
        List<TableCopy> copies = new ArrayList<>();
        for (CountedTable t : countedTables()) {
            if (t.agent() == null) {
                continue;
            }
            Condition mine = t.agent().eq(name);
            copies.add(AGENT_METRICS.contains(t.table())
                    ? TableCopy.of(t.table()).where(mine).since(since).orLatest(mine)
                    : TableCopy.of(t.table()).columns(t.ts(), t.id(), t.agent()).where(mine).latest(1));
        }
        copies.add(TableCopy.of(CLI_DAILY).where(CLI_DAILY.AGENT.eq(name)).where(CLI_DAILY.DAY.ge(firstWholeDay(since))));
        copies.add(TableCopy.of(WATCHDOG_DAILY).where(WATCHDOG_DAILY.AGENT.eq(name))
                .where(WATCHDOG_DAILY.DAY.ge(firstWholeDay(since))));
        return copies;
    }

    /**
     * What {@code dispatch} reads: every dispatch and harvest row (a task counts if its first
     * row is in the window, and its latest status and harvest may be of any age).
     */
    public static List<TableCopy> dispatchCopies() {
        return List.of(TableCopy.of(CLONE_DISPATCHES), TableCopy.of(HARVESTS));
    }

    /** What {@code delivery CHANNEL} reads: the channel's events (all time), cursor, and traffic in the window. */
    public static List<TableCopy> deliveryCopies(String channel, Instant since) {
        return List.of(TableCopy.of(EVENTS).where(EVENTS.SOURCE.eq(channel)),
                TableCopy.of(SOURCE_CURSORS).where(SOURCE_CURSORS.SOURCE.eq(channel)),
                TableCopy.of(COMMUNICATION_EVENTS).where(COMMUNICATION_EVENTS.CHANNEL.eq(channel)).since(since));
    }

    /** What {@code audit --day D} reads: that UTC day's audited rows. */
    public static List<TableCopy> auditCopies(LocalDate day) {
        List<TableCopy> copies = new ArrayList<>();
        auditedRows(day).forEach((t, where) -> copies.add(TableCopy.of(t.table()).where(where)));
        return copies;
    }

    /**
     * What each report over one window reads ({@code cost}, {@code crashes}, {@code tests},
     * {@code cli}, {@code mcp}, {@code watchdog}, {@code clones}; {@code tasks} with no
     * window): its tables, and of those with a ts only the rows since {@code since} (null:
     * every row).
     *
     * @throws IllegalArgumentException for another report (each has its own method)
     */
    public static List<TableCopy> copies(String report, Instant since) {
        Set<Table<?>> tables = tablesRead(report);
        if (tables.isEmpty()) {
            throw new IllegalArgumentException("'" + report + "' is not a report over one window; see Reports." + report + "Copies");
        }
        return tables.stream().map(t -> TableCopy.of(t).since(since)).toList();
    }

    private static Set<Table<?>> tablesRead(String report) {
        return switch (report) {
            case "cost" -> Set.of(TOKEN_USAGE);
            case "crashes" -> Set.of(CRASHES);
            case "tasks" -> Set.of(TASKS);
            case "tests" -> Set.of(TESTS);
            case "cli" -> Set.of(CLI_INVOCATIONS, CLI_DAILY);
            case "mcp" -> Set.of(MCP_TOOL_CALLS);
            case "watchdog" -> Set.of(WATCHDOG_EVENTS, WATCHDOG_DAILY);
            case "clones" -> Set.of(CLONE_LIFECYCLE_EVENTS);
            default -> Set.of();
        };
    }
}
