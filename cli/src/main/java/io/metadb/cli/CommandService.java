package io.metadb.cli;

import io.metadb.analytics.Args;
import io.metadb.analytics.Param;
import io.metadb.analytics.ReadOnlyQuery;
import io.metadb.analytics.Report;
import io.metadb.analytics.Reports;
import io.metadb.analytics.Request;
import io.metadb.analytics.RowSource;
import io.metadb.analytics.Snapshot;
import io.metadb.analytics.Tabular;
import io.metadb.core.BadInputException;
import io.metadb.core.Durations;
import io.metadb.core.Location;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;

/**
 * The one command layer under the command line and the HTTP API: answers an
 * {@link Invocation} (a report or {@code query}) on one database, and turns any failure into
 * the one error line and exit code both show (2: the input was wrong; 1: anything else;
 * {@link Main#EXIT_READER_GONE}: nobody reads). Stateless; thread-safe.
 */
final class CommandService {
    /** Names shown at most when a report about one name is empty. */
    private static final int KNOWN_SHOWN = 20;

    private CommandService() {}

    /**
     * Answers {@code inv} on {@code db} ({@code served}: the server's kept copies, or null),
     * printing to {@code out} and {@code err}; its exit code. Never throws for the command's
     * own failure: it is the error line on {@code err}.
     */
    static int run(Invocation inv, Location db, RowSource served, PrintWriter out, PrintWriter err) {
        int code;
        try {
            answer(inv, db, served, out, err);
            code = 0;
        } catch (Exception | OutOfMemoryError e) {
            code = failure(e, err, inv.debug(), "metadb " + inv.command());
        }
        out.flush();
        err.flush();
        return code;
    }

    /**
     * Answers {@code inv}; a failure is thrown (the command line's parser catches it and
     * calls {@link #failure}, as for any other command).
     */
    static void answer(Invocation inv, Location db, RowSource served, PrintWriter out, PrintWriter err) {
        if (inv.command().equals(Commands.QUERY)) { // a statement of its own: "now" is whatever it says
            if (served instanceof io.metadb.analytics.RowSource.Kept kept) {
                ReadOnlyQuery.stream(kept.readers(), inv.values().get("sql"), timeout(inv.timeout()),
                        Output.sink(inv.format(), out, false));
            } else {
                ReadOnlyQuery.stream(db, inv.values().get("sql"), timeout(inv.timeout()),
                        Output.sink(inv.format(), out, false));
            }
            return;
        }
        Instant now = now(inv.now());
        Report<?, ?> report = Reports.named(inv.command());
        if (report == null) {
            throw new BadInputException("unknown command '" + inv.command() + "' (see: metadb help)");
        }
        Request<?, ?> request = report.request(new Args(inv.values(), now));
        long start = System.nanoTime();
        Tabular result;
        long snapshotNanos;
        Reports opened = Reports.open(db, now);
        try (Reports reports = (served == null ? opened : opened.from(served)).limitStatements(timeout(inv.timeout()))) {
            result = reports.table(request);
            snapshotNanos = reports.snapshotTime().toNanos();
            if (result.rows().isEmpty()) {
                sayWhatExists(report, reports, inv.values(), err);
            }
        }
        long nanos = System.nanoTime() - start;
        Output.print(result, inv.format(), out, report.totalLine());
        if (inv.debug()) {
            err.printf("metadb: snapshot of %d tables in %.1f ms, report in %.1f ms%n", request.reads(now).size(),
                    snapshotNanos / 1e6, (nanos - snapshotNanos) / 1e6);
        }
    }

    /** "Now": {@code text} (an instant) if given, else the clock. */
    static Instant now(String text) {
        return text == null ? Instant.now() : MetadbCommand.parseTimestamp("--now", text);
    }

    /** The statement time limit: {@code text} (a duration) if given, else {@link Snapshot#DEFAULT_STATEMENT_LIMIT}. */
    static Duration timeout(String text) {
        if (text == null) {
            return Snapshot.DEFAULT_STATEMENT_LIMIT;
        }
        Duration d;
        try {
            d = Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--timeout: " + e.getMessage());
        }
        if (d.isZero() || d.isNegative()) {
            throw new BadInputException("--timeout must be at least 1s, was " + text);
        }
        return d;
    }

    /**
     * An empty answer about a name (an agent, a channel) says on stderr that nothing matched
     * and which names exist; the output stays a valid empty table, JSON or CSV.
     */
    private static void sayWhatExists(Report<?, ?> report, Reports reports, Map<String, String> given, PrintWriter err) {
        for (Param<?> p : report.params()) {
            if (p.naming() == null || given.get(p.name()) == null) {
                continue;
            }
            List<String> known = reports.known(p.naming());
            if (known.contains(given.get(p.name()))) {
                continue; // a name the file knows, with nothing in this report: the empty answer is the answer
            }
            String shown = known.isEmpty() ? "none"
                    : String.join(", ", known.subList(0, Math.min(KNOWN_SHOWN, known.size())))
                            + (known.size() > KNOWN_SHOWN ? " and " + (known.size() - KNOWN_SHOWN) + " more" : "");
            err.println(Output.printable("metadb: nothing about '" + given.get(p.name()) + "'; known " + p.naming().plural()
                    + ": " + shown));
        }
    }

    /**
     * The error line(s) of a failed command on {@code err}, and its exit code: 2 only for what
     * the input got wrong, 1 for any other exception (an I/O failure, a bug), whatever its
     * type; nothing at all when the reader of the output went away.
     *
     * @param where the command as typed ({@code metadb cost}), for "see: … --help"
     */
    /** The one line for a command on a path with no database, with the command that makes one. */
    static String noDatabase(java.nio.file.Path db) {
        return "no database at " + db + " (create one with: metadb --db " + Output.shellWord(db.toString()) + " migrate)";
    }

    static int failure(Throwable ex, PrintWriter err, boolean debug, String where) {
        Throwable cause = ex instanceof CompletionException && ex.getCause() != null ? ex.getCause() : ex;
        if (cause instanceof Output.ReaderGoneException) {
            return Main.EXIT_READER_GONE; // nobody reads: nothing to say, and nowhere to say it
        }
        if (debug) {
            cause.printStackTrace(err);
        }
        String message = cause instanceof OutOfMemoryError
                ? "out of memory (" + cause.getMessage() + "); the command was stopped"
                : cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        message = message.lines().findFirst().orElse(message);
        if (cause instanceof io.metadb.analytics.Snapshot.SnapshotException s && s.missingDatabase().isPresent()) {
            message = noDatabase(s.missingDatabase().get());
        }
        // jOOQ puts the whole statement first ("SQL [insert …]; ERROR: …"): the reason is what follows.
        message = message.replaceFirst("^SQL \\[.*\\]; (ERROR: )?", "");
        boolean badInput = cause instanceof io.metadb.core.BadInput || cause instanceof java.nio.file.InvalidPathException;
        if (badInput && message.startsWith("--")) {
            // An option's value, like the parser's own errors: say where the options are.
            message += " (see: " + where + " --help)";
        }
        if (cause instanceof io.metadb.dao.JsonIngest.BadLineException lines) {
            // Every bad line, each on a line of its own: the input can be fixed in one go.
            lines.problems().forEach(p -> err.println("metadb: " + Output.printable(p)));
            if (lines.more() > 0) {
                err.println("metadb: and " + lines.more() + " more bad lines; nothing was written");
            } else {
                err.println("metadb: nothing was written");
            }
        } else {
            err.println("metadb: " + Output.printable(message));
        }
        err.flush();
        return badInput ? Main.EXIT_BAD_INPUT : Main.EXIT_FAILURE;
    }
}
