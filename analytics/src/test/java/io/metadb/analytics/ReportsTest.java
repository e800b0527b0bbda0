package io.metadb.analytics;

import static io.metadb.analytics.Fixture.NOW;
import static io.metadb.analytics.Fixture.daysAgo;
import static io.metadb.analytics.Fixture.hoursAgo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.metadb.analytics.Reports.CostBy;
import io.metadb.analytics.Rows.Activity;
import io.metadb.analytics.Rows.Agent;
import io.metadb.analytics.Rows.CliCommand;
import io.metadb.analytics.Rows.Clone;
import io.metadb.analytics.Rows.Cost;
import io.metadb.analytics.Rows.CrashGroup;
import io.metadb.analytics.Rows.Delivery;
import io.metadb.analytics.Rows.Dispatch;
import io.metadb.analytics.Rows.HotTable;
import io.metadb.analytics.Rows.McpTool;
import io.metadb.analytics.Rows.Summary;
import io.metadb.analytics.Rows.TaskState;
import io.metadb.analytics.Rows.TestCase;
import io.metadb.analytics.Rows.WatchdogCheck;
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

    private static Snapshot snapshot;
    private static Reports reports;

    @BeforeAll
    static void snapshot() {
        snapshot = Snapshot.of(Fixture.write(dir));
        reports = new Reports(snapshot, NOW);
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
        List<HotTable> rows = reports.hotTables();
        assertThat(rows).hasSize(24);
        assertThat(rows.subList(0, 14)).containsExactly(
                new HotTable("clone_dispatches", 7, 3),
                new HotTable("cli_invocations", 6, 5),
                new HotTable("events", 6, 6),
                new HotTable("clone_lifecycle_events", 5, 4),
                new HotTable("communication_events", 5, 4),
                new HotTable("crashes", 5, 2),
                new HotTable("mcp_tool_calls", 5, 5),
                new HotTable("tests", 5, 4),
                new HotTable("token_usage", 5, 4),
                new HotTable("watchdog_events", 5, 4),
                new HotTable("tasks", 4, 1),
                new HotTable("harvests", 2, 2),
                new HotTable("owner_directives", 2, 1),
                new HotTable("messages", 1, 1));
        assertThat(rows.subList(14, 24)).allMatch(r -> r.rows() == 0).isSortedAccordingTo(
                java.util.Comparator.comparing(HotTable::tableName));
    }

    @Test
    void summary() {
        assertThat(reports.summary(since24h())).contains(new Summary(63, 46, 4, 5, 1, 351, 36, 1.625, 2, 2, 2, 3, 2));
    }

    @Test
    void recentOrdersByTsDescTableNameIdDesc() {
        assertThat(reports.recent("crashes", 2)).containsExactly(
                new Activity(daysAgo(1), "crashes", 3, "a1", "X: e3"),
                new Activity(daysAgo(1), "crashes", 1, "a1", "X: e1"));
        List<Activity> all = reports.recent(null, 5);
        assertThat(all).extracting(a -> a.tableName() + "#" + a.id()).containsExactly(
                "cli_invocations#1", "clone_lifecycle_events#4", "clone_lifecycle_events#3", "communication_events#4",
                "communication_events#3");
        assertThat(all.get(0)).isEqualTo(new Activity(hoursAgo(1), "cli_invocations", 1, "a1", "git exit 0 in 10 ms"));
        assertThat(all.get(1).agent()).isNull();
        assertThat(all.get(2)).isEqualTo(new Activity(hoursAgo(1), "clone_lifecycle_events", 3, "d1", "cl-a crash"));
        assertThatThrownBy(() -> reports.recent("nope", 5)).hasMessageStartingWith("unknown table 'nope'");
    }

    @Test
    void agent() {
        assertThat(reports.agent("a1", since24h()))
                .contains(new Agent("a1", 3, 1, 150, 15, 0.75, 1, 1, 2, hoursAgo(1)));
        assertThat(reports.agent("nobody", since24h())).isEmpty();
    }

    @Test
    void costByModelAgentAndDayWithTiesAndTheWindowEdge() {
        assertThat(reports.cost(since24h(), CostBy.MODEL)).containsExactly(
                new Cost("m1", 2, 150, 15, 6, 1, 0.75),
                new Cost("m2", 1, 200, 20, 0, 7, 0.75),
                new Cost("m3", 1, 1, 1, 0, 0, 0.125));
        assertThat(reports.cost(since24h(), CostBy.AGENT)).containsExactly(
                new Cost("a2", 2, 201, 21, 0, 7, 0.875),
                new Cost("a1", 2, 150, 15, 6, 1, 0.75));
        assertThat(reports.cost(since24h(), CostBy.DAY)).containsExactly(
                new Cost("2026-04-20", 3, 350, 35, 6, 8, 1.5),
                new Cost("2026-04-19", 1, 1, 1, 0, 0, 0.125));
        assertThat(reports.cost(NOW, CostBy.MODEL)).isEmpty();
    }

    @Test
    void crashesLatestErrorByTsThenId() {
        Instant since = Since.cutoff("7d", NOW);
        assertThat(reports.crashes(since, null)).containsExactly(
                new CrashGroup("X", 3, 2, daysAgo(1), "e3"),
                new CrashGroup("Y", 1, 1, daysAgo(3), "e4"));
        assertThat(reports.crashes(since, "a2")).containsExactly(new CrashGroup("X", 1, 1, daysAgo(2), "e2"));
    }

    @Test
    void dispatchFirstRowLatestStatusAndLatestHarvest() {
        Instant since = Since.cutoff("7d", NOW);
        assertThat(reports.dispatch("d1", since)).containsExactly(
                new Dispatch("T2", "d1", "cl-b", daysAgo(2), "dispatched", null),
                new Dispatch("T1", "d1", "cl-a", daysAgo(3), "completed", "discarded"));
        assertThat(reports.dispatch("cl-a", since)).extracting(Dispatch::taskId).containsExactly("T4", "T1");
        assertThat(reports.dispatch("nobody", since)).isEmpty();
    }

    @Test
    void delivery() {
        assertThat(reports.delivery("imessage", since24h())).contains(
                new Delivery(2, 1, 2, hoursAgo(5), NOW, "bang", "c42", 2, 1, 1));
        assertThat(reports.delivery("email", since24h())).contains(
                new Delivery(1, 0, 0, hoursAgo(6), null, null, null, 0, 0, 0));
        assertThat(reports.delivery("fax", since24h())).isEmpty();
    }

    @Test
    void auditOfOneUtcDay() {
        assertThat(reports.audit(LocalDate.parse("2026-04-19"))).containsExactly(
                new Activity(Instant.parse("2026-04-19T00:00:00Z"), "owner_directives", 1, null, "received from imessage: pause"),
                new Activity(Instant.parse("2026-04-19T06:00:00Z"), "watchdog_events", 5, "a1", "c2 red"),
                new Activity(daysAgo(1), "clone_dispatches", 3, "d1", "T1 completed -> cl-a"),
                new Activity(daysAgo(1), "clone_dispatches", 6, "d1", "T3 completed -> cl-a"),
                new Activity(daysAgo(1), "clone_dispatches", 7, "d2", "T4 dispatched -> cl-a"),
                new Activity(daysAgo(1), "crashes", 1, "a1", "X: e1"),
                new Activity(daysAgo(1), "crashes", 3, "a1", "X: e3"));
        assertThat(reports.audit(LocalDate.parse("2026-01-01"))).isEmpty();
    }

    @Test
    void tasksLatestRowPerTask() {
        assertThat(reports.tasks(null)).containsExactly(
                new TaskState("T1", "title one", "done", "a1", 2L, daysAgo(3), daysAgo(1), 3),
                new TaskState("T2", "title two", "open", null, null, daysAgo(2), daysAgo(2), 1));
        assertThat(reports.tasks("open")).extracting(TaskState::taskId).containsExactly("T2");
        assertThat(reports.tasks("in_progress")).isEmpty();
    }

    @Test
    void testsLatestStatusAndFlakiness() {
        Instant since = Since.cutoff("7d", NOW);
        assertThat(reports.tests(since, null)).containsExactly(
                new TestCase("s", "n1", "pass", 3, 1, true, hoursAgo(1)),
                new TestCase("s", "n2", "fail", 1, 1, false, hoursAgo(1)));
        assertThat(reports.tests(since, "fail")).extracting(TestCase::name).containsExactly("n2");
    }

    @Test
    void cliNearestRankPercentiles() {
        assertThat(reports.cli(since24h())).containsExactly(
                new CliCommand("git", 4, 1, 20L, 40L, 40L),
                new CliCommand("ls", 1, 0, 5L, 5L, 5L));
        assertThat(Reports.nearestRank(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L), 95)).isEqualTo(10L);
        assertThat(Reports.nearestRank(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L), 50)).isEqualTo(5L);
        assertThat(Reports.nearestRank(List.of(7L), 50)).isEqualTo(7L);
    }

    @Test
    void mcp() {
        assertThat(reports.mcp(since24h())).containsExactly(
                new McpTool("fs", "read", 2, 1, 15.0, 20),
                new McpTool("gh", "pr", 2, 0, 7.5, 8),
                new McpTool("fs", "write", 1, 0, 5.0, 5));
    }

    @Test
    void watchdog() {
        assertThat(reports.watchdog(since24h())).containsExactly(
                new WatchdogCheck("c1", 1, 0, 2, hoursAgo(2)),
                new WatchdogCheck("c2", 0, 1, 0, null));
    }

    @Test
    void clones() {
        assertThat(reports.clones(since24h())).containsExactly(
                new Clone("cl-a", 1, 1, "crash", hoursAgo(1)),
                new Clone("cl-b", 1, 0, "spawn", hoursAgo(1)));
    }

    @Test
    void everyReportOverAnEmptyDatabaseHasNoRows(@TempDir Path empty) {
        Path file = empty.resolve("empty.db");
        Migrations.apply(file);
        try (Snapshot s = Snapshot.of(file)) {
            Reports r = new Reports(s, NOW);
            Instant since = since24h();
            assertThat(r.hotTables()).isEmpty();
            assertThat(r.summary(since)).isEmpty();
            assertThat(r.recent(null, 20)).isEmpty();
            assertThat(r.agent("a1", since)).isEmpty();
            assertThat(r.cost(since, CostBy.DAY)).isEmpty();
            assertThat(r.crashes(since, null)).isEmpty();
            assertThat(r.dispatch("a1", since)).isEmpty();
            assertThat(r.delivery("imessage", since)).isEmpty();
            assertThat(r.audit(LocalDate.parse("2026-04-19"))).isEmpty();
            assertThat(r.tasks(null)).isEmpty();
            assertThat(r.tests(since, null)).isEmpty();
            assertThat(r.cli(since)).isEmpty();
            assertThat(r.mcp(since)).isEmpty();
            assertThat(r.watchdog(since)).isEmpty();
            assertThat(r.clones(since)).isEmpty();
        }
    }
}
