package io.metadb.analytics;

import io.metadb.analytics.report.CostReport;
import io.metadb.dao.MetaDb;
import io.metadb.payload.Tick;
import io.metadb.payload.TokenUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * Child process for LibraryIsQuietTest: a Java service's life with the library. It opens an
 * up-to-date file (the JVM's first {@code MetaDb.open}), writes, opens a new file (creating
 * and migrating it), writes, reports. It prints nothing itself and exits 3 if a report does
 * not see its row; the milliseconds of the first open, its first write and a later open go to
 * {@code TIMINGS}. Usage: {@code QuietServiceMain EXISTING_DB NEW_DB TIMINGS}.
 */
public final class QuietServiceMain {
    private QuietServiceMain() {}

    public static void main(String[] args) throws Exception {
        Path existing = Path.of(args[0]);
        Path created = Path.of(args[1]);
        long t0 = System.nanoTime();
        try (MetaDb db = MetaDb.open(existing)) {
            long t1 = System.nanoTime();
            db.dao(TokenUsage.class).record(new TokenUsage("svc", null, "anthropic", "m", 10, 5, null, null, 0.01)).join();
            long t2 = System.nanoTime();
            try (MetaDb again = MetaDb.open(created)) {
                again.dao(Tick.class).record(new Tick("svc", "tick", "ok", 1L)).join();
            }
            long t3 = System.nanoTime();
            try (MetaDb later = MetaDb.open(created)) {
                long t4 = System.nanoTime();
                Files.writeString(Path.of(args[2]), String.format("first open %.1f ms, its first write %.1f ms,"
                        + " a later open %.1f ms", (t1 - t0) / 1e6, (t2 - t1) / 1e6, (t4 - t3) / 1e6));
            }
        }
        Instant now = Instant.now();
        try (Reports reports = Reports.open(existing, now)) {
            if (reports.run(CostReport.of(now.minus(Duration.ofDays(1)), CostReport.By.MODEL)).size() != 1) {
                System.exit(3);
            }
        }
    }
}
