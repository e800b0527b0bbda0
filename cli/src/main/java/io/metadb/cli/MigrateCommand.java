package io.metadb.cli;

import io.metadb.migrations.MigrationResult;
import io.metadb.migrations.Migrations;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/** {@code metadb migrate}: create or upgrade --db, print the schema version. */
@Command(name = "migrate", description = "Create or upgrade the database to this metadb's schema; print its version.",
        footer = {"", "Example:", "  metadb --db meta.db migrate"})
final class MigrateCommand extends RootSubcommand {
    @Override
    public Integer call() {
        MigrationResult r = Migrations.apply(root.location());
        var out = spec.commandLine().getOut();
        if (r.staleLockCleared()) {
            out.println("released a migration lock left by a killed process");
        }
        if (r.adopted()) {
            out.println("adopted " + root.location() + " at schema version " + r.fromVersion());
        }
        if (r.fromVersion() != r.toVersion()) {
            out.println("migrated " + root.location() + " from schema version " + r.fromVersion() + " to " + r.toVersion());
        }
        out.println("schema version " + r.toVersion());
        return 0;
    }
}
