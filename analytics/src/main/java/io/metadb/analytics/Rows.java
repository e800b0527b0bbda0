package io.metadb.analytics;

import java.time.Instant;

/**
 * The typed rows reports return. Component names are the report's column names in
 * camelCase (the CLI prints them snake_case); component order is column order.
 */
public final class Rows {
    private Rows() {}

    /** The column name of a component whose camelCase name does not map to it (a keyword, digits). */
    @java.lang.annotation.Retention(java.lang.annotation.RetentionPolicy.RUNTIME)
    @java.lang.annotation.Target(java.lang.annotation.ElementType.RECORD_COMPONENT)
    public @interface Column {
        String value();
    }

    /** {@code hot-tables}. */
    public record HotTable(String tableName, long rows, @Column("rows_24h") long rows24h) {}

    /** {@code summary}: one value per metric. */
    public record Summary(long rowsTotal, long rowsSince, long agentsActive, long cliCalls, long cliFailures,
            long inputTokens, long outputTokens, double costUsd, long crashes, long watchdogRed, long testsFailed,
            long eventsPending, long eventsFailed) {}

    /** {@code recent} and {@code audit}: one row of any table. */
    public record Activity(Instant ts, String tableName, long id, String agent, String summary) {}

    /** {@code agent NAME}. */
    public record Agent(String agent, long cliCalls, long cliFailures, long inputTokens, long outputTokens,
            double costUsd, long messages, long watchdogRed, long crashes, Instant lastSeen) {}

    /** {@code cost}: {@code key} is the model, agent or day. */
    public record Cost(String key, long calls, long inputTokens, long outputTokens, long cacheReadTokens,
            long cacheWriteTokens, double costUsd) {}

    /** {@code crashes}. */
    public record CrashGroup(String component, long crashes, long agents, Instant lastTs, String lastError) {}

    /** {@code dispatch AGENT}. */
    public record Dispatch(String taskId, String dispatcher, @Column("clone") String cloneName, Instant firstTs, String status,
            String harvestOutcome) {}

    /** {@code delivery CHANNEL}. */
    public record Delivery(long pending, long delivered, long failed, Instant oldestPendingTs, Instant lastDeliveredTs,
            String lastError, String cursor, long received, long sent, long commFailed) {}

    /** {@code tasks}. */
    public record TaskState(String taskId, String title, String status, String agent, Long priority, Instant firstTs,
            Instant updatedTs, long updates) {}

    /** {@code tests}. */
    public record TestCase(String suite, String name, String status, long runs, long failures, boolean flaky,
            Instant lastTs) {}

    /** {@code cli}. */
    public record CliCommand(String command, long calls, long failures, @Column("p50_ms") Long p50Ms, @Column("p95_ms") Long p95Ms, Long maxMs) {}

    /** {@code mcp}. */
    public record McpTool(String server, String tool, long calls, long errors, double avgMs, long maxMs) {}

    /** {@code watchdog}. */
    public record WatchdogCheck(String checkName, long green, long yellow, long red, Instant lastRedTs) {}

    /** {@code clones}. */
    public record Clone(@Column("clone") String cloneName, long spawns, long crashes, String lastPhase, Instant lastTs) {}

}
