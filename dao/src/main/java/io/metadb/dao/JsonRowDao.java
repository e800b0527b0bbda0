package io.metadb.dao;

import io.metadb.core.BadInputException;
import io.metadb.dao.internal.Json;
import io.metadb.dao.internal.JsonTables.JsonTable;
import io.metadb.dao.internal.Writer;
import io.metadb.payload.Payload;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Writes one JSON-row table through the process's writer. Payloads are validated and
 * serialised on the caller's thread, before anything is queued: a bad payload throws
 * {@link IllegalArgumentException} naming the key, and nothing of that call is written.
 * The returned futures complete after the rows' transaction committed. Thread-safe.
 *
 * @param <P> the table's payload record
 */
public final class JsonRowDao<P extends Payload> {
    private final JsonTable table;
    private final Writer writer;
    private final Clock clock;

    JsonRowDao(JsonTable table, Writer writer, Clock clock) {
        this.table = table;
        this.writer = writer;
        this.clock = clock;
    }

    /** The table's name. */
    public String table() {
        return table.name();
    }

    /** Records one row stamped now; the future yields its id. */
    public CompletableFuture<Long> record(P payload) {
        return record(clock.instant(), payload);
    }

    /** Records one row that happened at {@code ts}; the future yields its id. */
    public CompletableFuture<Long> record(Instant ts, P payload) {
        String[] tss = {Json.ts(ts)};
        String[] json = {serialise(payload)};
        return writer.insert(table, tss, json).thenApply(IdRange::first);
    }

    /** Records rows stamped now, in one transaction; the future yields their contiguous ids. */
    public CompletableFuture<IdRange> recordAll(Collection<? extends P> payloads) {
        String now = Json.ts(clock.instant());
        String[] tss = new String[payloads.size()];
        String[] json = new String[payloads.size()];
        int i = 0;
        for (P p : payloads) {
            tss[i] = now;
            json[i++] = serialise(p);
        }
        return writer.insert(table, tss, json);
    }

    /** Records rows with their own timestamps, in one transaction. */
    public CompletableFuture<IdRange> recordAllStamped(List<Stamped<? extends P>> rows) {
        String[] tss = new String[rows.size()];
        String[] json = new String[rows.size()];
        for (int i = 0; i < tss.length; i++) {
            Stamped<? extends P> row = rows.get(i);
            tss[i] = Json.ts(row.ts());
            json[i] = serialise(row.payload());
        }
        return writer.insert(table, tss, json);
    }

    /**
     * The {@code row_json} this DAO stores for {@code payload}, validated as a write would be
     * (for tools that write rows themselves, e.g. a benchmark's raw-JDBC baseline).
     */
    public String toJson(P payload) {
        return serialise(payload);
    }

    private String serialise(P payload) {
        if (payload == null) {
            throw new BadInputException(table.name() + ": payload is null");
        }
        if (payload.getClass() != table.payloadType()) {
            throw new BadInputException(table.name() + " takes " + table.payloadType().getSimpleName()
                    + ", not " + payload.getClass().getSimpleName());
        }
        table.spec().validate(payload);
        String json = Json.write(payload);
        Json.checkSize(table.name(), json);
        return json;
    }
}
