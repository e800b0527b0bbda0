package io.metadb.cli;

import io.metadb.analytics.ReadOnlyQuery;
import io.metadb.analytics.Snapshot;
import io.metadb.analytics.Tabular;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code metadb query SQL}: read-only SQL over a snapshot; writes exit 2 and change nothing. */
@Command(name = "query", description = {"Run one read-only SQL statement over a snapshot of the database.",
    "information_schema.tables(table_name, table_type) lists the tables, information_schema.columns(table_name,",
    "column_name, data_type, is_nullable) their columns. Writes are refused (exit 2)."},
        footer = {"", "Examples:", "  metadb query \"SELECT model, sum(cost_usd) FROM token_usage GROUP BY model\"",
            "  metadb query \"SELECT table_name FROM information_schema.tables\" --json"})
final class QueryCommand extends RootSubcommand {
    @Mixin
    Output.FormatOptions format;

    @Parameters(paramLabel = "SQL", description = "one SELECT/WITH/VALUES/EXPLAIN statement")
    String sql;

    @Override
    public Integer call() {
        Output.Format fmt = format.format();
        Tabular result;
        try (Snapshot snapshot = SnapshotPrefetch.of(root.db())) {
            result = ReadOnlyQuery.run(snapshot, sql);
        }
        Output.print(result, fmt, spec.commandLine().getOut());
        return 0;
    }
}
