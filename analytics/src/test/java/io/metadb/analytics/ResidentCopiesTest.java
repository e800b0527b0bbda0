package io.metadb.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.metadb.analytics.report.CostReport;
import io.metadb.analytics.report.SummaryReport;
import io.metadb.analytics.report.TimelineReport;
import io.metadb.dao.Demo;
import io.metadb.dao.MetaDb;
import io.metadb.dao.Retention;
import io.metadb.migrations.testing.Sql;
import io.metadb.payload.TokenUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The copies a server keeps between reports ({@link ResidentCopies}) answer every report
 * exactly as a fresh copy of the file does, however the file changed in between: rows
 * written into the current hour or into old ones (ids from a lease taken earlier, a
 * backdated row), rows deleted by retention or by hand, the file replaced, its version moved.
 * Each check runs every case of {@link ReportCopiesTest} both ways on real files.
 */
class ResidentCopiesTest {
    private static final Instant NOW = Fixture.NOW;

    @TempDir
    Path dir;

    private ResidentCopies kept;

    @AfterEach
    void stopKeeping() {
        if (kept != null) {
            kept.close();
        }
    }

    private Path demo(String name, long seed) {
        Path file = dir.resolve(name);
        try (MetaDb db = MetaDb.open(file)) {
            new Demo(db, seed, NOW, 0.25).run();
            // Short windows, so that the rollup tables hold days the reports read.
            Retention.run(db, NOW, new Retention.Windows(Duration.ofDays(2), Duration.ofDays(3), Duration.ofDays(2),
                    Duration.ofDays(4)), false);
        }
        return file;
    }

    /** Every case through the kept copies and afresh: the same rows. Returns how many the copies answered. */
    private long assertSameAsFresh(Path file) {
        long before = kept.answered();
        try (Reports resident = Reports.open(file, NOW).from(kept); Reports fresh = Reports.open(file, NOW).copying()) {
            for (Request<?, ?> c : ReportCopiesTest.cases("agent8", "agent3")) {
                assertThat(resident.run(c)).as(c.toString()).isEqualTo(fresh.run(c));
            }
        }
        return kept.answered() - before;
    }

    @Test
    void everyReportGivesTheRowsOfAFreshCopyFirstAndFromTheCopiesHeld() {
        Path file = demo("demo.db", 11);
        kept = new ResidentCopies(file);
        // A window that ends before it begins (--since after --now) holds no rows, whether
        // nothing is held yet (first) or its table is (last).
        Request<?, ?> future = CostReport.of(NOW.plus(Duration.ofDays(3)), CostReport.By.MODEL);
        try (Reports resident = Reports.open(file, NOW).from(kept)) {
            assertThat(resident.run(future)).isEmpty();
        }
        int cases = ReportCopiesTest.cases("agent8", "agent3").size();
        long first = assertSameAsFresh(file);
        long second = assertSameAsFresh(file);
        try (Reports resident = Reports.open(file, NOW).from(kept)) {
            long before = kept.answered();
            assertThat(resident.run(future)).isEmpty();
            assertThat(kept.answered()).isEqualTo(before + 1);
        }
        // Windowed reports and reports of small tables are answered from the copies; one
        // agent's rows or the latest rows of a big table are copied as before.
        assertThat(first).isEqualTo(second).isGreaterThan(cases / 2).isLessThan(cases);
    }

    @Test
    void rowsWrittenIntoAnyHourAndRowsDeletedAreSeen() {
        Path file = demo("demo.db", 11);
        kept = new ResidentCopies(file);
        assertSameAsFresh(file);
        try (MetaDb a = MetaDb.open(file); MetaDb b = MetaDb.open(file)) {
            var usageA = a.dao(TokenUsage.class);
            var usageB = b.dao(TokenUsage.class);
            usageA.record(NOW.minus(Duration.ofMinutes(5)), usage("late", 1.25)).join(); // A leases a block
            usageB.record(NOW.minus(Duration.ofMinutes(4)), usage("late", 2.5)).join(); // B the block after it
            // A's next row has a lower id than B's, lands in an hour held since the first pass,
            // and is committed after B's: the kind of row a "new ids only" refresh would miss.
            long low = usageA.record(NOW.minus(Duration.ofDays(3).plusMinutes(17)), usage("late", 4.0)).join();
            long high = usageB.record(NOW.minus(Duration.ofDays(1)), usage("late", 8.0)).join();
            assertThat(low).isLessThan(high);
        }
        assertThat(assertSameAsFresh(file)).isPositive();
        try (Reports resident = Reports.open(file, NOW).from(kept)) {
            assertThat(resident.run(CostReport.of(NOW.minus(Duration.ofDays(7)), CostReport.By.AGENT)))
                    .anyMatch(r -> r.key().equals("late") && r.calls() == 4 && r.costUsd() == 15.75);
        }

        // Retention deletes old rows (and rolls them up); then rows deleted by hand in one hour.
        try (MetaDb db = MetaDb.open(file)) {
            Retention.run(db, NOW, new Retention.Windows(Duration.ofDays(1), Duration.ofDays(1), Duration.ofDays(1),
                    Duration.ofDays(2)), false);
        }
        assertSameAsFresh(file);
        Sql.exec(file, "DELETE FROM token_usage WHERE id IN (SELECT id FROM token_usage WHERE ts >= '"
                + NOW.minus(Duration.ofDays(2)) + "' ORDER BY ts LIMIT 3)");
        Sql.exec(file, "DELETE FROM ticks WHERE id = (SELECT max(id) FROM ticks)");
        assertSameAsFresh(file);
    }

    /**
     * Ids past ~3.04e9 (a fleet's ids only grow): their squares overflow 64 bits, so the
     * fingerprint must square them modulo the prime, not square then reduce (SQLite turns an
     * overflowing product into a REAL, and two different id sets then look alike). Rows {X,
     * X+1} replaced by {X-1, X+2} in one hour: same count, same id sum, other squares.
     */
    @Test
    void rowsWithIdsBeyondThreeBillionAreSeenToChange() {
        Path file = demo("demo.db", 11);
        long x = 4_000_000_000L;
        String ts = io.metadb.generated.convert.Timestamps.format(NOW.minus(Duration.ofHours(30)));
        String row = "'{\"agent\":\"big\",\"provider\":\"anthropic\",\"model\":\"m1\",\"input_tokens\":1,"
                + "\"output_tokens\":1,\"cost_usd\":%s}'";
        Sql.exec(file, "INSERT INTO token_usage (id, ts, row_json) VALUES (" + x + ", '" + ts + "', " + String.format(row, "1.0")
                + "), (" + (x + 1) + ", '" + ts + "', " + String.format(row, "1.0") + ")");
        kept = new ResidentCopies(file);
        assertSameAsFresh(file);
        Sql.exec(file, "DELETE FROM token_usage WHERE id IN (" + x + ", " + (x + 1) + ")");
        Sql.exec(file, "INSERT INTO token_usage (id, ts, row_json) VALUES (" + (x - 1) + ", '" + ts + "', "
                + String.format(row, "100.0") + "), (" + (x + 2) + ", '" + ts + "', " + String.format(row, "100.0") + ")");
        assertSameAsFresh(file);
        try (Reports resident = Reports.open(file, NOW).from(kept)) {
            assertThat(resident.run(CostReport.of(NOW.minus(Duration.ofDays(7)), CostReport.By.AGENT)))
                    .anyMatch(r -> r.key().equals("big") && r.costUsd() == 200.0);
        }
    }

    private static TokenUsage usage(String agent, double cost) {
        return new TokenUsage(agent, null, "anthropic", "m1", 10L, 2L, null, null, cost);
    }

    @Test
    void aFileReplacedAtTheSamePathIsReadAfresh() throws Exception {
        Path file = demo("demo.db", 11);
        kept = new ResidentCopies(file);
        assertSameAsFresh(file);
        Path other = demo("other.db", 12);
        Files.delete(file);
        Files.move(other, file);
        assertThat(assertSameAsFresh(file)).isPositive();
    }

    @Test
    void copiesInUseAreNotWaitedFor() {
        Path file = demo("demo.db", 11);
        kept = new ResidentCopies(file);
        Request<?, ?> cost = CostReport.of(NOW.minus(Duration.ofDays(7)), CostReport.By.MODEL);
        try (Snapshot held = kept.take(cost.reads(NOW))) {
            assertThat(held).isNotNull();
            assertThat(kept.take(cost.reads(NOW))).as("in use").isNull();
            long before = kept.answered();
            try (Reports other = Reports.open(file, NOW).from(kept); Reports fresh = Reports.open(file, NOW).copying()) {
                assertThat(other.run(cost)).isEqualTo(fresh.run(cost)); // copied as before
            }
            assertThat(kept.answered()).isEqualTo(before);
        }
        long before = kept.answered();
        try (Reports resident = Reports.open(file, NOW).from(kept)) {
            resident.run(cost);
        }
        assertThat(kept.answered()).isEqualTo(before + 1);
    }

    /** A snapshot of the kept copies may be closed twice, or on another thread, and hands them back once (issue 22). */
    @Test
    void aSnapshotClosesOnceFromAnyThread() throws Exception {
        Path file = demo("demo.db", 11);
        kept = new ResidentCopies(file);
        Request<?, ?> cost = CostReport.of(NOW.minus(Duration.ofDays(7)), CostReport.By.MODEL);
        Snapshot held = kept.take(cost.reads(NOW));
        assertThat(held).isNotNull();
        Thread other = new Thread(held::close);
        java.util.concurrent.atomic.AtomicReference<Throwable> thrown = new java.util.concurrent.atomic.AtomicReference<>();
        other.setUncaughtExceptionHandler((t, e) -> thrown.set(e));
        other.start();
        other.join();
        assertThat(thrown.get()).as("closed on another thread").isNull();
        held.close(); // again, on this one: nothing more happens
        Snapshot again = kept.take(cost.reads(NOW));
        assertThat(again).as("the copies were handed back").isNotNull();
        again.close();
        again.close();
        assertThat(kept.take(cost.reads(NOW))).isNotNull().satisfies(Snapshot::close);
    }

    @Test
    void beyondTheRowBoundHoursNoReportNeedsAreDroppedAndBiggerWindowsCopiedAsBefore() {
        Path file = demo("demo.db", 11);
        int week = Integer.parseInt(Sql.value(file, "SELECT count(*) FROM token_usage WHERE ts >= '" + NOW.minus(Duration.ofDays(7)) + "'"));
        int month = Integer.parseInt(Sql.value(file, "SELECT count(*) FROM token_usage WHERE ts >= '" + NOW.minus(Duration.ofDays(30)) + "'"));
        // Room for a week of token usage (and the hour it starts in), not for a month of it.
        long bound = week + week / 20;
        assertThat(month).isGreaterThan((int) bound);
        kept = new ResidentCopies(file).limits(ResidentCopies.WHOLE_ROWS, bound);
        Request<?, ?> weekCost = CostReport.of(NOW.minus(Duration.ofDays(7)), CostReport.By.MODEL);
        Request<?, ?> monthCost = CostReport.of(NOW.minus(Duration.ofDays(30)), CostReport.By.DAY);
        Request<?, ?> dayTimeline = TimelineReport.of("ticks", TimelineReport.Bucket.HOUR, NOW.minus(Duration.ofDays(1)));
        try (Reports resident = Reports.open(file, NOW).from(kept); Reports fresh = Reports.open(file, NOW).copying()) {
            for (Request<?, ?> r : List.of(weekCost, dayTimeline, monthCost, weekCost, dayTimeline, weekCost)) {
                long before = kept.answered();
                assertThat(resident.run(r)).as(r.toString()).isEqualTo(fresh.run(r));
                // A month of rows is more than the bound: copied as before; the week fits.
                assertThat(kept.answered() - before).as(r.toString()).isEqualTo(r == monthCost ? 0 : 1);
            }
        }
    }

    @Test
    void aFileOfAnotherVersionIsTheSameOneLineAsAFreshCopy() {
        Path file = demo("demo.db", 11);
        kept = new ResidentCopies(file);
        Request<?, ?> summary = SummaryReport.of(NOW.minus(Duration.ofDays(1)));
        try (Reports resident = Reports.open(file, NOW).from(kept)) {
            resident.run(summary);
        }
        Sql.exec(file, "UPDATE meta SET value = '99' WHERE key = 'schema_version'");
        String fresh;
        try (Reports copying = Reports.open(file, NOW).copying()) {
            fresh = org.assertj.core.api.Assertions.catchThrowable(() -> copying.run(summary)).getMessage();
        }
        assertThat(fresh).contains("has schema version 99");
        try (Reports resident = Reports.open(file, NOW).from(kept)) {
            assertThatThrownBy(() -> resident.run(summary)).isInstanceOf(Snapshot.SnapshotException.class).hasMessage(fresh);
        }
        Sql.exec(file, "UPDATE meta SET value = '" + io.metadb.core.SchemaVersion.HEAD + "' WHERE key = 'schema_version'");
        assertSameAsFresh(file);
    }
}
