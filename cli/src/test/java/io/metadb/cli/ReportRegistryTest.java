package io.metadb.cli;

import static io.metadb.generated.Tables.TICKS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.jooq.impl.DSL.count;

import io.metadb.analytics.Args;
import io.metadb.analytics.Param;
import io.metadb.analytics.Report;
import io.metadb.analytics.ReportContext;
import io.metadb.analytics.Reports;
import io.metadb.analytics.Request;
import io.metadb.analytics.Snapshot;
import io.metadb.analytics.TableCopy;
import io.metadb.analytics.report.McpReport;
import io.metadb.dao.MetaDb;
import io.metadb.migrations.testing.MigratedDb;
import io.metadb.payload.Tick;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * CONTRIBUTING.md's steps for adding a report, walked with a throw-away one: a class with its
 * parameters, plan, query and row type is all the library, the command and the benchmark
 * need. (Listing it in Reports.ALL is the one step a test cannot take.)
 */
class ReportRegistryTest {
    private static final Instant NOW = Instant.parse("2026-04-20T12:00:00.000Z");

    /** Ticks per agent in the window; ticks desc, agent. */
    static final class TicksByAgent extends Report<TicksByAgent.Params, TicksByAgent.Row> {
        record Params(Instant since) {}

        record Row(String agent, long ticks) {}

        private static final Param<Instant> SINCE = Param.since("24h", "window");

        TicksByAgent() {
            super("ticks-by-agent", Row.class, Shape.ROWS, "Ticks per agent.", List.of(SINCE),
                    List.of("ticks-by-agent --since 2h"));
        }

        @Override
        protected Params params(Args args) {
            return new Params(args.get(SINCE));
        }

        @Override
        public List<TableCopy> reads(Params p, Instant now) {
            return window(p.since(), now, TICKS);
        }

        @Override
        protected List<Row> run(ReportContext context, Params p) {
            return context.dsl().select(TICKS.AGENT, count()).from(TICKS).where(TICKS.TS.between(p.since(), context.now()))
                    .groupBy(TICKS.AGENT).orderBy(count().desc(), TICKS.AGENT)
                    .fetch(r -> new Row(r.value1(), r.value2()));
        }
    }

    @Test
    void aNewReportIsOneClassThatTheLibraryTheCommandAndTheBenchUse(@MigratedDb Path db) {
        try (MetaDb metaDb = MetaDb.open(db)) {
            var ticks = metaDb.dao(Tick.class);
            ticks.record(NOW.minus(Duration.ofMinutes(30)), new Tick("a1", "poll", Tick.OK, 5));
            ticks.record(NOW.minus(Duration.ofMinutes(40)), new Tick("a2", "poll", Tick.FAIL, 5));
            ticks.record(NOW.minus(Duration.ofMinutes(50)), new Tick("a2", "poll", Tick.OK, 5));
            ticks.record(NOW.minus(Duration.ofHours(3)), new Tick("a1", "poll", Tick.OK, 5)).join();
        }
        TicksByAgent report = new TicksByAgent();

        // The command: options, defaults and examples come from the class.
        CommandSpec spec = ReportCommand.spec(report);
        assertThat(spec.findOption("--since").description()).containsExactly("window: a duration (30m, 24h, 7d, 1h30m), a day (2026-04-20: its midnight UTC)"
                + " or a timestamp (2026-04-20T13:05, UTC without an offset) (default: 24h)");
        assertThat(new CommandLine(spec).getUsageMessage()).contains("metadb ticks-by-agent --since 2h");
        Request<?, ?> fromExample = BenchReports.request(report, report.examples().get(0), NOW);

        // The library: its own copy, typed rows; the same through the generic path.
        Request<TicksByAgent.Params, TicksByAgent.Row> request =
                report.request(new Args(Map.of("since", "2h"), NOW));
        assertThat(fromExample).isEqualTo(request);
        try (Reports reports = Reports.open(db, NOW)) {
            assertThat(reports.run(request)).containsExactly(new TicksByAgent.Row("a2", 2), new TicksByAgent.Row("a1", 1));
            assertThat(reports.table(request).columns()).containsExactly("agent", "ticks");
        }

        // A snapshot copied for another report lacks the ticks: refused, not answered wrong.
        try (Snapshot other = Snapshot.copy(db, McpReport.of(NOW).reads(NOW)); Reports on = Reports.on(other, NOW)) {
            assertThatThrownBy(() -> on.run(request)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("'ticks-by-agent' reads of ticks (not copied)");
        }
    }
}
