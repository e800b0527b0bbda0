package io.metadb.analytics.report;

import static io.metadb.generated.Tables.MCP_TOOL_CALLS;
import static org.jooq.impl.DSL.avg;
import static org.jooq.impl.DSL.count;
import static org.jooq.impl.DSL.max;

import io.metadb.analytics.Args;
import io.metadb.analytics.Param;
import io.metadb.analytics.Report;
import io.metadb.analytics.ReportContext;
import io.metadb.analytics.Request;
import io.metadb.analytics.Snapshot.TableCopy;
import java.time.Instant;
import java.util.List;

/** {@code mcp}: per (server, tool) in the window; calls desc, server, tool. */
public final class McpReport extends Report<McpReport.Params, McpReport.Row> {
    public record Params(Instant since) {}

    public record Row(String server, String tool, long calls, long errors, double avgMs, long maxMs) {}

    private static final Param<Instant> SINCE = Param.since("24h", "window");

    public static final McpReport REPORT = new McpReport();

    private McpReport() {
        super("mcp", Row.class, Shape.ROWS, "Per MCP server and tool: calls, errors, average and max duration.",
                List.of(SINCE), List.of("mcp", "mcp --since 7d"));
    }

    public static Request<Params, Row> of(Instant since) {
        return REPORT.request(new Params(since));
    }

    @Override
    protected Params params(Args args) {
        return new Params(args.get(SINCE));
    }

    @Override
    public List<TableCopy> reads(Params p, Instant now) {
        return window(p.since(), MCP_TOOL_CALLS);
    }

    @Override
    protected List<Row> run(ReportContext context, Params p) {
        return context.dsl().select(MCP_TOOL_CALLS.SERVER, MCP_TOOL_CALLS.TOOL, count(),
                        count().filterWhere(MCP_TOOL_CALLS.OK.isFalse()), avg(MCP_TOOL_CALLS.DURATION_MS),
                        max(MCP_TOOL_CALLS.DURATION_MS))
                .from(MCP_TOOL_CALLS).where(MCP_TOOL_CALLS.TS.ge(p.since()))
                .groupBy(MCP_TOOL_CALLS.SERVER, MCP_TOOL_CALLS.TOOL)
                .orderBy(count().desc(), MCP_TOOL_CALLS.SERVER, MCP_TOOL_CALLS.TOOL)
                .fetch(r -> new Row(r.value1(), r.value2(), r.value3(), r.value4(), r.get(4, Double.class), r.value6()));
    }
}
