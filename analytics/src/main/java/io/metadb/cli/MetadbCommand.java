package io.metadb.cli;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code metadb} command and its global options (SPEC §4). Not thread-safe. */
@Command(name = "metadb", mixinStandardHelpOptions = true, scope = picocli.CommandLine.ScopeType.INHERIT,
        version = "metadb 0.1.0",
        description = "The agent fleet's system memory: migrate, write and report on a meta.db.",
        footer = {"", "Examples:", "  metadb --db demo.db demo --replace", "  metadb --db demo.db summary --since 24h",
            "  METADB_PATH=/var/lib/fleet/meta.db metadb cost --by model --since 7d --json"},
        synopsisSubcommandLabel = "COMMAND")
public final class MetadbCommand {
    /**
     * Every subcommand, in help order. Main registers only the one invoked (building
     * picocli's model of all of them costs ~100 ms of an operator's start-up), or all of
     * them when help or an unknown command is asked for.
     */
    static final java.util.Map<String, Class<?>> SUBCOMMANDS = subcommands(
            "migrate", MigrateCommand.class, "ingest", IngestCommand.class, "demo", DemoCommand.class,
            "hot-tables", Reports.HotTables.class, "summary", Reports.Summary.class, "recent", Reports.Recent.class,
            "agent", Reports.Agent.class, "cost", Reports.Cost.class, "crashes", Reports.Crashes.class,
            "dispatch", Reports.Dispatch.class, "delivery", Reports.Delivery.class, "audit", Reports.Audit.class,
            "tasks", Reports.Tasks.class, "tests", Reports.Tests.class, "cli", Reports.Cli.class, "mcp", Reports.Mcp.class,
            "watchdog", Reports.Watchdog.class, "clones", Reports.Clones.class, "query", QueryCommand.class,
            "retention", RetentionCommand.class, "bench", BenchCommand.class, "__warm", WarmCommand.class,
            "help", picocli.CommandLine.HelpCommand.class);

    /** Names are spelled out (reading 22 annotations at start-up costs ~40 ms); a test checks they match. */
    private static java.util.Map<String, Class<?>> subcommands(Object... nameThenClass) {
        java.util.Map<String, Class<?>> out = new java.util.LinkedHashMap<>();
        for (int i = 0; i < nameThenClass.length; i += 2) {
            out.put((String) nameThenClass[i], (Class<?>) nameThenClass[i + 1]);
        }
        return out;
    }

    /** Environment variable naming the database when {@code --db} is not given. */
    public static final String DB_ENV = "METADB_PATH";
    /** Database used when neither {@code --db} nor {@link #DB_ENV} is set. */
    public static final String DEFAULT_DB = "meta.db";

    @Option(names = "--db", paramLabel = "PATH", scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "the meta.db file (default: $" + DB_ENV + ", else ./" + DEFAULT_DB + ")")
    Path db;

    @Option(names = "--now", paramLabel = "TS", scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "fix \"now\", e.g. 2026-04-20T13:05:09.123Z (default: the clock)")
    String now;

    @Option(names = "--debug", scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "show stack traces of errors")
    boolean debug;

    /** The database path the options and environment select. */
    Path db() {
        if (db != null) {
            return db;
        }
        String env = System.getenv(DB_ENV);
        return Path.of(env == null || env.isBlank() ? DEFAULT_DB : env);
    }

    /** "Now": {@code --now} if given, else the clock. */
    Instant now() {
        if (now == null) {
            return Instant.now();
        }
        return parseTimestamp("--now", now);
    }

    /** A clock fixed at {@link #now()} when {@code --now} is given. */
    Clock clock() {
        return now == null ? Clock.systemUTC() : Clock.fixed(now(), ZoneOffset.UTC);
    }

    static Instant parseTimestamp(String option, String text) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw new BadInputException(option + ": '" + text + "' is not a timestamp like 2026-04-20T13:05:09.123Z");
        }
    }
}
