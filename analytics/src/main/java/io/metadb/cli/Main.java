package io.metadb.cli;

import java.io.PrintWriter;
import java.util.concurrent.CompletionException;
import picocli.CommandLine;

/** Entry point of the {@code metadb} command: exit 0 ok, 2 bad usage or input, 1 failure. */
public final class Main {
    /** Exit code for bad usage or bad input. */
    public static final int EXIT_BAD_INPUT = 2;
    /** Exit code for a failure (locked file, I/O, a bug). */
    public static final int EXIT_FAILURE = 1;

    private Main() {}

    /** The first argument that is not a global option or its value: the subcommand's name. */
    static String invokedCommand(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--db") || a.equals("--now")) {
                i++;
            } else if (!a.startsWith("-")) {
                return a;
            }
        }
        return null;
    }

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command with the given output streams (tests call this in-process). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        MetadbCommand root = new MetadbCommand();
        CommandLine cl = new CommandLine(root);
        String invoked = invokedCommand(args);
        Class<?> only = invoked == null || invoked.equals("help") ? null : MetadbCommand.SUBCOMMANDS.get(invoked);
        if (only != null) {
            cl.addSubcommand(invoked, only);
        } else {
            MetadbCommand.SUBCOMMANDS.forEach(cl::addSubcommand);
        }
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            Throwable cause = ex instanceof CompletionException && ex.getCause() != null ? ex.getCause() : ex;
            if (root.debug) {
                cause.printStackTrace(err);
            }
            String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
            err.println("metadb: " + message.lines().findFirst().orElse(message));
            err.flush();
            return cause instanceof IllegalArgumentException || cause instanceof BadInputException
                    ? EXIT_BAD_INPUT : EXIT_FAILURE;
        });
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }
}
