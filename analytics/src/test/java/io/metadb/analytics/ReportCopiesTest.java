package io.metadb.analytics;

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
import io.metadb.dao.MetaDb;
import io.metadb.dao.Retention;
import io.metadb.dao.Stamped;
import io.metadb.dao.Demo;
import io.metadb.payload.TokenUsage;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI gives each report a snapshot of only what it reads ({@code Reports.*Copies}):
 * some tables, some columns, the rows of a window, the latest rows, one agent's rows. Over
 * that copy every report must give exactly the rows it gives over a copy of the whole file,
 * on the hand-made fixture (ties, nulls, window edges) and on demo data with rolled-up days.
 */
class ReportCopiesTest {
    private static final Instant NOW = Fixture.NOW;

    @TempDir
    static Path dir;

    static List<Request<?, ?>> cases(String agent, String... moreAgents) {
        return cases(NOW, agent, moreAgents);
    }

    /** Every report's cases, with windows ending at {@code now}. */
    static List<Request<?, ?>> cases(Instant now, String agent, String... moreAgents) {
        List<Request<?, ?>> cases = new ArrayList<>();
        for (String other : moreAgents) {
            for (String since : List.of("24h", "7d", "90d")) {
                cases.add(AgentReport.of(other, Since.cutoff(since, now)));
            }
        }
        cases.add(HotTablesReport.of());
        for (String since : List.of("24h", "2h", "7d", "2026-04-19T00:00:00.000Z", "90d")) {
            Instant cutoff = Since.cutoff(since, now);
            cases.add(SummaryReport.of(cutoff));
            cases.add(AgentReport.of(agent, cutoff));
            for (CostReport.By by : CostReport.By.values()) {
                cases.add(CostReport.of(cutoff, by));
            }
            cases.add(CrashesReport.of(cutoff, null));
            cases.add(DispatchReport.of(agent, cutoff));
            cases.add(DeliveryReport.of("imessage", cutoff));
            cases.add(TestsReport.of(cutoff, null));
            cases.add(CliReport.of(cutoff));
            cases.add(McpReport.of(cutoff));
            cases.add(WatchdogReport.of(cutoff));
            cases.add(ClonesReport.of(cutoff));
            for (TimelineReport.Bucket bucket : TimelineReport.Bucket.values()) {
                cases.add(TimelineReport.of(null, bucket, cutoff));
                cases.add(TimelineReport.of("token_usage", bucket, cutoff));
            }
        }
        cases.add(AgentReport.of("nobody", now.minus(Duration.ofDays(1))));
        cases.add(RecentReport.of(null, 20));
        cases.add(RecentReport.of(null, 1));
        cases.add(RecentReport.of(null, 500));
        cases.add(RecentReport.of("crashes", 3));
        cases.add(TasksReport.of(null));
        for (String day : List.of("2026-04-19", "2026-04-20", "2026-04-15")) {
            cases.add(AuditReport.of(LocalDate.parse(day)));
        }
        assertThat(cases.stream().map(c -> c.report().name()).distinct())
                .as("every report of the registry has cases").hasSize(Reports.all().size());
        return cases;
    }

    /**
     * Runs every case on its own copy (Reports.open) and on a copy of the whole file; returns
     * the cases whose result is empty.
     */
    private static Collection<String> assertSameRows(Path file, String agent, String... moreAgents) {
        return assertSameRows(file, NOW, agent, moreAgents);
    }

    private static Collection<String> assertSameRows(Path file, Instant now, String agent, String... moreAgents) {
        TreeSet<String> empty = new TreeSet<>();
        try (Snapshot whole = Snapshot.of(file); Reports onWhole = Reports.on(whole, now); Reports own = Reports.open(file, now)) {
            for (Request<?, ?> c : cases(now, agent, moreAgents)) {
                List<?> expected = onWhole.run(c);
                assertThat(own.run(c)).as(c.toString()).isEqualTo(expected);
                if (expected.isEmpty()) {
                    empty.add(c.report().name() + " " + c.params());
                }
            }
        }
        return empty;
    }

    /** A snapshot copied for one request refuses a request that reads more, rather than answering wrong. */
    @Test
    void aSnapshotCopiedForOneReportRefusesAnotherThatReadsMore() throws java.io.IOException {
        Path file = Fixture.write(java.nio.file.Files.createDirectories(dir.resolve("refusal")));
        Instant week = NOW.minus(Duration.ofDays(7));
        try (Snapshot forRecent = Snapshot.copy(file, RecentReport.of(null, 20).reads(NOW));
             Reports reports = Reports.on(forRecent, NOW)) {
            assertThat(reports.run(RecentReport.of(null, 20))).hasSize(20);
            assertThatThrownBy(() -> reports.run(CostReport.of(week, CostReport.By.MODEL)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("'cost' reads of token_usage (other rows or columns were copied)");
            assertThatThrownBy(() -> reports.run(RecentReport.of(null, 21))).isInstanceOf(IllegalStateException.class);
        }
        try (Snapshot forSummary = Snapshot.copy(file, SummaryReport.of(NOW.minus(Duration.ofHours(1))).reads(NOW));
             Reports reports = Reports.on(forSummary, NOW)) {
            assertThatThrownBy(() -> reports.run(CostReport.of(week, CostReport.By.MODEL)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("token_usage");
            assertThatThrownBy(() -> reports.run(DispatchReport.of("a1", week)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("clone_dispatches");
        }
        try (Snapshot forTasks = Snapshot.copy(file, TasksReport.of(null).reads(NOW));
             Reports reports = Reports.on(forTasks, NOW)) {
            assertThatThrownBy(() -> reports.run(McpReport.of(week))).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("mcp_tool_calls (not copied)");
            // A copy of every row covers any window of that table.
            assertThat(reports.run(TasksReport.of("done"))).isNotEmpty();
        }
    }

    @Test
    void overTheFixtureEveryReportGivesTheRowsOfTheWholeFile() {
        Collection<String> empty = assertSameRows(Fixture.write(dir), "a1");
        // Only the cases the fixture has no rows for may be empty (so the rest compared real rows).
        String twoHours = "since=" + Since.cutoff("2h", NOW);
        assertThat(empty).allMatch(name -> name.startsWith("agent Params[name=nobody") || name.contains(twoHours)
                || name.startsWith("audit Params[day=2026-04-15") || name.startsWith("dispatch"));
    }

    /**
     * Replayed at a past "now" (SPEC §4: no report counts a row after it), the copies hold
     * and count only what the whole file holds up to then; ReportsTest has the figures.
     */
    @Test
    void replayedAtAPastNowEveryReportGivesTheRowsOfTheWholeFile() throws java.io.IOException {
        Path file = Fixture.write(java.nio.file.Files.createDirectories(dir.resolve("replay")));
        Instant halfPastTen = NOW.minus(Duration.ofMinutes(90));
        Collection<String> empty = assertSameRows(file, halfPastTen, "a1");
        String twoHours = "since=" + Since.cutoff("2h", halfPastTen);
        assertThat(empty).allMatch(name -> name.startsWith("agent Params[name=nobody") || name.contains(twoHours)
                || name.startsWith("audit Params[day=2026-04-15") || name.startsWith("dispatch"));
    }

    @Test
    void overDemoDataWithRolledUpDaysEveryReportGivesTheRowsOfTheWholeFile() {
        Path file = dir.resolve("demo.db");
        try (MetaDb db = MetaDb.open(file)) {
            new Demo(db, 11, NOW, 0.25).run();
            // An agent last seen 40 days ago, in a table agent counts: its last_seen lies outside
            // every window but the longest.
            db.dao(TokenUsage.class).recordAllStamped(List.of(new Stamped<>(NOW.minus(Duration.ofDays(40)),
                    new TokenUsage("ghost", null, "anthropic", "m1", 10L, 2L, null, null, 0.5)))).join();
            // Short windows, so that cli_daily, tick_rollups and watchdog_daily hold days the reports read.
            Retention.run(db, NOW, new Retention.Windows(Duration.ofDays(2), Duration.ofDays(3), Duration.ofDays(2),
                    Duration.ofDays(4)), false);
        }
        assertThat(Integer.parseInt(io.metadb.migrations.testing.Sql.value(file, "SELECT count(*) FROM cli_daily"))).isPositive();
        Collection<String> empty = assertSameRows(file, "agent8", "ghost");
        // The demo's dispatches and crashes are sparse: short windows may hold none. Everything
        // else compared real rows.
        String twoHours = "since=" + Since.cutoff("2h", NOW);
        String ninetyDays = "since=" + Since.cutoff("90d", NOW);
        assertThat(empty).anyMatch(name -> name.startsWith("agent Params[name=nobody"))
                .allMatch(name -> name.startsWith("agent Params[name=nobody")
                        || name.startsWith("crashes") && name.contains(twoHours)
                        || name.startsWith("dispatch") && !name.contains(ninetyDays));
    }
}
