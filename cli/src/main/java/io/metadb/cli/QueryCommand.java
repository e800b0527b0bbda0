package io.metadb.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code metadb query SQL}: one read-only statement over the file, streamed; writes exit 2 and change nothing. */
@Command(name = "query", description = {"Run one read-only SQL statement over a consistent view of the database.",
    "information_schema.tables(table_name, table_type) lists the tables, information_schema.columns(table_name,",
    "column_name, data_type, is_nullable) their columns; on SQLite, pragmas that only read answer too",
    "(PRAGMA table_info(ticks), index_list, quick_check, ...). Writes are refused (exit 2).",
    "Reads the file itself in one read transaction (a consistent view; writers go on) and prints rows as they",
    "come; a statement running longer than --timeout (default 10s) is stopped."},
        footer = {"", "Examples:", "  metadb query \"SELECT model, sum(cost_usd) FROM token_usage GROUP BY model\"",
            "  metadb query \"SELECT table_name FROM information_schema.tables\" --json",
            "  metadb query \"PRAGMA index_list(ticks)\""})
final class QueryCommand extends RootSubcommand {
    @Mixin
    Output.FormatOptions format;

    @Parameters(paramLabel = "SQL", description = "one SELECT/WITH/VALUES/EXPLAIN statement, or a pragma that only reads")
    String sql;

    @Override
    public Integer call() {
        Invocation inv = new Invocation(Commands.QUERY, java.util.Map.of("sql", sql), format.format(), root.now,
                root.timeout, root.debug);
        CommandService.answer(inv, root.location(), root.served, spec.commandLine().getOut(), spec.commandLine().getErr());
        return 0;
    }
}
