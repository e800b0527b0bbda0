package io.metadb.core;

import java.util.List;

/** The values of {@code events.status} (SPEC §2.1): the delivery outbox's states. Constants only. */
public final class EventStatus {
    /** Not yet delivered. */
    public static final String PENDING = "pending";
    /** Delivered. */
    public static final String DELIVERED = "delivered";
    /** The last attempt failed. */
    public static final String FAILED = "failed";
    /** Every status. */
    public static final List<String> ALL = List.of(PENDING, DELIVERED, FAILED);

    private EventStatus() {}
}
