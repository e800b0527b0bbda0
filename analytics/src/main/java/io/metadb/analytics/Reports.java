package io.metadb.analytics;

import io.metadb.analytics.report.AgentReport;
import io.metadb.analytics.report.AuditReport;
import io.metadb.analytics.report.ClonesReport;
import io.metadb.analytics.report.CliReport;
import io.metadb.analytics.report.CostReport;
import io.metadb.analytics.report.CrashesReport;
import io.metadb.analytics.report.DeliveryReport;
import io.metadb.analytics.report.DispatchReport;
import io.metadb.analytics.report.HotTablesReport;
import io.metadb.analytics.report.McpReport;
import io.metadb.analytics.report.RecentReport;
import io.metadb.analytics.report.SummaryReport;
import io.metadb.analytics.report.TasksReport;
import io.metadb.analytics.report.TestsReport;
import io.metadb.analytics.report.TimelineReport;
import io.metadb.analytics.report.WatchdogReport;
import io.metadb.core.Location;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The entry point of the analytics library: every report (the registry: {@link #all()}),
 * and running them. {@link #open} runs each request on a snapshot of just what it reads,
 * taken for that request (a consistent read of the live file, never blocking a writer);
 * {@link #on} runs requests on a snapshot you took, and refuses one that lacks what a
 * request reads. Close it when done. Not thread-safe.
 *
 * <pre>{@code
 * try (Reports reports = Reports.open(Path.of("meta.db"), Instant.now())) {
 *     List<CostReport.Row> byModel = reports.run(CostReport.of(since, CostReport.By.MODEL));
 * }
 * }</pre>
 */
public final class Reports implements AutoCloseable {
    /** Every report, in SPEC §4 order: the one list the CLI, benchmarks and tests iterate. */
    private static final List<Report<?, ?>> ALL = List.of(HotTablesReport.REPORT, SummaryReport.REPORT,
            RecentReport.REPORT, AgentReport.REPORT, CostReport.REPORT, CrashesReport.REPORT, DispatchReport.REPORT,
            DeliveryReport.REPORT, AuditReport.REPORT, TasksReport.REPORT, TestsReport.REPORT, CliReport.REPORT,
            McpReport.REPORT, WatchdogReport.REPORT, ClonesReport.REPORT, TimelineReport.REPORT);

    private static final Map<String, Report<?, ?>> BY_NAME = byName();

    private final Location file;
    private final Snapshot snapshot;
    private final Instant now;
    private final Duration limit;
    private final RowSource source;
    private long snapshotNanos;

    private Reports(Location file, Snapshot snapshot, Instant now, Duration limit, RowSource source) {
        this.file = file;
        this.snapshot = snapshot;
        this.now = now;
        this.limit = limit;
        this.source = source;
    }

    /**
     * These reports, each stopped once its statements ran longer than {@code limit} in all
     * (default {@link Snapshot#DEFAULT_STATEMENT_LIMIT}); a report stopped so fails with one
     * line. On a given snapshot, this sets the snapshot's limit.
     */
    public Reports limitStatements(Duration limit) {
        if (snapshot != null) {
            snapshot.limitStatements(limit);
        }
        return new Reports(file, snapshot, now, limit, source);
    }

    /**
     * These reports, copying what each reads into memory afresh: also on PostgreSQL (where
     * they otherwise read in place; the alternative {@code metadb bench reports} measures).
     */
    public Reports copying() {
        return from(RowSource.copying(file));
    }

    /** These reports, each run's rows taken from {@code source} (the server passes its kept copies). */
    public Reports from(RowSource source) {
        if (snapshot != null) {
            throw new IllegalStateException("reports on a given snapshot read only that snapshot");
        }
        return new Reports(file, null, now, limit, java.util.Objects.requireNonNull(source, "a row source"));
    }

    /**
     * Time these reports' runs spent taking their snapshots (copying, or beginning a read
     * transaction), the rest of a run being the report's own statements: {@code --debug}
     * tells the two apart.
     */
    public Duration snapshotTime() {
        return Duration.ofNanos(snapshotNanos);
    }

    private static Map<String, Report<?, ?>> byName() {
        Map<String, Report<?, ?>> out = new LinkedHashMap<>();
        for (Report<?, ?> r : ALL) {
            if (out.put(r.name(), r) != null) {
                throw new IllegalStateException("two reports named " + r.name());
            }
        }
        return out;
    }

    /** Every report. */
    public static List<Report<?, ?>> all() {
        return ALL;
    }

    /** The report named {@code name} ({@code hot-tables}), or null. */
    public static Report<?, ?> named(String name) {
        return BY_NAME.get(name);
    }

    /**
     * Reports over the file {@code db}, windows ending at {@code now}: each {@link #run}
     * copies what its request reads from the file at that moment.
     */
    public static Reports open(Path db, Instant now) {
        return open(Location.of(db), now);
    }

    /** Reports over a file or a PostgreSQL database, as {@code --db} names it (a path or a URL). */
    public static Reports open(String pathOrUrl, Instant now) {
        return open(Location.parse(pathOrUrl), now);
    }

    /**
     * Reports over a file or a PostgreSQL database. On a file each {@link #run} copies what its
     * request reads at that moment and runs the report on the copy; on PostgreSQL it reads in
     * place, inside one {@code REPEATABLE READ READ ONLY} transaction, the report's jOOQ
     * rendered for PostgreSQL ({@link RowSource#of}).
     *
     * @throws Snapshot.SnapshotException if there is no file at {@code db} (its
     *     {@code missingDatabase()} says where) or it cannot be read; a PostgreSQL database is
     *     looked at by the first run
     */
    public static Reports open(Location db, Instant now) {
        return new Reports(db, null, now, Snapshot.DEFAULT_STATEMENT_LIMIT, RowSource.of(db));
    }

    /**
     * Reports over {@code snapshot} (e.g. {@link Snapshot#of(Path)}, a copy of everything);
     * the caller keeps owning and closes the snapshot.
     */
    public static Reports on(Snapshot snapshot, Instant now) {
        return new Reports(null, snapshot, now, snapshot.statementLimit(), null);
    }

    /**
     * The request's rows (METRICS reports: at most one).
     *
     * @throws Snapshot.SnapshotException if the file cannot be read
     * @throws IllegalStateException if a given snapshot lacks what the request reads
     */
    public <P, R extends Record> List<R> run(Request<P, R> request) {
        if (snapshot != null) {
            snapshot.checkCovers(request.reads(now), request.report().name());
            return runOn(snapshot, request);
        }
        long start = System.nanoTime();
        try (Snapshot own = source.snapshotFor(request.reads(now), request.report().name())) {
            snapshotNanos += System.nanoTime() - start;
            return runOn(own.limitStatements(limit), request);
        }
    }

    private <P, R extends Record> List<R> runOn(Snapshot s, Request<P, R> request) {
        try (StatementLimit.Run clock = StatementLimit.start(s.connection(), s.statementLimit())) {
            try {
                return request.run(new ReportContext(s, now));
            } catch (org.jooq.exception.DataAccessException e) {
                if (clock.fired()) {
                    throw new StatementLimit.ExceededException(request.report().name(), clock.limit(), e);
                }
                if (String.valueOf(e.getMessage()).contains("integer overflow")) {
                    // Only this report fails: its sums meet values written before metadb checked ranges.
                    throw new ArithmeticException(request.report().name() + ": a sum is beyond 64-bit integers: the file"
                            + " holds values outside the valid ranges (see docs/cli.md, Payload values), written before metadb"
                            + " checked them");
                }
                throw e;
            }
        }
    }

    /** The single row of a report that has at most one (summary, agent, delivery), if any. */
    public <P, R extends Record> java.util.Optional<R> one(Request<P, R> request) {
        List<R> rows = run(request);
        if (rows.size() > 1) {
            throw new IllegalArgumentException(request.report().name() + " gives " + rows.size() + " rows, not at most one");
        }
        return rows.stream().findFirst();
    }

    /** The names of that kind the file knows (every agent, every channel), sorted. */
    public List<String> known(Known kind) {
        if (snapshot != null) {
            snapshot.checkCovers(kind.reads(), kind.plural());
            return kind.names(snapshot);
        }
        try (Snapshot own = source.snapshotFor(kind.reads(), kind.plural())) {
            return kind.names(own);
        }
    }

    /** The request's rows as columns and values (what the CLI prints). */
    public <P, R extends Record> Tabular table(Request<P, R> request) {
        return Tabular.of(request, run(request));
    }

    /** The "now" every window ends at. */
    public Instant now() {
        return now;
    }

    /** Nothing to release today: each run's snapshot is closed when the run ends. */
    @Override
    public void close() {
        // A given snapshot belongs to the caller; open() holds nothing between runs.
    }
}
