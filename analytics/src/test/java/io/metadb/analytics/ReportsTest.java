package io.metadb.analytics;

import static io.metadb.analytics.Fixture.NOW;
import static io.metadb.analytics.Fixture.daysAgo;
import static io.metadb.analytics.Fixture.hoursAgo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.metadb.analytics.report.AgentReport;
import io.metadb.analytics.report.AuditReport;
import io.metadb.analytics.report.CliReport;
import io.metadb.analytics.report.ClonesReport;
import io.metadb.analytics.report.CostReport;
import io.metadb.analytics.report.CrashesReport;
import io.metadb.analytics.report.DeliveryReport;
import io.metadb.analytics.report.DispatchReport;
import io.metadb.analytics.report.HotTablesReport;
import io.metadb.analytics.report.McpReport;
import io.metadb.analytics.report.RecentReport;
import io.metadb.analytics.report.SummaryReport;
import io.metadb.analytics.report.TasksReport;
import io.metadb.analytics.report.TestsReport;
import io.metadb.analytics.report.TimelineReport;
import io.metadb.analytics.report.WatchdogReport;
import io.metadb.analytics.report.Activity;
import io.metadb.migrations.Migrations;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every report over the hand-computed {@link Fixture}: exact rows, ties, nulls, window edges, empty results. */
class ReportsTest {
    @TempDir
    static Path dir;

    private static Path file;
    private static Snapshot snapshot;
    private static Reports reports;

    @BeforeAll
    static void snapshot() {
        file = Fixture.write(dir);
        snapshot = Snapshot.of(file);
        reports = Reports.on(snapshot, NOW);
    }

    @AfterAll
    static void close() {
        snapshot.close();
    }

    private static Instant since24h() {
        return Since.cutoff("24h", NOW);
    }

    @Test
    void hotTables() {
        List<HotTablesReport.Row> rows = reports.run(HotTablesReport.of());
        assertThat(rows).hasSize(25); // every JSON-row table (api_errors since v12) and events
        assertThat(rows.subList(0, 14)).containsExactly(
                new HotTablesReport.Row("clone_dispatches", 7, 3),
                new HotTablesReport.Row("cli_invocations", 6, 5),
                new HotTablesReport.Row("events", 6, 6),
                new HotTablesReport.Row("clone_lifecycle_events", 5, 4),
                new HotTablesReport.Row("communication_events", 5, 4),
                new HotTablesReport.Row("crashes", 5, 2),
                new HotTablesReport.Row("mcp_tool_calls", 5, 5),
                new HotTablesReport.Row("tests", 5, 4),
                new HotTablesReport.Row("token_usage", 5, 4),
                new HotTablesReport.Row("watchdog_events", 5, 4),
                new HotTablesReport.Row("tasks", 4, 1),
                new HotTablesReport.Row("harvests", 2, 2),
                new HotTablesReport.Row("owner_directives", 2, 1),
                new HotTablesReport.Row("messages", 1, 1));
        assertThat(rows.subList(14, 24)).allMatch(r -> r.rows() == 0).isSortedAccordingTo(
                java.util.Comparator.comparing(HotTablesReport.Row::tableName));
    }

    /** SPEC §4: {@code --since D} means {@code now - D <= ts <= now}, so a past "now" replays that window exactly. */
    @Test
    void aWindowEndsAtNow() {
        Instant tenOClock = hoursAgo(2);
        Reports then = Reports.on(snapshot, tenOClock);
        // token_usage up to 10:00: the 11:00 row is after now; 10:00 itself is in; 25 h before noon is in 24 h before 10:00.
        assertThat(then.run(CostReport.of(tenOClock.minus(java.time.Duration.ofHours(24)), CostReport.By.MODEL))).containsExactly(
                new CostReport.Row("m3", 2, 1001, 101, 0, 0, 9.125),
                new CostReport.Row("m2", 1, 200, 20, 0, 7, 0.75),
                new CostReport.Row("m1", 1, 50, 5, 1, 1, 0.25));
        assertThat(then.run(HotTablesReport.of())).filteredOn(r -> r.tableName().equals("token_usage"))
                .containsExactly(new HotTablesReport.Row("token_usage", 4, 4)); // the 11:00 row is not counted
        assertThat(then.run(McpReport.of(tenOClock.minus(java.time.Duration.ofHours(24))))).extracting(McpReport.Row::calls)
                .containsExactly(1L, 1L); // fs read and gh pr at 10:00; the 11:00 calls are after now
    }

    /**
     * SPEC §4: no report counts a row whose ts is after "now", also where it reads every row
     * (rows_total, hot-tables' rows, last_seen, recent, tasks, audit); the outbox's statuses
     * are today's (delivered_ts is when it was delivered).
     */
    @Test
    void noReportCountsARowAfterNow() {
        Instant halfPastTen = NOW.minus(java.time.Duration.ofMinutes(90));
        Reports then = Reports.on(snapshot, halfPastTen);
        Instant dayBefore = halfPastTen.minus(java.time.Duration.ofHours(24));
        assertThat(then.run(HotTablesReport.of())).filteredOn(r -> r.tableName().equals("token_usage"))
                .containsExactly(new HotTablesReport.Row("token_usage", 4, 4));
        SummaryReport.Row summary = then.one(SummaryReport.of(dayBefore)).orElseThrow();
        assertThat(summary.rowsTotal()).isEqualTo(rowsUpTo(halfPastTen)).isLessThan(63);
        assertThat(summary.eventsPending()).isEqualTo(3); // 06:00, 07:00, 09:00
        assertThat(summary.eventsFailed()).isEqualTo(1); // 10:00's; 11:00's failed later than now
        // a1's 11:00 rows are after now: 10:00 is the last it was seen.
        assertThat(then.one(AgentReport.of("a1", dayBefore)))
                .contains(new AgentReport.Row("a1", 2, 1, 1050, 105, 9.25, 0, 1, 2, hoursAgo(2)));
        assertThat(then.run(RecentReport.of("token_usage", 2))).extracting(Activity::ts).containsExactly(hoursAgo(2), hoursAgo(3));
        assertThat(then.run(RecentReport.of(null, 200))).isNotEmpty().allMatch(a -> !a.ts().isAfter(halfPastTen));
        assertThat(Reports.on(snapshot, daysAgo(2).plusSeconds(3600)).run(TasksReport.of(null))).containsExactly(
                new TasksReport.Row("T1", "title one", "in_progress", "cl-a", 2L, daysAgo(3), daysAgo(2), 2),
                new TasksReport.Row("T2", "title two", "open", null, null, daysAgo(2), daysAgo(2), 1));
        // 2026-04-20 up to 10:30: the directive at midnight, 09:00's and 10:00's reds, 10:00's failed test.
        assertThat(then.run(AuditReport.of(LocalDate.parse("2026-04-20")))).extracting(Activity::ts)
                .containsExactly(Instant.parse("2026-04-20T00:00:00.000Z"), hoursAgo(3), hoursAgo(2), hoursAgo(2));
        assertThat(then.one(DeliveryReport.of("imessage", dayBefore))).contains(
                new DeliveryReport.Row(2, 1, 1, hoursAgo(5), NOW, "boom", "c42", 2, 0, 0));
    }

    /** Every row table's rows with {@code ts <= now}, counted in the file with SQL of its own. */
    private static long rowsUpTo(Instant now) {
        String at = io.metadb.generated.convert.Timestamps.format(now);
        String sum = io.metadb.generated.envelope.RowTables.rowTables().stream()
                .map(t -> "(SELECT count(*) FROM " + t.name() + " WHERE ts <= '" + at + "')")
                .collect(java.util.stream.Collectors.joining(" + "));
        return Long.parseLong(io.metadb.migrations.testing.Sql.value(file, "SELECT " + sum));
    }

    @Test
    void timelineCountsRowsPerUtcHourOrDayOfEachTable() {
        Instant since = Since.cutoff("24h", NOW);
        // token_usage: 1, 2 and 3 hours ago, and 24 hours ago (the window's edge: in); 25 hours ago is out.
        assertThat(reports.run(TimelineReport.of("token_usage", TimelineReport.Bucket.HOUR, since))).containsExactly(
                new TimelineReport.Row(Instant.parse("2026-04-19T12:00:00.000Z"), "token_usage", 1),
                new TimelineReport.Row(Instant.parse("2026-04-20T09:00:00.000Z"), "token_usage", 1),
                new TimelineReport.Row(Instant.parse("2026-04-20T10:00:00.000Z"), "token_usage", 1),
                new TimelineReport.Row(Instant.parse("2026-04-20T11:00:00.000Z"), "token_usage", 1));
        assertThat(reports.run(TimelineReport.of("token_usage", TimelineReport.Bucket.DAY, daysAgo(7)))).containsExactly(
                new TimelineReport.Row(Instant.parse("2026-04-19T00:00:00.000Z"), "token_usage", 2),
                new TimelineReport.Row(Instant.parse("2026-04-20T00:00:00.000Z"), "token_usage", 3));
        // Every table in the hour 11:00-12:00 (one hour ago), by table_name.
        assertThat(reports.run(TimelineReport.of(null, TimelineReport.Bucket.HOUR, since)).stream()
                .filter(r -> r.bucketStart().equals(Instant.parse("2026-04-20T11:00:00.000Z")))).containsExactly(
                new TimelineReport.Row(Instant.parse("2026-04-20T11:00:00.000Z"), "cli_invocations", 1),
                new TimelineReport.Row(Instant.parse("2026-04-20T11:00:00.000Z"), "clone_lifecycle_events", 2),
                new TimelineReport.Row(Instant.parse("2026-04-20T11:00:00.000Z"), "communication_events", 3),
                new TimelineReport.Row(Instant.parse("2026-04-20T11:00:00.000Z"), "events", 1),
                new TimelineReport.Row(Instant.parse("2026-04-20T11:00:00.000Z"), "mcp_tool_calls", 3),
                new TimelineReport.Row(Instant.parse("2026-04-20T11:00:00.000Z"), "messages", 1),
                new TimelineReport.Row(Instant.parse("2026-04-20T11:00:00.000Z"), "tests", 2),
                new TimelineReport.Row(Instant.parse("2026-04-20T11:00:00.000Z"), "token_usage", 1),
                new TimelineReport.Row(Instant.parse("2026-04-20T11:00:00.000Z"), "watchdog_events", 2));
        List<TimelineReport.Row> all = reports.run(TimelineReport.of(null, TimelineReport.Bucket.HOUR, since));
        assertThat(all).isSortedAccordingTo(java.util.Comparator.comparing(TimelineReport.Row::bucketStart)
                .thenComparing(TimelineReport.Row::tableName)).allMatch(r -> r.rows() > 0);
        assertThat(all.stream().mapToLong(TimelineReport.Row::rows).sum())
                .as("every row in the window, once").isEqualTo(reports.one(SummaryReport.of(since)).orElseThrow().rowsSince());
        assertThatThrownBy(() -> TimelineReport.of("nope", TimelineReport.Bucket.DAY, since))
                .hasMessageStartingWith("unknown table 'nope'; tables are: ");
    }

    @Test
    void summary() {
        assertThat(reports.one(SummaryReport.of(since24h()))).contains(new SummaryReport.Row(63, 46, 4, 5, 1, 351, 36, 1.625, 2, 2, 2, 3, 2));
    }

    @Test
    void recentOrdersByTsDescTableNameIdDesc() {
        assertThat(reports.run(RecentReport.of("crashes", 2))).containsExactly(
                new Activity(daysAgo(1), "crashes", 3, "a1", "X: e3"),
                new Activity(daysAgo(1), "crashes", 1, "a1", "X: e1"));
        List<Activity> all = reports.run(RecentReport.of(null, 5));
        assertThat(all).extracting(a -> a.tableName() + "#" + a.id()).containsExactly(
                "cli_invocations#1", "clone_lifecycle_events#4", "clone_lifecycle_events#3", "communication_events#4",
                "communication_events#3");
        assertThat(all.get(0)).isEqualTo(new Activity(hoursAgo(1), "cli_invocations", 1, "a1", "git exit 0 in 10 ms"));
        assertThat(all.get(1).agent()).isNull();
        assertThat(all.get(2)).isEqualTo(new Activity(hoursAgo(1), "clone_lifecycle_events", 3, "d1", "cl-a crash"));
        assertThatThrownBy(() -> reports.run(RecentReport.of("nope", 5))).hasMessageStartingWith("unknown table 'nope'");
    }

    @Test
    void agent() {
        assertThat(reports.one(AgentReport.of("a1", since24h())))
                .contains(new AgentReport.Row("a1", 3, 1, 150, 15, 0.75, 1, 1, 2, hoursAgo(1)));
        assertThat(reports.one(AgentReport.of("nobody", since24h()))).isEmpty();
    }

    @Test
    void costByModelAgentAndDayWithTiesAndTheWindowEdge() {
        assertThat(reports.run(CostReport.of(since24h(), CostReport.By.MODEL))).containsExactly(
                new CostReport.Row("m1", 2, 150, 15, 6, 1, 0.75),
                new CostReport.Row("m2", 1, 200, 20, 0, 7, 0.75),
                new CostReport.Row("m3", 1, 1, 1, 0, 0, 0.125));
        assertThat(reports.run(CostReport.of(since24h(), CostReport.By.AGENT))).containsExactly(
                new CostReport.Row("a2", 2, 201, 21, 0, 7, 0.875),
                new CostReport.Row("a1", 2, 150, 15, 6, 1, 0.75));
        // Days in day order (SPEC §4), not by cost: the cheaper day first here.
        assertThat(reports.run(CostReport.of(since24h(), CostReport.By.DAY))).containsExactly(
                new CostReport.Row("2026-04-19", 1, 1, 1, 0, 0, 0.125),
                new CostReport.Row("2026-04-20", 3, 350, 35, 6, 8, 1.5));
        assertThat(reports.run(CostReport.of(NOW, CostReport.By.MODEL))).isEmpty();
    }

    @Test
    void crashesLatestErrorByTsThenId() {
        Instant since = Since.cutoff("7d", NOW);
        assertThat(reports.run(CrashesReport.of(since, null))).containsExactly(
                new CrashesReport.Row("X", 3, 2, daysAgo(1), "e3"),
                new CrashesReport.Row("Y", 1, 1, daysAgo(3), "e4"));
        assertThat(reports.run(CrashesReport.of(since, "a2"))).containsExactly(new CrashesReport.Row("X", 1, 1, daysAgo(2), "e2"));
    }

    @Test
    void dispatchFirstRowLatestStatusAndLatestHarvest() {
        Instant since = Since.cutoff("7d", NOW);
        assertThat(reports.run(DispatchReport.of("d1", since))).containsExactly(
                new DispatchReport.Row("T2", "d1", "cl-b", daysAgo(2), "dispatched", null),
                new DispatchReport.Row("T1", "d1", "cl-a", daysAgo(3), "completed", "discarded"));
        assertThat(reports.run(DispatchReport.of("cl-a", since))).extracting(DispatchReport.Row::taskId).containsExactly("T4", "T1");
        assertThat(reports.run(DispatchReport.of("nobody", since))).isEmpty();
    }

    @Test
    void delivery() {
        assertThat(reports.one(DeliveryReport.of("imessage", since24h()))).contains(
                new DeliveryReport.Row(2, 1, 2, hoursAgo(5), NOW, "bang", "c42", 2, 1, 1));
        assertThat(reports.one(DeliveryReport.of("email", since24h()))).contains(
                new DeliveryReport.Row(1, 0, 0, hoursAgo(6), null, null, null, 0, 0, 0));
        assertThat(reports.one(DeliveryReport.of("fax", since24h()))).isEmpty();
    }

    @Test
    void auditOfOneUtcDay() {
        assertThat(reports.run(AuditReport.of(LocalDate.parse("2026-04-19")))).containsExactly(
                new Activity(Instant.parse("2026-04-19T00:00:00Z"), "owner_directives", 1, null, "received from imessage: pause"),
                new Activity(Instant.parse("2026-04-19T06:00:00Z"), "watchdog_events", 5, "a1", "c2 red"),
                new Activity(daysAgo(1), "clone_dispatches", 3, "d1", "T1 completed -> cl-a"),
                new Activity(daysAgo(1), "clone_dispatches", 6, "d1", "T3 completed -> cl-a"),
                new Activity(daysAgo(1), "clone_dispatches", 7, "d2", "T4 dispatched -> cl-a"),
                new Activity(daysAgo(1), "crashes", 1, "a1", "X: e1"),
                new Activity(daysAgo(1), "crashes", 3, "a1", "X: e3"));
        assertThat(reports.run(AuditReport.of(LocalDate.parse("2026-01-01")))).isEmpty();
    }

    @Test
    void tasksLatestRowPerTask() {
        assertThat(reports.run(TasksReport.of(null))).containsExactly(
                new TasksReport.Row("T1", "title one", "done", "a1", 2L, daysAgo(3), daysAgo(1), 3),
                new TasksReport.Row("T2", "title two", "open", null, null, daysAgo(2), daysAgo(2), 1));
        assertThat(reports.run(TasksReport.of("open"))).extracting(TasksReport.Row::taskId).containsExactly("T2");
        assertThat(reports.run(TasksReport.of("in_progress"))).isEmpty();
    }

    @Test
    void testsLatestStatusAndFlakiness() {
        Instant since = Since.cutoff("7d", NOW);
        assertThat(reports.run(TestsReport.of(since, null))).containsExactly(
                new TestsReport.Row("s", "n1", "pass", 3, 1, true, hoursAgo(1)),
                new TestsReport.Row("s", "n2", "fail", 1, 1, false, hoursAgo(1)));
        assertThat(reports.run(TestsReport.of(since, "fail"))).extracting(TestsReport.Row::name).containsExactly("n2");
    }

    @Test
    void cliNearestRankPercentiles() {
        assertThat(reports.run(CliReport.of(since24h()))).containsExactly(
                new CliReport.Row("git", 4, 1, 20L, 40L, 40L),
                new CliReport.Row("ls", 1, 0, 5L, 5L, 5L));
        assertThat(io.metadb.analytics.internal.Folds.nearestRank(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L), 95)).isEqualTo(10L);
        assertThat(io.metadb.analytics.internal.Folds.nearestRank(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L), 50)).isEqualTo(5L);
        assertThat(io.metadb.analytics.internal.Folds.nearestRank(List.of(7L), 50)).isEqualTo(7L);
    }

    @Test
    void mcp() {
        assertThat(reports.run(McpReport.of(since24h()))).containsExactly(
                new McpReport.Row("fs", "read", 2, 1, 15.0, 20),
                new McpReport.Row("gh", "pr", 2, 0, 7.5, 8),
                new McpReport.Row("fs", "write", 1, 0, 5.0, 5));
    }

    @Test
    void watchdog() {
        assertThat(reports.run(WatchdogReport.of(since24h()))).containsExactly(
                new WatchdogReport.Row("c1", 1, 0, 2, hoursAgo(2)),
                new WatchdogReport.Row("c2", 0, 1, 0, null));
    }

    @Test
    void clones() {
        assertThat(reports.run(ClonesReport.of(since24h()))).containsExactly(
                new ClonesReport.Row("cl-a", 1, 1, "crash", hoursAgo(1)),
                new ClonesReport.Row("cl-b", 1, 0, "spawn", hoursAgo(1)));
    }

    @Test
    void everyReportOverAnEmptyDatabaseHasNoRows(@TempDir Path empty) {
        Path file = empty.resolve("empty.db");
        Migrations.apply(file);
        try (Snapshot s = Snapshot.of(file)) {
            Reports r = Reports.on(s, NOW);
            Instant since = since24h();
            assertThat(r.run(HotTablesReport.of())).isEmpty();
            assertThat(r.one(SummaryReport.of(since))).isEmpty();
            assertThat(r.run(RecentReport.of(null, 20))).isEmpty();
            assertThat(r.one(AgentReport.of("a1", since))).isEmpty();
            assertThat(r.run(CostReport.of(since, CostReport.By.DAY))).isEmpty();
            assertThat(r.run(CrashesReport.of(since, null))).isEmpty();
            assertThat(r.run(DispatchReport.of("a1", since))).isEmpty();
            assertThat(r.one(DeliveryReport.of("imessage", since))).isEmpty();
            assertThat(r.run(AuditReport.of(LocalDate.parse("2026-04-19")))).isEmpty();
            assertThat(r.run(TasksReport.of(null))).isEmpty();
            assertThat(r.run(TestsReport.of(since, null))).isEmpty();
            assertThat(r.run(CliReport.of(since))).isEmpty();
            assertThat(r.run(McpReport.of(since))).isEmpty();
            assertThat(r.run(WatchdogReport.of(since))).isEmpty();
            assertThat(r.run(ClonesReport.of(since))).isEmpty();
        }
    }
}
