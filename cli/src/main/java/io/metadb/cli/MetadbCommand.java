package io.metadb.cli;

import io.metadb.analytics.Snapshot;
import io.metadb.core.BadInputException;
import io.metadb.core.Location;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code metadb} command and its global options (SPEC §4). Not thread-safe. */
@Command(name = "metadb", mixinStandardHelpOptions = true, scope = picocli.CommandLine.ScopeType.INHERIT,
        versionProvider = VersionInfo.class,
        description = "The agent fleet's system memory: migrate, write and report on a meta.db.",
        footer = {"", "Examples:", "  metadb --db demo.db demo --replace", "  metadb --db demo.db summary --since 24h",
            "  METADB_PATH=/var/lib/fleet/meta.db metadb cost --by model --since 7d --json"},
        synopsisSubcommandLabel = "COMMAND")
public final class MetadbCommand {
    /**
     * The subcommands that are not reports, in help order (the reports come from
     * {@code Reports.all()} and go between {@code demo} and {@code query}). Main registers only
     * the one invoked (building picocli's model of all of them costs ~100 ms of an
     * operator's start-up), or all of them when help or an unknown command is asked for.
     */
    static final java.util.Map<String, Class<?>> WRITE_COMMANDS = subcommands(
            "migrate", MigrateCommand.class, "ingest", IngestCommand.class, "record", RecordCommand.class, "demo",
            DemoCommand.class);

    /** Subcommands after the reports. */
    static final java.util.Map<String, Class<?>> TOOL_COMMANDS = subcommands(
            "query", QueryCommand.class, "serve", ServeCommand.class, "tables", TablesCommand.class, "schema", SchemaCommand.class,
            "retention", RetentionCommand.class, "copy", CopyCommand.class, "bench", BenchCommand.class,
            "completion", CompletionCommand.class,
            "__warm", WarmCommand.class, "__examples", ExamplesCommand.class, "help", UsageHelp.HelpCommand.class);

    /** Names are spelled out (reading the annotations at start-up costs ~40 ms); a test checks they match. */
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

    @Option(names = "--db", paramLabel = "PATH|URL", scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "the meta.db file, or a PostgreSQL database: postgresql://user@host:port/db"
                    + " (default: $" + DB_ENV + ", else ./" + DEFAULT_DB + ")")
    String db;

    @Option(names = "--now", paramLabel = "TS", scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "fix \"now\": a timestamp, e.g. 2026-04-20T13:05:09Z or 2026-04-20 13:05 (UTC), or a day"
                    + " (its midnight UTC) (default: the clock)")
    String now;

    @Option(names = "--timeout", paramLabel = "DURATION", scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "stop a report's or query's statement that runs longer, e.g. 30s, 2m (default: 10s)")
    String timeout;

    @Option(names = "--debug", scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "show stack traces of errors")
    boolean debug;

    /** Inside a server: where its reports' rows come from (its kept copies); null in a process of its own. */
    io.metadb.analytics.RowSource served;

    /** Inside a server: the writer and request body a write command uses; null in a process of its own. */
    ServedWrites writes;

    /** Where a command's own errors and notes go (picocli's error writer, which tests capture). */
    java.io.PrintWriter err;

    java.io.PrintWriter err() {
        return err;
    }

    /** Standard input: the request's body inside a server, else this process's. */
    java.io.InputStream input() {
        return writes != null ? writes.input() : System.in;
    }

    /** The database the options and environment select: a file or a PostgreSQL database. */
    Location location() {
        String text = db;
        if (text == null) {
            String env = System.getenv(DB_ENV);
            text = env == null || env.isBlank() ? DEFAULT_DB : env;
        }
        return Location.parse(text);
    }

    /**
     * The database file, for what only a SQLite file has.
     *
     * @throws BadInputException naming {@code what} if the database is a PostgreSQL one
     */
    Path db(String what) {
        Location l = location();
        return switch (l.engine()) {
            case SQLITE -> l.file();
            case POSTGRESQL -> throw new BadInputException(what + " works on a SQLite file; " + l
                    + " is a PostgreSQL database");
        };
    }

    /** The database file (commands that take a file only: see {@link #db(String)}). */
    Path db() {
        return db("this command");
    }

    /** "Now": {@code --now} if given, else the clock. */
    Instant now() {
        return CommandService.now(now);
    }

    /** The statement time limit: {@code --timeout}, else {@link Snapshot#DEFAULT_STATEMENT_LIMIT}. */
    Duration timeout() {
        return CommandService.timeout(timeout);
    }

    /** A clock fixed at {@link #now()} when {@code --now} is given. */
    Clock clock() {
        return now == null ? Clock.systemUTC() : Clock.fixed(now(), ZoneOffset.UTC);
    }

    static Instant parseTimestamp(String option, String text) {
        try {
            return io.metadb.core.TypedTimes.parse(text);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(option + ": " + e.getMessage());
        }
    }
}
