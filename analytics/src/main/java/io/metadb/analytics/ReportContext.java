package io.metadb.analytics;

import io.metadb.generated.envelope.RowTable;
import java.time.Instant;
import org.jooq.DSLContext;


/** What a report's query runs on: jOOQ over a snapshot, and the window's "now". Not thread-safe. */
public final class ReportContext {
    private final Snapshot snapshot;
    private final Instant now;

    ReportContext(Snapshot snapshot, Instant now) {
        this.snapshot = snapshot;
        this.now = now;
    }

    public DSLContext dsl() {
        return snapshot.dsl();
    }

    public Instant now() {
        return now;
    }

    /**
     * Rows {@code table} had in the file with {@code ts <= now} when the snapshot was taken,
     * copied or not: the report's copy must be {@link TableCopy#countingUpTo} this now.
     */
    public long sourceRows(RowTable table) {
        return snapshot.sourceRows(table, now);
    }
}
