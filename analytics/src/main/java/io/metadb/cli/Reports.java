package io.metadb.cli;

import io.metadb.analytics.Reports.CostBy;
import io.metadb.analytics.Rows;
import io.metadb.analytics.Snapshot.TableCopy;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The report subcommands of SPEC §4, one class each; {@link io.metadb.analytics.Reports} computes them. */
final class Reports {
    private Reports() {}

    /**
     * A report over the rows of one window: its snapshot copies only those rows, and its
     * query gets the window's start, parsed once from {@code --since}.
     */
    abstract static class WindowedReport extends ReportCommand {
        /** The {@code --since} value (each report declares the option with its own default). */
        abstract String since();

        /** The report's rows for the window starting at {@code cutoff}. */
        abstract Output compute(io.metadb.analytics.Reports r, Instant now, Instant cutoff);

        @Override
        final Instant window(Instant now) {
            return since(since(), now);
        }

        @Override
        final Output compute(io.metadb.analytics.Reports r, Instant now) {
            return compute(r, now, window(now));
        }
    }

    @Command(name = "hot-tables", description = "Rows and rows in the last 24 h per table (JSON-row tables and events).",
            footer = {"", "Example:", "  metadb hot-tables --json"})
    static final class HotTables extends ReportCommand {
        @Override
        List<TableCopy> copies(Instant now) {
            return io.metadb.analytics.Reports.hotTablesCopies(now);
        }

        @Override
        Output compute(io.metadb.analytics.Reports r, Instant now) {
            return Output.of(Rows.HotTable.class, r.hotTables());
        }
    }

    @Command(name = "summary", description = "Fleet health in one screen: rows, agents, CLI calls, tokens, cost, crashes, reds, events.",
            footer = {"", "Example:", "  metadb summary --since 7d"})
    static final class Summary extends ReportCommand {
        @Option(names = "--since", defaultValue = "24h", description = "window: 30m, 24h, 7d or a timestamp (default: 24h)")
        String since;

        @Override
        List<TableCopy> copies(Instant now) {
            return io.metadb.analytics.Reports.summaryCopies(since(since, now));
        }

        @Override
        Output compute(io.metadb.analytics.Reports r, Instant now) {
            return Output.metrics(Rows.Summary.class, r.summary(since(since, now)));
        }
    }

    @Command(name = "recent", description = "The latest rows of every table (or one), one line each.",
            footer = {"", "Examples:", "  metadb recent", "  metadb recent --table crashes --limit 5"})
    static final class Recent extends ReportCommand {
        @Option(names = "--table", paramLabel = "T", description = "only this table")
        String table;

        @Option(names = "--limit", defaultValue = "20", description = "rows (default: 20)")
        int limit;

        @Override
        List<TableCopy> copies(Instant now) {
            return io.metadb.analytics.Reports.recentCopies(table, limit);
        }

        @Override
        Output compute(io.metadb.analytics.Reports r, Instant now) {
            return Output.of(Rows.Activity.class, r.recent(table, limit));
        }
    }

    @Command(name = "agent", description = "One agent at a glance: CLI calls, tokens, cost, messages, reds, crashes, last seen.",
            footer = {"", "Example:", "  metadb agent agent8 --since 7d"})
    static final class Agent extends ReportCommand {
        @Parameters(paramLabel = "NAME", description = "the agent")
        String name;

        @Option(names = "--since", defaultValue = "24h", description = "window (default: 24h); last_seen ignores it")
        String since;

        @Override
        List<TableCopy> copies(Instant now) {
            return io.metadb.analytics.Reports.agentCopies(name, since(since, now));
        }

        @Override
        Output compute(io.metadb.analytics.Reports r, Instant now) {
            return Output.of(Rows.Agent.class, r.agent(name, since(since, now)).stream().toList());
        }
    }

    @Command(name = "cost", description = "Token usage and cost by model, agent or UTC day; cost desc.",
            footer = {"", "Examples:", "  metadb cost --by model --since 7d", "  metadb cost --by day --since 30d --csv"})
    static final class Cost extends WindowedReport {
        @Option(names = "--since", defaultValue = "24h", description = "window (default: 24h)")
        String since;

        @Option(names = "--by", defaultValue = "model", paramLabel = "model|agent|day", description = "grouping (default: model)")
        String by;

        @Override
        String since() {
            return since;
        }

        @Override
        Output compute(io.metadb.analytics.Reports r, Instant now, Instant cutoff) {
            CostBy key;
            try {
                key = CostBy.valueOf(by.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new BadInputException("--by: '" + by + "' is not one of model, agent, day");
            }
            return Output.of(Rows.Cost.class, r.cost(cutoff, key)).renameFirstColumn(by.toLowerCase(Locale.ROOT));
        }
    }

    @Command(name = "crashes", description = "Crashes per component: count, distinct agents, latest crash and its error.",
            footer = {"", "Example:", "  metadb crashes --since 7d --agent agent3"})
    static final class Crashes extends WindowedReport {
        @Option(names = "--since", defaultValue = "7d", description = "window (default: 7d)")
        String since;

        @Option(names = "--agent", paramLabel = "A", description = "only this agent's crashes")
        String agent;

        @Override
        String since() {
            return since;
        }

        @Override
        Output compute(io.metadb.analytics.Reports r, Instant now, Instant cutoff) {
            return Output.of(Rows.CrashGroup.class, r.crashes(cutoff, agent));
        }
    }

    @Command(name = "dispatch", description = {"Tasks an agent dispatched or ran as a clone (the stuck-dispatch view).",
        "Per task first dispatched in the window: who, to whom, when, latest status, harvest outcome."},
            footer = {"", "Example:", "  metadb dispatch agent8 --since 7d"})
    static final class Dispatch extends ReportCommand {
        @Parameters(paramLabel = "AGENT", description = "dispatcher or clone")
        String agent;

        @Option(names = "--since", defaultValue = "7d", description = "window (default: 7d)")
        String since;

        @Override
        List<TableCopy> copies(Instant now) {
            return io.metadb.analytics.Reports.dispatchCopies();
        }

        @Override
        Output compute(io.metadb.analytics.Reports r, Instant now) {
            return Output.of(Rows.Dispatch.class, r.dispatch(agent, since(since, now)));
        }
    }

    @Command(name = "delivery", description = {"A channel's outbox (all time), cursor, and traffic in the window."},
            footer = {"", "Example:", "  metadb delivery imessage"})
    static final class Delivery extends ReportCommand {
        @Parameters(paramLabel = "CHANNEL", description = "the source/channel, e.g. imessage")
        String channel;

        @Option(names = "--since", defaultValue = "24h", description = "window for received/sent/comm_failed (default: 24h)")
        String since;

        @Override
        List<TableCopy> copies(Instant now) {
            return io.metadb.analytics.Reports.deliveryCopies(channel, since(since, now));
        }

        @Override
        Output compute(io.metadb.analytics.Reports r, Instant now) {
            return Output.metrics(Rows.Delivery.class, r.delivery(channel, since(since, now)));
        }
    }

    @Command(name = "audit", description = "One UTC day's control events: directives, bypasses, git, dispatches, crashes, reds, failed tests, markers, installs.",
            footer = {"", "Example:", "  metadb audit --day 2026-04-20"})
    static final class Audit extends ReportCommand {
        @Option(names = "--day", required = true, paramLabel = "D", description = "UTC day, YYYY-MM-DD")
        String day;

        private LocalDate day() {
            try {
                return LocalDate.parse(day);
            } catch (DateTimeParseException e) {
                throw new BadInputException("--day: '" + day + "' is not a day like 2026-04-20");
            }
        }

        @Override
        List<TableCopy> copies(Instant now) {
            return io.metadb.analytics.Reports.auditCopies(day());
        }

        @Override
        Output compute(io.metadb.analytics.Reports r, Instant now) {
            return Output.of(Rows.Activity.class, r.audit(day()));
        }
    }

    @Command(name = "tasks", description = "Each task's latest state, first and last update, number of updates.",
            footer = {"", "Example:", "  metadb tasks --status blocked"})
    static final class Tasks extends ReportCommand {
        @Option(names = "--status", paramLabel = "S", description = "only tasks whose latest status is S")
        String status;

        @Override
        Output compute(io.metadb.analytics.Reports r, Instant now) {
            return Output.of(Rows.TaskState.class, r.tasks(status));
        }
    }

    @Command(name = "tests", description = "Per test in the window: latest status, runs, failures, flaky.",
            footer = {"", "Example:", "  metadb tests --status fail"})
    static final class Tests extends WindowedReport {
        @Option(names = "--since", defaultValue = "7d", description = "window (default: 7d)")
        String since;

        @Option(names = "--status", paramLabel = "S", description = "only tests whose latest status is S")
        String status;

        @Override
        String since() {
            return since;
        }

        @Override
        Output compute(io.metadb.analytics.Reports r, Instant now, Instant cutoff) {
            return Output.of(Rows.TestCase.class, r.tests(cutoff, status));
        }
    }

    @Command(name = "cli", description = "Per CLI command: calls, failures, p50/p95/max duration (nearest rank).",
            footer = {"", "Example:", "  metadb cli --since 24h"})
    static final class Cli extends WindowedReport {
        @Option(names = "--since", defaultValue = "24h", description = "window (default: 24h)")
        String since;

        @Override
        String since() {
            return since;
        }

        @Override
        Output compute(io.metadb.analytics.Reports r, Instant now, Instant cutoff) {
            return Output.of(Rows.CliCommand.class, r.cli(cutoff));
        }
    }

    @Command(name = "mcp", description = "Per MCP server and tool: calls, errors, average and max duration.",
            footer = {"", "Example:", "  metadb mcp --since 7d"})
    static final class Mcp extends WindowedReport {
        @Option(names = "--since", defaultValue = "24h", description = "window (default: 24h)")
        String since;

        @Override
        String since() {
            return since;
        }

        @Override
        Output compute(io.metadb.analytics.Reports r, Instant now, Instant cutoff) {
            return Output.of(Rows.McpTool.class, r.mcp(cutoff));
        }
    }

    @Command(name = "watchdog", description = "Per watchdog check: green, yellow, red counts and the last red.",
            footer = {"", "Example:", "  metadb watchdog --since 24h"})
    static final class Watchdog extends WindowedReport {
        @Option(names = "--since", defaultValue = "24h", description = "window (default: 24h)")
        String since;

        @Override
        String since() {
            return since;
        }

        @Override
        Output compute(io.metadb.analytics.Reports r, Instant now, Instant cutoff) {
            return Output.of(Rows.WatchdogCheck.class, r.watchdog(cutoff));
        }
    }

    @Command(name = "clones", description = "Per clone in the window: spawns, crashes, last phase.",
            footer = {"", "Example:", "  metadb clones --since 24h"})
    static final class Clones extends WindowedReport {
        @Option(names = "--since", defaultValue = "24h", description = "window (default: 24h)")
        String since;

        @Override
        String since() {
            return since;
        }

        @Override
        Output compute(io.metadb.analytics.Reports r, Instant now, Instant cutoff) {
            return Output.of(Rows.Clone.class, r.clones(cutoff));
        }
    }
}
