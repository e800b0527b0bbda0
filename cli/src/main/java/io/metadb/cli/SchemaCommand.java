package io.metadb.cli;

import io.metadb.analytics.Catalog;
import io.metadb.analytics.Tabular;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code metadb schema [TABLE]}: columns as the file declares them, and the payload key of each generated one. */
@Command(name = "schema", description = {"Columns of one table (or all): declared type, nullability, payload key.",
    "A generated column names the payload key it is extracted from."},
        footer = {"", "Examples:", "  metadb schema token_usage", "  metadb schema --csv"})
final class SchemaCommand extends RootSubcommand {
    @Mixin
    Output.FormatOptions format;

    @Parameters(paramLabel = "TABLE", arity = "0..1", description = "one table (default: every table)")
    String table;

    @Override
    public Integer call() {
        Output.Format fmt = format.format();
        Output.print(Tabular.of(Catalog.ColumnInfo.class, Catalog.columns(root.location(), table)), fmt, out());
        return 0;
    }
}
