package io.metadb.analytics.report;

import static io.metadb.generated.Tables.CLONE_DISPATCHES;
import static io.metadb.generated.Tables.HARVESTS;
import static org.jooq.impl.DSL.selectDistinct;

import io.metadb.analytics.Args;
import io.metadb.analytics.Column;
import io.metadb.analytics.Known;
import io.metadb.analytics.Param;
import io.metadb.analytics.Report;
import io.metadb.analytics.ReportContext;
import io.metadb.analytics.Request;
import io.metadb.analytics.TableCopy;
import io.metadb.analytics.internal.Folds;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;

/**
 * {@code dispatch AGENT}: tasks with a clone_dispatches row where agent or clone is AGENT,
 * whose first row is in the window; first_ts desc, task_id. First and latest rows per task
 * are a fold over the task's rows ordered by (ts, id).
 */
public final class DispatchReport extends Report<DispatchReport.Params, DispatchReport.Row> {
    /** @param agent the dispatcher or the clone */
    public record Params(String agent, Instant since) {}

    public record Row(String taskId, String dispatcher, @Column("clone") String cloneName, Instant firstTs, String status,
            String harvestOutcome) {}

    private static final Param<String> AGENT = Param.positional("agent", "AGENT", "dispatcher or clone").naming(Known.AGENTS);
    private static final Param<Instant> SINCE = Param.since("7d", "window");

    public static final DispatchReport REPORT = new DispatchReport();

    private DispatchReport() {
        super("dispatch", Row.class, Shape.ROWS, "Tasks an agent dispatched or ran as a clone (the stuck-dispatch view).\n"
                + "Per task first dispatched in the window: who, to whom, when, latest status, harvest outcome.",
                List.of(AGENT, SINCE), List.of("dispatch agent1", "dispatch agent8 --since 7d"));
    }

    public static Request<Params, Row> of(String agent, Instant since) {
        return REPORT.request(new Params(agent, since));
    }

    @Override
    protected Params params(Args args) {
        return new Params(args.get(AGENT), args.get(SINCE));
    }

    /**
     * Every dispatch and harvest row up to now: a task counts if its first row is in the
     * window, and its latest rows may be of any age (but not after now: {@code --now} replays).
     */
    @Override
    public List<TableCopy> reads(Params p, Instant now) {
        return List.of(TableCopy.of(CLONE_DISPATCHES).where(CLONE_DISPATCHES.TS.le(now)),
                TableCopy.of(HARVESTS).where(HARVESTS.TS.le(now)));
    }

    @Override
    protected List<Row> run(ReportContext context, Params p) {
        DSLContext dsl = context.dsl();
        Instant now = context.now();
        var taskIds = selectDistinct(CLONE_DISPATCHES.TASK_ID).from(CLONE_DISPATCHES)
                .where(CLONE_DISPATCHES.AGENT.eq(p.agent()).or(CLONE_DISPATCHES.CLONE.eq(p.agent())))
                .and(CLONE_DISPATCHES.TS.le(now));
        Map<String, String> harvest = new LinkedHashMap<>();
        dsl.select(HARVESTS.TASK_ID, HARVESTS.OUTCOME).from(HARVESTS).where(HARVESTS.TASK_ID.in(taskIds)).and(HARVESTS.TS.le(now))
                .orderBy(HARVESTS.TS, HARVESTS.ID)
                .forEach(r -> harvest.put(r.value1(), r.value2())); // later rows overwrite: latest wins
        var rows = dsl.select(CLONE_DISPATCHES.TASK_ID, CLONE_DISPATCHES.AGENT, CLONE_DISPATCHES.CLONE,
                        CLONE_DISPATCHES.TS, CLONE_DISPATCHES.STATUS)
                .from(CLONE_DISPATCHES).where(CLONE_DISPATCHES.TASK_ID.in(taskIds)).and(CLONE_DISPATCHES.TS.le(now))
                .orderBy(CLONE_DISPATCHES.TASK_ID, CLONE_DISPATCHES.TS, CLONE_DISPATCHES.ID).fetch();
        return Folds.adjacent(rows, r -> r.value1(),
                        r -> new Row(r.value1(), r.value2(), r.value3(), r.value4(), r.value5(), harvest.get(r.value1())),
                        (task, r) -> new Row(task.taskId(), task.dispatcher(), task.cloneName(), task.firstTs(), r.value5(),
                                task.harvestOutcome()))
                .stream().filter(d -> !d.firstTs().isBefore(p.since()))
                .sorted(Comparator.comparing(Row::firstTs).reversed().thenComparing(Row::taskId))
                .toList();
    }
}
