package io.metadb.analytics.report;

import static io.metadb.generated.Tables.TESTS;

import io.metadb.analytics.Args;
import io.metadb.analytics.Param;
import io.metadb.analytics.Report;
import io.metadb.analytics.ReportContext;
import io.metadb.analytics.Request;
import io.metadb.analytics.TableCopy;
import io.metadb.analytics.internal.Folds;
import io.metadb.payload.TestRun;
import java.time.Instant;
import java.util.List;

/**
 * {@code tests}: per (suite, name) in the window; suite, name. Latest status and flakiness
 * are a fold over rows ordered by (suite, name, ts, id).
 */
public final class TestsReport extends Report<TestsReport.Params, TestsReport.Row> {
    /** @param status only tests whose latest status is this, or null */
    public record Params(Instant since, String status) {}

    public record Row(String suite, String name, String status, long runs, long failures, boolean flaky, Instant lastTs) {}

    private static final Param<Instant> SINCE = Param.since("7d", "window");
    private static final Param<String> STATUS = Param.oneOf("status", TestRun.statuses(), null,
            "only tests whose latest status is this");

    public static final TestsReport REPORT = new TestsReport();

    private TestsReport() {
        super("tests", Row.class, Shape.ROWS, "Per test in the window: latest status, runs, failures, flaky.",
                List.of(SINCE, STATUS), List.of("tests", "tests --status fail"));
    }

    public static Request<Params, Row> of(Instant since, String status) {
        return REPORT.request(new Params(since, status));
    }

    @Override
    protected Params params(Args args) {
        return new Params(args.get(SINCE), args.get(STATUS));
    }

    @Override
    public List<TableCopy> reads(Params p, Instant now) {
        return window(p.since(), now, TESTS);
    }

    /** A test's runs so far: the row it becomes, and whether one of them passed. */
    private record Runs(Row row, boolean passed) {
        static Runs first(String suite, String name, String status, Instant ts) {
            return new Runs(new Row(suite, name, status, 1, TestRun.FAIL.equals(status) ? 1 : 0, false, ts),
                    TestRun.PASS.equals(status));
        }

        Runs next(String status, Instant ts) {
            long failures = row.failures() + (TestRun.FAIL.equals(status) ? 1 : 0);
            boolean anyPass = passed || TestRun.PASS.equals(status);
            return new Runs(new Row(row.suite(), row.name(), status, row.runs() + 1, failures, anyPass && failures > 0, ts),
                    anyPass);
        }
    }

    @Override
    protected List<Row> run(ReportContext context, Params p) {
        var rows = context.dsl().select(TESTS.SUITE, TESTS.NAME, TESTS.STATUS, TESTS.TS).from(TESTS)
                .where(TESTS.TS.between(p.since(), context.now())).orderBy(TESTS.SUITE, TESTS.NAME, TESTS.TS, TESTS.ID).fetch();
        return Folds.adjacent(rows, r -> List.of(r.value1(), r.value2()),
                        r -> Runs.first(r.value1(), r.value2(), r.value3(), r.value4()),
                        (runs, r) -> runs.next(r.value3(), r.value4()))
                .stream().map(Runs::row).filter(t -> p.status() == null || t.status().equals(p.status())).toList();
    }
}
