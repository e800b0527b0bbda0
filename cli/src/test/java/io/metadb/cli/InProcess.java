package io.metadb.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** The {@code metadb} command run in the test's own JVM, its output captured. */
final class InProcess {
    /** A command's exit code, stdout and stderr. */
    record Run(int code, String out, String err) {}

    private InProcess() {}

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }
}
