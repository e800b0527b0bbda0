package io.metadb.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import io.metadb.analytics.Reports.CostBy;
import io.metadb.analytics.Snapshot.TableCopy;
import io.metadb.dao.MetaDb;
import io.metadb.dao.Retention;
import io.metadb.dao.Stamped;
import io.metadb.dao.demo.Demo;
import io.metadb.payload.TokenUsage;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;
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

    private record Case(String name, List<TableCopy> copies, Function<Reports, Object> report) {}

    private static List<Case> cases(String agent, String... moreAgents) {
        List<Case> cases = new ArrayList<>();
        for (String other : moreAgents) {
            for (String since : List.of("24h", "7d", "90d")) {
                Instant cutoff = Since.cutoff(since, NOW);
                cases.add(new Case("agent " + other + " --since " + since, Reports.agentCopies(other, cutoff),
                        r -> r.agent(other, cutoff)));
            }
        }
        cases.add(new Case("hot-tables", Reports.hotTablesCopies(NOW), Reports::hotTables));
        for (String since : List.of("24h", "2h", "7d", "2026-04-19T00:00:00.000Z", "90d")) {
            Instant cutoff = Since.cutoff(since, NOW);
            cases.add(new Case("summary --since " + since, Reports.summaryCopies(cutoff), r -> r.summary(cutoff)));
            cases.add(new Case("agent " + agent + " --since " + since, Reports.agentCopies(agent, cutoff), r -> r.agent(agent, cutoff)));
            for (CostBy by : CostBy.values()) {
                cases.add(new Case("cost --by " + by + " --since " + since, Reports.copies("cost", cutoff), r -> r.cost(cutoff, by)));
            }
            cases.add(new Case("crashes --since " + since, Reports.copies("crashes", cutoff), r -> r.crashes(cutoff, null)));
            cases.add(new Case("dispatch " + agent + " --since " + since, Reports.dispatchCopies(),
                    r -> r.dispatch(agent, cutoff)));
            cases.add(new Case("delivery imessage --since " + since, Reports.deliveryCopies("imessage", cutoff),
                    r -> r.delivery("imessage", cutoff)));
            cases.add(new Case("tests --since " + since, Reports.copies("tests", cutoff), r -> r.tests(cutoff, null)));
            cases.add(new Case("cli --since " + since, Reports.copies("cli", cutoff), r -> r.cli(cutoff)));
            cases.add(new Case("mcp --since " + since, Reports.copies("mcp", cutoff), r -> r.mcp(cutoff)));
            cases.add(new Case("watchdog --since " + since, Reports.copies("watchdog", cutoff), r -> r.watchdog(cutoff)));
            cases.add(new Case("clones --since " + since, Reports.copies("clones", cutoff), r -> r.clones(cutoff)));
        }
        cases.add(new Case("agent nobody", Reports.agentCopies("nobody", NOW.minus(Duration.ofDays(1))), r -> r.agent("nobody", NOW.minus(Duration.ofDays(1)))));
        cases.add(new Case("recent", Reports.recentCopies(null, 20), r -> r.recent(null, 20)));
        cases.add(new Case("recent --limit 1", Reports.recentCopies(null, 1), r -> r.recent(null, 1)));
        cases.add(new Case("recent --limit 500", Reports.recentCopies(null, 500), r -> r.recent(null, 500)));
        cases.add(new Case("recent --table crashes --limit 3", Reports.recentCopies("crashes", 3), r -> r.recent("crashes", 3)));
        cases.add(new Case("tasks", Reports.copies("tasks", null), r -> r.tasks(null)));
        for (String day : List.of("2026-04-19", "2026-04-20", "2026-04-15")) {
            cases.add(new Case("audit --day " + day, Reports.auditCopies(LocalDate.parse(day)), r -> r.audit(LocalDate.parse(day))));
        }
        return cases;
    }

    /** Runs every case on its own copy and on the whole file; returns the cases whose result is empty. */
    private static Collection<String> assertSameRows(Path file, String agent, String... moreAgents) {
        TreeSet<String> empty = new TreeSet<>();
        try (Snapshot whole = Snapshot.of(file)) {
            Reports onWhole = new Reports(whole, NOW);
            for (Case c : cases(agent, moreAgents)) {
                Object expected = c.report().apply(onWhole);
                try (Snapshot own = Snapshot.copy(file, c.copies())) {
                    assertThat(c.report().apply(new Reports(own, NOW))).as(c.name()).isEqualTo(expected);
                }
                if (expected instanceof Optional<?> o ? o.isEmpty() : ((List<?>) expected).isEmpty()) {
                    empty.add(c.name());
                }
            }
        }
        return empty;
    }

    @Test
    void overTheFixtureEveryReportGivesTheRowsOfTheWholeFile() {
        Collection<String> empty = assertSameRows(Fixture.write(dir), "a1");
        // Only the cases the fixture has no rows for may be empty (so the rest compared real rows).
        assertThat(empty).allMatch(name -> name.startsWith("agent nobody") || name.endsWith("--since 2h")
                || name.startsWith("audit --day 2026-04-15") || name.startsWith("dispatch"));
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
        assertThat(empty).contains("agent nobody").allMatch(name -> name.equals("agent nobody")
                || name.equals("crashes --since 2h") || name.startsWith("dispatch") && !name.endsWith("90d"));
    }
}
