package io.metadb.analytics;

import java.time.Instant;
import org.jooq.DSLContext;
import org.jooq.Table;

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

    /** Rows {@code table} had in the file when the snapshot was taken (see {@link Snapshot#sourceRows}). */
    public long sourceRows(Table<?> table) {
        return snapshot.sourceRows(table);
    }
}
