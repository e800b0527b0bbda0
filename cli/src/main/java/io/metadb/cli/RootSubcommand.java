package io.metadb.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * What a subcommand of {@code metadb} is handed by picocli: the root command (the global
 * options) and its own spec, whose writers tests capture. Built for extension by the
 * annotated subcommands; not thread-safe.
 */
abstract class RootSubcommand implements Callable<Integer> {
    @ParentCommand
    MetadbCommand root;

    @Spec
    CommandSpec spec;

    /** Where the command's answers go. */
    final PrintWriter out() {
        return spec.commandLine().getOut();
    }
}
