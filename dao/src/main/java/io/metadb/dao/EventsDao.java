package io.metadb.dao;

import io.metadb.core.BadInputException;
import static io.metadb.generated.Tables.EVENTS;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.metadb.core.EventStatus;
import io.metadb.dao.internal.Json;
import io.metadb.dao.internal.Writer;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * The delivery outbox ({@code events}): enqueue, mark delivered, mark failed. Writes go
 * through the process's writer; futures complete after commit. Thread-safe.
 */
public final class EventsDao {
    private final Writer writer;
    private final Clock clock;

    EventsDao(Writer writer, Clock clock) {
        this.writer = writer;
        this.clock = clock;
    }

    /**
     * Queues an event for delivery.
     *
     * @param source the channel it is for (e.g. {@code imessage})
     * @param kind what it is
     * @param payloadJson a JSON document, at most 1 MiB
     * @return the event's id
     */
    public CompletableFuture<Long> enqueue(String source, String kind, String payloadJson) {
        return enqueue(clock.instant(), source, kind, payloadJson);
    }

    /** Like {@link #enqueue(String, String, String)}, for an event that happened at {@code ts} (imports, replays). */
    public CompletableFuture<Long> enqueue(Instant ts, String source, String kind, String payloadJson) {
        requireText(EVENTS.SOURCE.getName(), source);
        requireText(EVENTS.KIND.getName(), kind);
        String what = EVENTS.getName() + "." + EVENTS.PAYLOAD_JSON.getName();
        if (payloadJson == null || payloadJson.isBlank()) {
            throw new BadInputException(what + ": missing");
        }
        try {
            // Strict: trailing content would pass Jackson's default reading and fail the
            // table's json_valid CHECK at commit, after the caller was told it was queued.
            Json.readStrict(payloadJson);
        } catch (JsonProcessingException e) {
            throw new BadInputException(what + ": not valid JSON: " + e.getOriginalMessage());
        }
        io.metadb.dao.internal.PayloadSpec.checkUnicode(what, payloadJson);
        Json.checkSize(EVENTS.getName(), payloadJson);
        Json.ts(ts);
        return writer.submit(tx -> {
            long id = tx.nextIds(EVENTS, EVENTS.ID, 1);
            tx.dsl().insertInto(EVENTS, EVENTS.ID, EVENTS.TS, EVENTS.SOURCE, EVENTS.KIND, EVENTS.PAYLOAD_JSON,
                            EVENTS.STATUS, EVENTS.ATTEMPTS)
                    .values(id, ts, source, kind, payloadJson, EventStatus.PENDING, 0L)
                    .execute();
            return id;
        });
    }

    /** Marks an event delivered now; the future yields false if no such event exists. */
    public CompletableFuture<Boolean> markDelivered(long id) {
        Instant now = clock.instant();
        return writer.submit(tx -> tx.dsl().update(EVENTS)
                .set(EVENTS.STATUS, EventStatus.DELIVERED)
                .set(EVENTS.DELIVERED_TS, now)
                .where(EVENTS.ID.eq(id))
                .execute() == 1);
    }

    /** Records a failed attempt: status failed, attempts + 1, last_error; false if no such event. */
    public CompletableFuture<Boolean> markFailed(long id, String error) {
        requireText(EVENTS.LAST_ERROR.getName(), error);
        return writer.submit(tx -> tx.dsl().update(EVENTS)
                .set(EVENTS.STATUS, EventStatus.FAILED)
                .set(EVENTS.ATTEMPTS, EVENTS.ATTEMPTS.plus(1L))
                .set(EVENTS.LAST_ERROR, error)
                .where(EVENTS.ID.eq(id))
                .execute() == 1);
    }

    static void requireText(String what, String value) {
        if (value == null || value.isEmpty()) {
            throw new BadInputException("events." + what + ": missing");
        }
    }
}
