package io.metadb.dao;

import static org.assertj.core.api.Assertions.assertThat;

import io.metadb.payload.CliInvocation;
import io.metadb.payload.Tick;
import io.metadb.payload.WatchdogEvent;
import io.metadb.migrations.testing.ChildJvm;
import io.metadb.migrations.testing.Sql;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SPEC §5 retention: exact sums, cutoff boundaries, idempotence, dry run, a concurrent writer process. */
class RetentionTest {
    private static final Instant NOW = Instant.parse("2026-04-20T12:00:00.000Z");
    private static final String TICK_SUMS = "SELECT day, agent, kind, ticks, failures, total_duration_ms, max_duration_ms"
            + " FROM tick_rollups ORDER BY day, agent, kind";
    private static final String EXPECTED_TICK_SUMS = "SELECT substr(ts, 1, 10), agent, kind, count(*),"
            + " sum(status = 'fail'), sum(duration_ms), max(duration_ms) FROM ticks WHERE ts < '%s'"
            + " GROUP BY 1, 2, 3 ORDER BY 1, 2, 3";

    @TempDir
    Path dir;

    /** Ticks, CLI calls and watchdog events spread over 40 days, a few exactly on each cutoff. */
    private Path populate(long seed) {
        Path file = dir.resolve("meta.db");
        Random r = new Random(seed);
        try (MetaDb db = MetaDb.open(file)) {
            List<Stamped<? extends Tick>> ticks = new ArrayList<>();
            List<Stamped<? extends CliInvocation>> cli = new ArrayList<>();
            List<Stamped<? extends WatchdogEvent>> watchdog = new ArrayList<>();
            for (int i = 0; i < 3_000; i++) {
                Instant ts = NOW.minusMillis((long) (r.nextDouble() * Duration.ofDays(40).toMillis()));
                ticks.add(new Stamped<>(ts, new Tick("agent" + r.nextInt(3), "k" + r.nextInt(2), r.nextInt(5) == 0 ? "fail" : "ok",
                        r.nextInt(1_000))));
                cli.add(new Stamped<>(ts, new CliInvocation("agent" + r.nextInt(3), "cmd" + r.nextInt(3), List.of(),
                        r.nextInt(6) == 0 ? 1 : 0, r.nextInt(5_000), null)));
            }
            for (int i = 0; i < 3_000; i++) {
                Instant ts = NOW.minusMillis((long) (r.nextDouble() * Duration.ofDays(250).toMillis()));
                watchdog.add(new Stamped<>(ts, new WatchdogEvent("agent" + r.nextInt(3), "check" + r.nextInt(3),
                        new String[] {"green", "yellow", "red"}[r.nextInt(3)], null)));
            }
            ticks.add(new Stamped<>(NOW.minus(Duration.ofDays(7)), new Tick("edge", "k", "ok", 1)));
            ticks.add(new Stamped<>(NOW.minus(Duration.ofDays(7)).minusMillis(1), new Tick("edge", "k", "fail", 2)));
            cli.add(new Stamped<>(NOW.minus(Duration.ofDays(30)), new CliInvocation("edge", "c", List.of(), 0, 1, null)));
            watchdog.add(new Stamped<>(NOW.minus(Duration.ofDays(14)), new WatchdogEvent("edge", "c", "green", null)));
            watchdog.add(new Stamped<>(NOW.minus(Duration.ofDays(100)), new WatchdogEvent("edge", "c", "red", null)));
            watchdog.add(new Stamped<>(NOW.minus(Duration.ofDays(180)), new WatchdogEvent("edge", "c", "red", null)));
            db.dao(Tick.class).recordAllStamped(ticks).join();
            db.dao(CliInvocation.class).recordAllStamped(cli).join();
            db.dao(WatchdogEvent.class).recordAllStamped(watchdog).join();
        }
        return file;
    }


    @Test
    void rollsUpExactlyAndDeletesOnlyRowsOlderThanTheCutoffs() {
        Path file = populate(1);
        String tickCutoff = "2026-04-13T12:00:00.000Z";
        List<List<String>> expectedTicks = Sql.rows(file, String.format(EXPECTED_TICK_SUMS, tickCutoff));
        List<List<String>> expectedCli = Sql.rows(file, "SELECT substr(ts, 1, 10), agent, command, count(*), sum(exit_code <> 0),"
                + " sum(duration_ms) FROM cli_invocations WHERE ts < '2026-03-21T12:00:00.000Z' GROUP BY 1, 2, 3 ORDER BY 1, 2, 3");
        String oldWatchdog = "(level <> 'red' AND ts < '2026-04-06T12:00:00.000Z') OR (level = 'red' AND ts < '2025-10-22T12:00:00.000Z')";
        List<List<String>> expectedWatchdog = Sql.rows(file, "SELECT substr(ts, 1, 10), agent, check_name, sum(level = 'green'),"
                + " sum(level = 'yellow'), sum(level = 'red') FROM watchdog_events WHERE " + oldWatchdog + " GROUP BY 1, 2, 3 ORDER BY 1, 2, 3");
        long oldTicks = Long.parseLong(Sql.value(file, "SELECT count(*) FROM ticks WHERE ts < '" + tickCutoff + "'"));
        long keptTicks = Long.parseLong(Sql.value(file, "SELECT count(*) FROM ticks WHERE ts >= '" + tickCutoff + "'"));
        long oldWatchdogRows = Long.parseLong(Sql.value(file, "SELECT count(*) FROM watchdog_events WHERE " + oldWatchdog));
        assertThat(oldTicks).isGreaterThan(2_000);

        List<Retention.Outcome> outcome;
        try (MetaDb db = MetaDb.open(file)) {
            // Small chunks: a day's rows span several chunks, so the upsert must add to existing rollups.
            outcome = Retention.run(db, NOW, Retention.Windows.defaults(), false, 97);
        }

        assertThat(outcome.get(0).table()).isEqualTo("ticks");
        assertThat(outcome.get(0).rolledUp()).isEqualTo(oldTicks);
        assertThat(outcome.get(0).deleted()).isEqualTo(oldTicks);
        assertThat(outcome.get(0).chunks()).isEqualTo((int) Math.ceil(oldTicks / 97.0));
        assertThat(outcome.get(2).rolledUp()).isEqualTo(oldWatchdogRows);
        assertThat(Sql.rows(file, TICK_SUMS)).isEqualTo(expectedTicks);
        assertThat(Sql.rows(file, "SELECT day, agent, command, calls, failures, total_duration_ms FROM cli_daily ORDER BY 1, 2, 3"))
                .isEqualTo(expectedCli);
        assertThat(Sql.rows(file, "SELECT day, agent, check_name, green, yellow, red FROM watchdog_daily ORDER BY 1, 2, 3"))
                .isEqualTo(expectedWatchdog);
        assertThat(Sql.value(file, "SELECT count(*) FROM ticks")).isEqualTo(String.valueOf(keptTicks));
        assertThat(Sql.value(file, "SELECT count(*) FROM ticks WHERE ts < '" + tickCutoff + "'")).isEqualTo("0");
        // Boundaries: exactly at a cutoff is not older than it.
        assertThat(Sql.rows(file, "SELECT ts, status FROM ticks WHERE agent = 'edge'"))
                .containsExactly(List.of("2026-04-13T12:00:00.000Z", "ok"));
        assertThat(Sql.value(file, "SELECT count(*) FROM cli_invocations WHERE agent = 'edge'")).isEqualTo("1");
        assertThat(Sql.rows(file, "SELECT ts, level FROM watchdog_events WHERE agent = 'edge' ORDER BY ts")).containsExactly(
                List.of("2025-10-22T12:00:00.000Z", "red"), List.of("2026-01-10T12:00:00.000Z", "red"),
                List.of("2026-04-06T12:00:00.000Z", "green"));
    }

    @Test
    void runningTwiceChangesNothingAndADryRunWritesNothing() {
        Path file = populate(2);
        List<Retention.Outcome> dry;
        try (MetaDb db = MetaDb.open(file)) {
            dry = Retention.run(db, NOW, Retention.Windows.defaults(), true);
        }
        assertThat(Sql.value(file, "SELECT count(*) FROM tick_rollups")).isEqualTo("0");
        List<Retention.Outcome> first;
        List<Retention.Outcome> second;
        List<List<String>> afterFirst;
        try (MetaDb db = MetaDb.open(file)) {
            first = Retention.run(db, NOW, Retention.Windows.defaults(), false);
            afterFirst = Sql.rows(file, TICK_SUMS);
            second = Retention.run(db, NOW, Retention.Windows.defaults(), false);
        }
        for (int i = 0; i < 3; i++) {
            assertThat(dry.get(i).rolledUp()).isEqualTo(first.get(i).rolledUp()).isPositive();
            assertThat(second.get(i).rolledUp()).isZero();
            assertThat(second.get(i).deleted()).isZero();
        }
        assertThat(Sql.rows(file, TICK_SUMS)).isEqualTo(afterFirst);
    }

    @Test
    void safeWhileAnotherProcessWrites() throws Exception {
        Path file = populate(3);
        String tickCutoff = "2026-04-13T12:00:00.000Z";
        List<List<String>> expectedTicks = Sql.rows(file, String.format(EXPECTED_TICK_SUMS, tickCutoff));
        List<long[]> committed = new ArrayList<>();
        try (ChildJvm writer = ChildJvm.start(WriterMain.class, file.toString(), "live", "-1")) {
            writer.readLine(); // it is writing
            try (MetaDb db = MetaDb.open(file)) {
                Retention.run(db, NOW, Retention.Windows.defaults(), false, 50);
            }
            while (committed.size() < 50) {
                String[] parts = writer.readLine().split(" ");
                committed.add(new long[] {Long.parseLong(parts[1]), Long.parseLong(parts[2])});
            }
            writer.kill();
        }
        assertThat(Sql.rows(file, TICK_SUMS)).isEqualTo(expectedTicks);
        for (long[] r : committed) {
            assertThat(Sql.value(file, "SELECT count(*) FROM ticks WHERE agent = 'live' AND id BETWEEN " + r[0] + " AND " + r[1]))
                    .isEqualTo(String.valueOf(r[1] - r[0] + 1));
        }
        assertThat(Sql.value(file, "PRAGMA integrity_check")).isEqualTo("ok");
    }
}
