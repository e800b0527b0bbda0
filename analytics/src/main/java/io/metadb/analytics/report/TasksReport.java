package io.metadb.analytics.report;

import static io.metadb.generated.Tables.TASKS;

import io.metadb.analytics.Args;
import io.metadb.analytics.Param;
import io.metadb.analytics.Report;
import io.metadb.analytics.ReportContext;
import io.metadb.analytics.Request;
import io.metadb.analytics.TableCopy;
import io.metadb.analytics.internal.Folds;
import io.metadb.payload.Task;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * {@code tasks}: the latest row per task_id, with first_ts and the number of updates;
 * updated_ts desc, task_id. A fold over rows ordered by (task_id, ts, id).
 */
public final class TasksReport extends Report<TasksReport.Params, TasksReport.Row> {
    /** @param status only tasks whose latest status is this, or null */
    public record Params(String status) {}

    public record Row(String taskId, String title, String status, String agent, Long priority, Instant firstTs,
            Instant updatedTs, long updates) {}

    private static final Param<String> STATUS = Param.oneOf("status", Task.statuses(), null,
            "only tasks whose latest status is this");

    public static final TasksReport REPORT = new TasksReport();

    private TasksReport() {
        super("tasks", Row.class, Shape.ROWS, "Each task's latest state, first and last update, number of updates.",
                List.of(STATUS), List.of("tasks", "tasks --status blocked"));
    }

    public static Request<Params, Row> of(String status) {
        return REPORT.request(new Params(status));
    }

    @Override
    protected Params params(Args args) {
        return new Params(args.get(STATUS));
    }

    @Override
    public List<TableCopy> reads(Params p, Instant now) {
        return window(null, now, TASKS);
    }

    @Override
    protected List<Row> run(ReportContext context, Params p) {
        var rows = context.dsl().select(TASKS.TASK_ID, TASKS.TITLE, TASKS.STATUS, TASKS.AGENT, TASKS.PRIORITY, TASKS.TS)
                .from(TASKS).where(TASKS.TS.le(context.now())).orderBy(TASKS.TASK_ID, TASKS.TS, TASKS.ID).fetch();
        return Folds.adjacent(rows, r -> r.value1(),
                        r -> new Row(r.value1(), r.value2(), r.value3(), r.value4(), r.value5(), r.value6(), r.value6(), 1),
                        (task, r) -> new Row(r.value1(), r.value2(), r.value3(), r.value4(), r.value5(), task.firstTs(),
                                r.value6(), task.updates() + 1))
                .stream().filter(t -> p.status() == null || t.status().equals(p.status()))
                .sorted(Comparator.comparing(Row::updatedTs).reversed().thenComparing(Row::taskId))
                .toList();
    }
}
