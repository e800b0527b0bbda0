package io.metadb.analytics.report;

import static io.metadb.generated.Tables.CLONE_LIFECYCLE_EVENTS;

import io.metadb.analytics.Column;
import io.metadb.analytics.Window;
import io.metadb.analytics.WindowReport;
import io.metadb.analytics.ReportContext;
import io.metadb.analytics.Request;
import io.metadb.analytics.internal.Folds;
import io.metadb.payload.CloneLifecycleEvent;
import java.time.Instant;
import java.util.List;

/** {@code clones}: per clone in the window; clone. The last phase is a fold over rows ordered by (clone, ts, id). */
public final class ClonesReport extends WindowReport<ClonesReport.Row> {
    public record Row(@Column("clone") String cloneName, long spawns, long crashes, String lastPhase, Instant lastTs) {}

    public static final ClonesReport REPORT = new ClonesReport();

    private ClonesReport() {
        super("clones", Row.class, Shape.ROWS, "Per clone in the window: spawns, crashes, last phase.", "24h",
                List.of("clones", "clones --since 7d"), () -> List.of(CLONE_LIFECYCLE_EVENTS));
    }

    public static Request<Window, Row> of(Instant since) {
        return REPORT.request(new Window(since));
    }

    @Override
    protected List<Row> run(ReportContext context, Window p) {
        var rows = context.dsl().select(CLONE_LIFECYCLE_EVENTS.CLONE, CLONE_LIFECYCLE_EVENTS.PHASE, CLONE_LIFECYCLE_EVENTS.TS)
                .from(CLONE_LIFECYCLE_EVENTS).where(CLONE_LIFECYCLE_EVENTS.TS.between(p.since(), context.now()))
                .orderBy(CLONE_LIFECYCLE_EVENTS.CLONE, CLONE_LIFECYCLE_EVENTS.TS, CLONE_LIFECYCLE_EVENTS.ID).fetch();
        return Folds.adjacent(rows, r -> r.value1(),
                r -> new Row(r.value1(), count(r.value2(), CloneLifecycleEvent.SPAWN), count(r.value2(), CloneLifecycleEvent.CRASH),
                        r.value2(), r.value3()),
                (clone, r) -> new Row(clone.cloneName(), clone.spawns() + count(r.value2(), CloneLifecycleEvent.SPAWN),
                        clone.crashes() + count(r.value2(), CloneLifecycleEvent.CRASH), r.value2(), r.value3()));
    }

    private static long count(String phase, String counted) {
        return counted.equals(phase) ? 1 : 0;
    }
}
