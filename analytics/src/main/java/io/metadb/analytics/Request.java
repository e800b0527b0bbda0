package io.metadb.analytics;

import java.time.Instant;
import java.util.List;

/**
 * A report with its parameters: what {@link Reports#run} runs. Each report class makes its
 * own ({@code CostReport.of(since, CostReport.By.MODEL)}). Immutable.
 */
public record Request<P, R extends Record>(Report<P, R> report, P params) {
    /** What this request reads at {@code now}. */
    public List<TableCopy> reads(Instant now) {
        return report.reads(params, now);
    }

    /** Its column names. */
    public List<String> columns() {
        return report.columns(params);
    }

    List<R> run(ReportContext context) {
        return report.run(context, params);
    }
}
