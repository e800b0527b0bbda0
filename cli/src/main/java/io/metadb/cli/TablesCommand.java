package io.metadb.cli;

import io.metadb.analytics.Catalog;
import io.metadb.analytics.Tabular;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code metadb tables}: every table with its kind and row count. */
@Command(name = "tables", description = "Every table with its kind (json-row, fixed, rollup) and row count.",
        footer = {"", "Example:", "  metadb tables --json"})
final class TablesCommand extends RootSubcommand {
    @Mixin
    Output.FormatOptions format;

    @Override
    public Integer call() {
        Output.Format fmt = format.format();
        Output.print(Tabular.of(Catalog.TableInfo.class, Catalog.tables(root.location())), fmt, out());
        return 0;
    }
}
