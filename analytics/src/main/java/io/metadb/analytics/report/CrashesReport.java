package io.metadb.analytics.report;

import static io.metadb.generated.Tables.CRASHES;
import static org.jooq.impl.DSL.count;
import static org.jooq.impl.DSL.countDistinct;
import static org.jooq.impl.DSL.max;
import static org.jooq.impl.DSL.noCondition;
import static org.jooq.impl.DSL.select;

import io.metadb.analytics.Args;
import io.metadb.analytics.Param;
import io.metadb.analytics.Report;
import io.metadb.analytics.ReportContext;
import io.metadb.analytics.Request;
import io.metadb.analytics.TableCopy;
import io.metadb.generated.tables.Crashes;
import java.time.Instant;
import java.util.List;
import org.jooq.Condition;
import org.jooq.Field;

/** {@code crashes}: per component in the window, with the latest crash's error; crashes desc, component. */
public final class CrashesReport extends Report<CrashesReport.Params, CrashesReport.Row> {
    /** @param agent only this agent's crashes, or null */
    public record Params(Instant since, String agent) {}

    public record Row(String component, long crashes, long agents, Instant lastTs, String lastError) {}

    private static final Param<Instant> SINCE = Param.since("7d", "window");
    private static final Param<String> AGENT = Param.text("agent", "A", "only this agent's crashes");

    public static final CrashesReport REPORT = new CrashesReport();

    private CrashesReport() {
        super("crashes", Row.class, Shape.ROWS, "Crashes per component: count, distinct agents, latest crash and its error.",
                List.of(SINCE, AGENT), List.of("crashes", "crashes --since 7d --agent agent3"));
    }

    public static Request<Params, Row> of(Instant since, String agent) {
        return REPORT.request(new Params(since, agent));
    }

    @Override
    protected Params params(Args args) {
        return new Params(args.get(SINCE), args.get(AGENT));
    }

    @Override
    public List<TableCopy> reads(Params p, Instant now) {
        return window(p.since(), now, CRASHES);
    }

    @Override
    protected List<Row> run(ReportContext context, Params p) {
        Crashes latest = CRASHES.as("latest");
        Condition window = CRASHES.TS.between(p.since(), context.now()).and(p.agent() == null ? noCondition() : CRASHES.AGENT.eq(p.agent()));
        Condition latestWindow = latest.TS.between(p.since(), context.now()).and(p.agent() == null ? noCondition() : latest.AGENT.eq(p.agent()));
        Field<String> lastError = select(latest.ERROR).from(latest)
                .where(latest.COMPONENT.eq(CRASHES.COMPONENT)).and(latestWindow)
                .orderBy(latest.TS.desc(), latest.ID.desc()).limit(1).asField();
        return context.dsl().select(CRASHES.COMPONENT, count(), countDistinct(CRASHES.AGENT), max(CRASHES.TS), lastError)
                .from(CRASHES).where(window)
                .groupBy(CRASHES.COMPONENT).orderBy(count().desc(), CRASHES.COMPONENT)
                .fetch(r -> new Row(r.value1(), r.value2(), r.value3(), r.value4(), r.value5()));
    }
}
