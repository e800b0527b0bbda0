package io.metadb.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import io.metadb.analytics.report.AgentReport;
import io.metadb.analytics.report.CliReport;
import io.metadb.analytics.report.SummaryReport;
import io.metadb.analytics.report.WatchdogReport;
import io.metadb.dao.MetaDb;
import io.metadb.dao.Retention;
import io.metadb.dao.Stamped;
import io.metadb.payload.CliInvocation;
import io.metadb.payload.WatchdogEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reports that count CLI calls and watchdog events over ranges reaching rolled-up days
 * (summary, agent, cli, watchdog) read the rollups too: their totals do not drop after
 * retention.
 */
class RollupReportsTest {
    private static final Instant NOW = Instant.parse("2026-04-20T00:00:00.000Z");

    @TempDir
    Path dir;

    private record Totals(long cliCalls, long cliFailures, long red, long agentCalls, long agentFailures, long agentRed,
            List<String> cli, List<String> watchdog) {}

    private static Totals totals(Path file, String since) {
        try (Snapshot s = Snapshot.of(file)) {
            Reports r = Reports.on(s, NOW);
            Instant cutoff = Since.cutoff(since, NOW);
            var summary = r.one(SummaryReport.of(cutoff)).orElseThrow();
            var agent = r.one(AgentReport.of("agent0", cutoff)).orElseThrow();
            return new Totals(summary.cliCalls(), summary.cliFailures(), summary.watchdogRed(), agent.cliCalls(),
                    agent.cliFailures(), agent.watchdogRed(),
                    r.run(CliReport.of(cutoff)).stream().map(c -> c.command() + " " + c.calls() + " " + c.failures()).toList(),
                    r.run(WatchdogReport.of(cutoff)).stream().map(w -> w.checkName() + " " + w.green() + " " + w.yellow() + " " + w.red()).toList());
        }
    }

    @Test
    void totalsAreTheSameBeforeAndAfterRetention() {
        Path file = dir.resolve("meta.db");
        Random random = new Random(5);
        try (MetaDb db = MetaDb.open(file)) {
            List<Stamped<? extends CliInvocation>> cli = new ArrayList<>();
            List<Stamped<? extends WatchdogEvent>> watchdog = new ArrayList<>();
            for (int i = 0; i < 4_000; i++) {
                Instant ts = NOW.minusMillis(1 + (long) (random.nextDouble() * Duration.ofDays(300).toMillis()));
                cli.add(new Stamped<>(ts, new CliInvocation("agent" + random.nextInt(3), "cmd" + random.nextInt(4), List.of(),
                        random.nextInt(5) == 0 ? 1 : 0, random.nextInt(900), null)));
                watchdog.add(new Stamped<>(ts, new WatchdogEvent("agent" + random.nextInt(3), "check" + random.nextInt(3),
                        new String[] {"green", "yellow", "red"}[random.nextInt(3)], null)));
            }
            db.dao(CliInvocation.class).recordAllStamped(cli).join();
            db.dao(WatchdogEvent.class).recordAllStamped(watchdog).join();
        }
        List<Totals> before = List.of(totals(file, "60d"), totals(file, "200d"), totals(file, "400d"));

        List<Retention.Outcome> outcome;
        try (MetaDb db = MetaDb.open(file)) {
            outcome = Retention.run(db, NOW, Retention.Windows.defaults(), false);
        }
        assertThat(outcome.get(1).deleted()).isGreaterThan(2_000);
        assertThat(outcome.get(2).deleted()).isGreaterThan(2_000);

        List<Totals> after = List.of(totals(file, "60d"), totals(file, "200d"), totals(file, "400d"));
        assertThat(after).isEqualTo(before);
        assertThat(before.get(0).cliCalls()).isGreaterThan(500);
    }

    @Test
    void aWindowStartingMidDayCountsOnlyWholeRolledUpDays() {
        assertThat(io.metadb.analytics.internal.Rollups.firstWholeDay(Instant.parse("2026-04-20T00:00:00Z")).toString()).isEqualTo("2026-04-20");
        assertThat(io.metadb.analytics.internal.Rollups.firstWholeDay(Instant.parse("2026-04-20T00:00:00.001Z")).toString()).isEqualTo("2026-04-21");
    }

    /** A window ending mid-day (a past --now) counts only the rolled-up days wholly before its end. */
    @Test
    void aWindowEndingMidDayCountsOnlyWholeRolledUpDaysBeforeIt() {
        Path file = dir.resolve("end.db");
        try (MetaDb db = MetaDb.open(file)) {
            db.dao(CliInvocation.class).recordAllStamped(List.of(
                    new Stamped<>(Instant.parse("2026-03-01T10:00:00.000Z"), new CliInvocation("a", "git", List.of(), 0, 5, null)),
                    new Stamped<>(Instant.parse("2026-03-02T10:00:00.000Z"), new CliInvocation("a", "git", List.of(), 1, 5, null)),
                    new Stamped<>(Instant.parse("2026-03-03T10:00:00.000Z"), new CliInvocation("a", "git", List.of(), 0, 5, null))))
                    .join();
            Retention.run(db, NOW, Retention.Windows.defaults(), false); // all three days rolled up
        }
        try (Snapshot s = Snapshot.of(file)) {
            // now = 2 March 12:00, window 7 d: 1 March is whole and before now; 2 March is not over yet, 3 March is after now.
            Reports r = Reports.on(s, Instant.parse("2026-03-02T12:00:00.000Z"));
            Instant since = Instant.parse("2026-02-23T12:00:00.000Z");
            assertThat(r.run(CliReport.of(since))).extracting(c -> c.command() + " " + c.calls() + " " + c.failures())
                    .containsExactly("git 1 0");
            // now = 4 March 00:00: every day through 3 March is whole.
            Reports later = Reports.on(s, Instant.parse("2026-03-04T00:00:00.000Z"));
            assertThat(later.run(CliReport.of(since))).extracting(c -> c.command() + " " + c.calls() + " " + c.failures())
                    .containsExactly("git 3 1");
        }
    }
}
