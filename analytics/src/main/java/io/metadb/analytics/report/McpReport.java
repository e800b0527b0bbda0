package io.metadb.analytics.report;

import static io.metadb.generated.Tables.MCP_TOOL_CALLS;
import static org.jooq.impl.DSL.avg;
import static org.jooq.impl.DSL.count;
import static org.jooq.impl.DSL.max;

import io.metadb.analytics.Window;
import io.metadb.analytics.WindowReport;
import io.metadb.analytics.ReportContext;
import io.metadb.analytics.Request;
import java.time.Instant;
import java.util.List;

/** {@code mcp}: per (server, tool) in the window; calls desc, server, tool. */
public final class McpReport extends WindowReport<McpReport.Row> {
    public record Row(String server, String tool, long calls, long errors, double avgMs, long maxMs) {}

    public static final McpReport REPORT = new McpReport();

    private McpReport() {
        super("mcp", Row.class, Shape.ROWS, "Per MCP server and tool: calls, errors, average and max duration.", "24h",
                List.of("mcp", "mcp --since 7d"), () -> List.of(MCP_TOOL_CALLS));
    }

    public static Request<Window, Row> of(Instant since) {
        return REPORT.request(new Window(since));
    }

    @Override
    protected List<Row> run(ReportContext context, Window p) {
        return context.dsl().select(MCP_TOOL_CALLS.SERVER, MCP_TOOL_CALLS.TOOL, count(),
                        count().filterWhere(MCP_TOOL_CALLS.OK.isFalse()), avg(MCP_TOOL_CALLS.DURATION_MS),
                        max(MCP_TOOL_CALLS.DURATION_MS))
                .from(MCP_TOOL_CALLS).where(MCP_TOOL_CALLS.TS.between(p.since(), context.now()))
                .groupBy(MCP_TOOL_CALLS.SERVER, MCP_TOOL_CALLS.TOOL)
                .orderBy(count().desc(), MCP_TOOL_CALLS.SERVER, MCP_TOOL_CALLS.TOOL)
                .fetch(r -> new Row(r.value1(), r.value2(), r.value3(), r.value4(), r.get(4, Double.class), r.value6()));
    }
}
