package io.metadb.analytics.report;

import static io.metadb.generated.Tables.CLI_DAILY;
import static io.metadb.generated.Tables.CLI_INVOCATIONS;
import static io.metadb.generated.Tables.CRASHES;
import static io.metadb.generated.Tables.MESSAGES;
import static io.metadb.generated.Tables.TOKEN_USAGE;
import static io.metadb.generated.Tables.WATCHDOG_DAILY;
import static io.metadb.generated.Tables.WATCHDOG_EVENTS;
import static org.jooq.impl.DSL.coalesce;
import static org.jooq.impl.DSL.count;
import static org.jooq.impl.DSL.max;
import io.metadb.analytics.internal.Sums;
import static org.jooq.impl.DSL.sum;

import io.metadb.analytics.Args;
import io.metadb.analytics.Known;
import io.metadb.analytics.Param;
import io.metadb.analytics.Report;
import io.metadb.analytics.ReportContext;
import io.metadb.analytics.Request;
import io.metadb.analytics.TableCopy;
import io.metadb.analytics.internal.Rollups;
import io.metadb.generated.envelope.RowTable;
import io.metadb.generated.envelope.RowTables;
import io.metadb.payload.WatchdogEvent;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Table;

/** {@code agent NAME}: one row about one agent; none if the agent appears in no table at all. */
public final class AgentReport extends Report<AgentReport.Params, AgentReport.Row> {
    public record Params(String name, Instant since) {}

    public record Row(String agent, long cliCalls, long cliFailures, long inputTokens, long outputTokens,
            double costUsd, long messages, long watchdogRed, long crashes, Instant lastSeen) {}

    private static final Param<String> NAME = Param.positional("name", "NAME", "the agent").naming(Known.AGENTS);
    private static final Param<Instant> SINCE = Param.since("24h", "window; last_seen ignores it");

    /**
     * The tables it counts rows of in its window (the others give only last_seen). Not a
     * static field: the registry loads every report class at start-up, and touching the
     * generated tables there would initialise jOOQ on the main thread.
     */
    private static Set<Table<?>> counted() {
        return Set.of(CLI_INVOCATIONS, TOKEN_USAGE, MESSAGES, WATCHDOG_EVENTS, CRASHES);
    }

    public static final AgentReport REPORT = new AgentReport();

    private AgentReport() {
        super("agent", Row.class, Shape.ROWS,
                "One agent at a glance: CLI calls, tokens, cost, messages, reds, crashes, last seen.",
                List.of(NAME, SINCE), List.of("agent agent1", "agent agent8 --since 7d"));
    }

    public static Request<Params, Row> of(String name, Instant since) {
        return REPORT.request(new Params(name, since));
    }

    @Override
    protected Params params(Args args) {
        return new Params(args.get(NAME), args.get(SINCE));
    }

    /**
     * The agent's rows in the window of the tables it counts, and of every table with an
     * agent that agent's latest row up to now (for last_seen), with the rolled-up days in the window.
     */
    @Override
    public List<TableCopy> reads(Params p, Instant now) {
        List<TableCopy> copies = new ArrayList<>();
        for (RowTable t : RowTables.rowTables()) {
            if (t.agent() == null) {
                continue;
            }
            Condition mine = t.agent().eq(p.name()).and(t.ts().le(now));
            List<Field<?>> columns = new ArrayList<>(List.of(t.ts(), t.id(), t.agent()));
            if (t.table().equals(CLI_INVOCATIONS)) {
                columns.add(CLI_INVOCATIONS.EXIT_CODE);
            } else if (t.table().equals(TOKEN_USAGE)) {
                columns.addAll(List.of(TOKEN_USAGE.INPUT_TOKENS, TOKEN_USAGE.OUTPUT_TOKENS, TOKEN_USAGE.COST_USD));
            } else if (t.table().equals(WATCHDOG_EVENTS)) {
                columns.add(WATCHDOG_EVENTS.LEVEL);
            }
            // Only the columns the query reads: the rest of a row (session ids, bodies, details) is most of its size.
            TableCopy copy = TableCopy.of(t.table()).columns(columns.toArray(Field<?>[]::new)).where(mine);
            copies.add(counted().contains(t.table()) ? copy.within(p.since(), now).orLatest(mine) : copy.latest(1));
        }
        copies.addAll(Rollups.copies(p.since(), now, p.name()));
        return copies;
    }

    @Override
    protected List<Row> run(ReportContext context, Params p) {
        DSLContext dsl = context.dsl();
        String name = p.name();
        Instant since = p.since();
        Instant now = context.now();
        Instant lastSeen = null;
        for (RowTable t : RowTables.rowTables()) {
            if (t.agent() != null) {
                Instant ts = dsl.select(max(t.ts())).from(t.table()).where(t.agent().eq(name)).and(t.ts().le(now))
                        .fetchOne(0, Instant.class);
                if (ts != null && (lastSeen == null || ts.isAfter(lastSeen))) {
                    lastSeen = ts;
                }
            }
        }
        if (lastSeen == null) {
            return List.of();
        }
        Record cli = dsl.select(count(), count().filterWhere(CLI_INVOCATIONS.EXIT_CODE.ne(0L))).from(CLI_INVOCATIONS)
                .where(CLI_INVOCATIONS.AGENT.eq(name)).and(CLI_INVOCATIONS.TS.between(since, now)).fetchOne();
        Record tokens = dsl.select(coalesce(sum(TOKEN_USAGE.INPUT_TOKENS), BigDecimal.ZERO),
                        coalesce(sum(TOKEN_USAGE.OUTPUT_TOKENS), BigDecimal.ZERO),
                        coalesce(Sums.roundedSum(TOKEN_USAGE.COST_USD, 6), BigDecimal.ZERO))
                .from(TOKEN_USAGE).where(TOKEN_USAGE.AGENT.eq(name)).and(TOKEN_USAGE.TS.between(since, now)).fetchOne();
        long messages = dsl.fetchCount(MESSAGES, MESSAGES.AGENT.eq(name).and(MESSAGES.TS.between(since, now)));
        long red = dsl.fetchCount(WATCHDOG_EVENTS, WATCHDOG_EVENTS.AGENT.eq(name).and(WATCHDOG_EVENTS.TS.between(since, now))
                .and(WATCHDOG_EVENTS.LEVEL.eq(WatchdogEvent.RED))) + Rollups.red(dsl, since, now, WATCHDOG_DAILY.AGENT.eq(name));
        long[] rolledCli = Rollups.cli(dsl, since, now, CLI_DAILY.AGENT.eq(name));
        long crashes = dsl.fetchCount(CRASHES, CRASHES.AGENT.eq(name).and(CRASHES.TS.between(since, now)));
        return List.of(new Row(name, cli.get(0, Long.class) + rolledCli[0], cli.get(1, Long.class) + rolledCli[1],
                tokens.get(0, Long.class), tokens.get(1, Long.class), tokens.get(2, Double.class), messages, red, crashes,
                lastSeen));
    }
}
