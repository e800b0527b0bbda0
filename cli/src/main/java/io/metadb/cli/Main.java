package io.metadb.cli;

import io.metadb.analytics.Report;
import io.metadb.analytics.Reports;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;

/** Entry point of the {@code metadb} command: exit 0 ok, 2 bad usage or input, 1 failure. */
public final class Main {
    /** Exit code for bad usage or bad input. */
    public static final int EXIT_BAD_INPUT = 2;
    /** Characters of standard output buffered before a write. */
    private static final int STDOUT_BUFFER_CHARS = 1 << 16;
    /** Columns of help text. */
    private static final int USAGE_WIDTH = 100;
    /** Exit code for a failure (locked file, I/O, a bug). */
    public static final int EXIT_FAILURE = 1;
    /** The charset of everything the command prints, in-process and served. */
    public static final java.nio.charset.Charset OUTPUT_CHARSET = java.nio.charset.StandardCharsets.UTF_8;

    /** Held so that the level set in {@link #quietLibraries()} is not lost when the logger is collected. */
    private static java.util.logging.Logger jooqLog;
    private static java.util.logging.Logger liquibaseLog;

    private Main() {}

    /**
     * jOOQ prints a banner, a "tip of the day" and INFO lines (e.g. on the SQLite version)
     * through java.util.logging; the command prints only its answers. The application
     * decides this, not the libraries (they configure no logging).
     */
    private static void quietLibraries(String[] args) {
        System.setProperty("org.jooq.no-logo", "true");
        System.setProperty("org.jooq.no-tips", "true");
        jooqLog = java.util.logging.Logger.getLogger("org.jooq");
        if (jooqLog.getLevel() == null) {
            jooqLog.setLevel(java.util.logging.Level.WARNING);
        }
        if (Arrays.asList(args).contains("--debug")) {
            // Liquibase is silent by default (a failed migration is its one-line error);
            // --debug shows its warnings and errors with their stack traces.
            liquibaseLog = java.util.logging.Logger.getLogger("liquibase");
            liquibaseLog.setLevel(java.util.logging.Level.WARNING);
        }
    }

    /** Commands besides the reports that read the file (through sqlite-jdbc alone). */
    private static final java.util.Set<String> READ_COMMANDS = java.util.Set.of("query");

    /**
     * Exit code when the reader of the output went away (a closed pipe, as in {@code | head};
     * a dropped connection): 128 + SIGPIPE, what a shell reports for a tool a closed pipe
     * stopped. Nothing is printed.
     */
    public static final int EXIT_READER_GONE = 141;


    private static boolean wantsHelp(String[] args) {
        return has(args, "-h", "--help") || wantsVersion(args);
    }

    private static boolean wantsVersion(String[] args) {
        return has(args, "-V", "--version");
    }

    private static boolean has(String[] args, String... flags) {
        List<String> given = List.of(args);
        for (String f : flags) {
            if (given.contains(f)) {
                return true;
            }
        }
        return false;
    }

    /** The root options that take a separate value. */
    static final java.util.Set<String> GLOBAL_OPTIONS_WITH_VALUE = java.util.Set.of("--db", "--now", "--timeout");

    /** The value of {@code option} ({@code --x V} or {@code --x=V}; the last one given), or null. */
    static String optionValue(List<String> args, String option) {
        String value = null;
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).equals(option) && i + 1 < args.size()) {
                value = args.get(i + 1);
            } else if (args.get(i).startsWith(option + "=")) {
                value = args.get(i).substring(option.length() + 1);
            }
        }
        return value;
    }

    /** The first argument that is not a global option or its value: the subcommand's name. */
    static String invokedCommand(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (GLOBAL_OPTIONS_WITH_VALUE.contains(a)) {
                i++;
            } else if (!a.startsWith("-")) {
                return a;
            }
        }
        return null;
    }

    public static void main(String[] args) {
        // Standard output unbuffered by System.out's PrintStream (128 bytes, a lock per write)
        // and not flushed per line: a streamed result of a million lines would pay a system
        // call per line. The output sinks flush as they go; run() flushes at the end. UTF-8
        // whatever the locale (cron and systemd start with LANG=C, whose ASCII turns every
        // emoji into '?'), on stdout and stderr alike, as the server answers.
        PrintWriter out = new PrintWriter(new java.io.BufferedWriter(new java.io.OutputStreamWriter(
                new java.io.FileOutputStream(java.io.FileDescriptor.out), OUTPUT_CHARSET), STDOUT_BUFFER_CHARS));
        PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(
                new java.io.FileOutputStream(java.io.FileDescriptor.err), OUTPUT_CHARSET), true);
        System.exit(run(secretArguments(args, System.getenv()), out, err));
    }

    /** Prefix of an argument the launcher passed in the environment instead of the command line. */
    static final String SECRET_ARG = "@METADB_SECRET_ARG_";

    /**
     * The arguments with each placeholder {@code @METADB_SECRET_ARG_n} replaced by that
     * environment variable: bin/metadb hands over a PostgreSQL URL holding a password that way,
     * so that the password is not in the JVM's command line ({@code ps}) for as long as it runs.
     */
    static String[] secretArguments(String[] args, java.util.Map<String, String> env) {
        String[] out = args.clone();
        for (int i = 0; i < out.length; i++) {
            if (out[i].startsWith(SECRET_ARG) && env.containsKey(out[i].substring(1))) {
                out[i] = env.get(out[i].substring(1));
            }
        }
        return out;
    }

    /** Runs the command with the given output streams (tests call this in-process). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        return run(args, out, err, null);
    }

    /**
     * Runs the command with the given output streams; {@code served}: inside a running server,
     * the source of its reports' rows (its kept copies; thread-safe: no start-up work, no
     * shared prefetched snapshot), or null in a process of its own.
     */
    static int run(String[] args, PrintWriter out, PrintWriter err, io.metadb.analytics.RowSource served) {
        return run(args, out, err, served, null);
    }

    /**
     * Runs the command inside a server: {@code served} as above, {@code writes} the server's
     * writer and the request's body for a write command (null elsewhere).
     */
    static int run(String[] args, PrintWriter out, PrintWriter err, io.metadb.analytics.RowSource served,
            ServedWrites writes) {
        boolean resident = served != null;
        quietLibraries(args);
        String invoked = invokedCommand(args);
        Report<?, ?> report = invoked == null ? null : Reports.named(invoked);
        // Commands that read a snapshot load sqlite-jdbc's native library and jOOQ: start those now.
        if (!resident && (report != null || invoked != null && READ_COMMANDS.contains(invoked)) && !wantsHelp(args)) {
            if (report != null) {
                StartupWarmUp.jooq(); // query is plain JDBC
            }
            StartupWarmUp.sqlite();
        }
        Parser parser = resident ? Parser.take(invoked, report, args) : new Parser(invoked, report, args);
        try {
            return parser.execute(args, out, err, served, writes);
        } finally {
            if (resident) {
                parser.giveBack();
            }
        }
    }

    /**
     * picocli's model of the command line's one subcommand (or of all of them, for help or an
     * unknown command) with its handlers, and the root command it fills. Building it reads the
     * annotations (~60% of a served {@code query "select 1"}'s CPU, measured with JFR), so a
     * server keeps built ones per subcommand and reuses them: picocli resets every option and
     * parameter to its initial value before it parses, and the root's request fields are
     * cleared after each run. One thread at a time uses one.
     */
    private static final class Parser {
        /** Built parsers kept per subcommand, at most {@link #KEPT} each (the admission bounds the threads). */
        private static final java.util.concurrent.ConcurrentHashMap<String,
                java.util.concurrent.ConcurrentLinkedQueue<Parser>> KEPT_PARSERS = new java.util.concurrent.ConcurrentHashMap<>();
        private static final int KEPT = 8;

        private final MetadbCommand root = new MetadbCommand();
        private final CommandLine cl;
        /** The subcommand it was built for, or null if it is not kept (help, unknown, none). */
        private final String kept;

        /** A kept parser for the command line's subcommand, or a new one. */
        static Parser take(String invoked, Report<?, ?> report, String[] args) {
            if (keptAs(invoked, report, args) == null) {
                return new Parser(invoked, report, args);
            }
            var queue = KEPT_PARSERS.get(invoked);
            Parser p = queue == null ? null : queue.poll();
            return p != null ? p : new Parser(invoked, report, args);
        }

        /** The subcommand class a command word names, or null. */
        private static Class<?> onlyCommand(String invoked) {
            return invoked == null ? null : MetadbCommand.WRITE_COMMANDS.containsKey(invoked)
                    ? MetadbCommand.WRITE_COMMANDS.get(invoked) : MetadbCommand.TOOL_COMMANDS.get(invoked);
        }

        /** The name a parser for this command line is kept under, or null: only one-command parsers, never help. */
        private static String keptAs(String invoked, Report<?, ?> report, String[] args) {
            boolean one = report != null || onlyCommand(invoked) != null && !invoked.equals("help");
            return one && !wantsHelp(args) ? invoked : null;
        }

        void giveBack() {
            if (kept != null) {
                var queue = KEPT_PARSERS.computeIfAbsent(kept, k -> new java.util.concurrent.ConcurrentLinkedQueue<>());
                if (queue.size() < KEPT) {
                    queue.offer(this);
                }
            }
        }

        Parser(String invoked, Report<?, ?> report, String[] args) {
            cl = new CommandLine(root);
            Class<?> only = onlyCommand(invoked);
            boolean one = report != null || only != null && !invoked.equals("help");
            kept = keptAs(invoked, report, args);
            if (report != null) {
                cl.addSubcommand(invoked, new CommandLine(ReportCommand.spec(report)));
            } else if (one) {
                cl.addSubcommand(invoked, only);
            } else if (invoked == null && wantsVersion(args)) {
                // The version needs no command model (building all of them costs ~20 ms).
            } else {
                withEveryCommand(cl);
            }
            // An argument is what it says: "@/etc/passwd" is text, never that file's lines (a
            // served request's arguments come from whoever sent it; a user who wants a file's
            // content has a shell).
            cl.setExpandAtFiles(false);
            // Wide enough that no option's description breaks inside a path ("./meta.db").
            cl.setUsageHelpWidth(USAGE_WIDTH);
            cl.setParameterExceptionHandler((ex, ignored) -> {
                root.err.println("metadb: " + Output.printable(usageError(ex)));
                root.err.flush();
                return EXIT_BAD_INPUT;
            });
            cl.setExecutionExceptionHandler((ex, commandLine, parseResult) ->
                    CommandService.failure(ex, root.err, root.debug, commandLine.getCommandSpec().qualifiedName(" ")));
            UsageHelp.install(cl);
        }

        int execute(String[] args, PrintWriter out, PrintWriter err, io.metadb.analytics.RowSource served,
                ServedWrites writes) {
            root.served = served;
            root.writes = writes;
            root.err = err;
            cl.setOut(out);
            cl.setErr(err);
            int code;
            try {
                code = cl.execute(args);
            } catch (OutOfMemoryError e) {
                // picocli hands only exceptions to the handler above; an Error would end the JVM
                // with a stack trace. What was committed stays committed; this command's work is lost.
                err.println("metadb: out of memory (" + e.getMessage() + "); the command was stopped");
                code = EXIT_FAILURE;
            } finally {
                // Nothing of this request stays reachable from a kept parser.
                root.served = null;
                root.writes = null;
                root.err = null;
                cl.setOut(NOWHERE);
                cl.setErr(NOWHERE);
            }
            out.flush();
            err.flush();
            return code;
        }

        private static final PrintWriter NOWHERE = new PrintWriter(java.io.Writer.nullWriter());
    }

    /** {@code root} with every subcommand added, in help order; returns it. */
    static CommandLine withEveryCommand(CommandLine root) {
        MetadbCommand.WRITE_COMMANDS.forEach(root::addSubcommand);
        Reports.all().forEach(r -> root.addSubcommand(r.name(), new CommandLine(ReportCommand.spec(r))));
        MetadbCommand.TOOL_COMMANDS.forEach(root::addSubcommand);
        return root;
    }

    /**
     * A usage error as one line with where to look: picocli would print its usage text (~18
     * lines) after the message.
     */
    static String usageError(CommandLine.ParameterException ex) {
        CommandLine where = ex.getCommandLine();
        String command = where.getCommandSpec().qualifiedName(" ");
        String message = ex.getMessage().lines().findFirst().orElse("bad usage");
        if (where.getCommandSpec().parent() == null) {
            if (ex instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()
                    && !u.getUnmatched().get(0).startsWith("-")) {
                message = "unknown command '" + u.getUnmatched().get(0) + "'";
            } else if (message.startsWith("Missing required subcommand")) {
                message = "no command given";
            }
            return message + " (see: metadb help)";
        }
        return message + " (see: " + command + " --help)";
    }
}
