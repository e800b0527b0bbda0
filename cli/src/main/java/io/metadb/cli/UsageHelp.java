package io.metadb.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.Ansi.Text;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Parameters;

/**
 * How metadb's help reads. The global options ({@code --db}, {@code --now}, {@code --timeout},
 * {@code --debug}, {@code --version}) are accepted after any command but described once, in
 * {@code metadb --help}: a command's help lists its own options and points there. And
 * {@code metadb help bench write} shows {@code bench write}'s help (picocli's help command
 * takes one word and silently showed {@code bench}'s).
 */
final class UsageHelp {
    /** The line a command's option list ends with. */
    static final String GLOBAL_OPTIONS = "  Global options (--db, --now, --timeout, --debug, --version): see metadb --help";

    private UsageHelp() {}

    /** Makes every command of {@code root} (as built so far) print its help this way. */
    static void install(CommandLine root) {
        root.setHelpFactory((spec, colors) -> spec.parent() == null ? new CommandLine.Help(spec, colors)
                : new CommandHelp(spec, colors));
    }

    /** A command's help: its own options (and {@code --help}), without the inherited global ones. */
    private static final class CommandHelp extends CommandLine.Help {
        CommandHelp(CommandSpec spec, ColorScheme colors) {
            super(spec, colors);
        }

        private List<OptionSpec> own() {
            List<OptionSpec> own = new ArrayList<>();
            for (OptionSpec o : commandSpec().options()) {
                if (!o.hidden() && !o.versionHelp() && (!o.inherited() || o.usageHelp())) {
                    own.add(o);
                }
            }
            return own;
        }

        @Override
        protected Text createDetailedSynopsisOptionsText(Collection<ArgSpec> done, Comparator<OptionSpec> optionSort,
                boolean clusterBooleanOptions) {
            return createDetailedSynopsisOptionsText(done, own(), optionSort, clusterBooleanOptions);
        }

        @Override
        public String optionList() {
            List<OptionSpec> own = own();
            own.removeIf(o -> o.group() != null);
            return optionListExcludingGroups(own, createDefaultLayout(), createDefaultOptionSort(), parameterLabelRenderer())
                    + optionListGroupSections() + GLOBAL_OPTIONS + System.lineSeparator();
        }
    }

    /** {@code metadb help [COMMAND [SUBCOMMAND]]}: the help of the command named by the words given. */
    @Command(name = "help", helpCommand = true, description = "Show the help of metadb or of a command (help bench write).",
            footer = {"", "Examples:", "  metadb help cost", "  metadb help bench write"})
    static final class HelpCommand implements CommandLine.IHelpCommandInitializable2, Callable<Integer> {
        @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "a command, then its subcommand")
        List<String> words = new ArrayList<>();

        private CommandLine self;
        private PrintWriter out;
        private PrintWriter err;
        private CommandLine.Help.ColorScheme colors;

        @Override
        public void init(CommandLine helpCommandLine, CommandLine.Help.ColorScheme colorScheme, PrintWriter outWriter,
                PrintWriter errWriter) {
            self = helpCommandLine;
            colors = colorScheme;
            out = outWriter;
            err = errWriter;
        }

        @Override
        public Integer call() {
            CommandLine at = self.getParent();
            List<String> path = new ArrayList<>();
            for (String word : words) {
                path.add(word);
                CommandLine next = at.getSubcommands().get(word);
                if (next == null || next.getCommandSpec().usageMessage().hidden()) {
                    err.println("metadb: unknown command '" + Output.printable(String.join(" ", path)) + "' (see: metadb help)");
                    return Main.EXIT_BAD_INPUT;
                }
                at = next;
            }
            at.usage(out, colors);
            return 0;
        }
    }
}
