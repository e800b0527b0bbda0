package io.metadb.cli;

import io.metadb.analytics.Reports;
import io.metadb.analytics.Snapshot;
import io.metadb.core.Durations;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The commands the server answers, run as the operator would run them ({@link Main#run} in
 * resident mode) on the server's own database, within its statement limit and its slots for
 * statements users wrote. Shared by the launcher's protocol and the HTTP API. Thread-safe.
 */
final class Commands {
    /** The commands answered besides the reports. */
    static final String QUERY = "query";
    /** Statements users wrote ({@code query}) running at once. */
    static final int MAX_USER_STATEMENTS = 2;
    /** How long a request waits for a free slot before 503. */
    static final long ADMISSION_WAIT_MS = 2_000;

    private final Path db;
    /** The served file as the command layer takes it (made once, not per request). */
    private final io.metadb.core.Location location;
    private final Duration statementLimit;
    private final Semaphore userStatements = new Semaphore(MAX_USER_STATEMENTS, true);
    private final AtomicLong answered = new AtomicLong();
    /** Where the reports' rows come from: the server's kept copies. */
    private final io.metadb.analytics.RowSource rows;

    Commands(Path db, Duration statementLimit, io.metadb.analytics.RowSource rows) {
        this.db = db;
        this.location = io.metadb.core.Location.of(db);
        this.statementLimit = statementLimit;
        this.rows = rows;
    }

    Duration statementLimit() {
        return statementLimit;
    }

    /** Commands answered so far. */
    long answered() {
        return answered.get();
    }

    /** Answers {@code inv} on the served database; its exit code. */
    int run(Invocation inv, PrintWriter out, PrintWriter err) {
        int code = CommandService.run(inv, location, rows, out, err);
        answered.incrementAndGet();
        return code;
    }

    /**
     * Runs the command line {@code args} (the launcher's) on the served database, a write
     * command with {@code writes}; its exit code.
     */
    int run(List<String> args, PrintWriter out, PrintWriter err, ServedWrites writes) {
        int code = Main.run(onThisDb(args), out, err, rows, writes);
        answered.incrementAndGet();
        return code;
    }

    /**
     * Runs the paths every small request takes (a command line parsed and answered, a row
     * validated) a few hundred times, writing nothing and counting nothing as answered, so that
     * the JIT has compiled them before clients arrive: a fresh server answered a one-row
     * record in ~25 ms, a warm one in ~5 ms (measured with curl).
     */
    /** Whether {@link #warmUp} has finished. */
    volatile boolean warm;

    void warmUp() {
        PrintWriter discard = new PrintWriter(java.io.Writer.nullWriter());
        byte[] line = "{\"agent\":\"a\",\"kind\":\"k\",\"status\":\"ok\",\"duration_ms\":1}\n"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        java.time.Instant now = java.time.Instant.now();
        for (int i = 0; i < 300; i++) {
            try {
                Main.run(onThisDb(List.of("query", "select 1")), discard, discard, rows, null);
                io.metadb.dao.JsonIngest.prepare("ticks", new java.io.ByteArrayInputStream(line), now);
                RecordCommand.jsonLine(List.of("agent=a", "kind=k", "status=ok", "duration_ms:=1"));
            } catch (java.io.IOException | RuntimeException e) {
                break; // a file it cannot read: requests will say why
            }
        }
        warm = true;
    }

    static boolean answers(String command) {
        return command.equals(QUERY) || Reports.named(command) != null;
    }

    /** Whether this server runs statements for as long as {@code limit}. */
    boolean allows(Duration limit) {
        return limit.compareTo(statementLimit) <= 0;
    }

    /** Whether the run's statement limit ({@code --timeout}, else the default) is within the server's. */
    boolean withinLimit(List<String> args) {
        String given = Main.optionValue(args, "--timeout");
        if (given == null) {
            return allows(Snapshot.DEFAULT_STATEMENT_LIMIT);
        }
        try {
            return allows(Durations.parse(given));
        } catch (IllegalArgumentException e) {
            return true; // the command says what is wrong with it, as in-process
        }
    }

    /**
     * Takes one of the slots for statements users wrote ({@code query}), waiting at most
     * {@link #ADMISSION_WAIT_MS}; true at once for a report (its statements are the code's).
     * One such statement may hold up to ~200 MiB of SQLite's memory at once (see
     * {@link io.metadb.core.SqliteFiles#boundUserStatements}); two at once bound the server's.
     */
    boolean statementSlot(String command) {
        if (!command.equals(QUERY)) {
            return true;
        }
        try {
            return userStatements.tryAcquire(ADMISSION_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    void releaseStatementSlot(String command) {
        if (command.equals(QUERY)) {
            userStatements.release();
        }
    }

    static String busyStatements() {
        return "metadb: the server is running " + MAX_USER_STATEMENTS + " queries; try again\n";
    }

    /** The arguments with {@code --db} naming the served file (the client's cwd is not ours). */
    private String[] onThisDb(List<String> args) {
        List<String> out = new ArrayList<>(List.of("--db", db.toString()));
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--db")) {
                i++;
            } else if (!a.startsWith("--db=")) {
                out.add(a);
            }
        }
        return out.toArray(String[]::new);
    }
}
