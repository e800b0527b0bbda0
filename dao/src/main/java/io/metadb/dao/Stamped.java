package io.metadb.dao;

import io.metadb.payload.Payload;
import java.time.Instant;

/** A payload with the time it happened (the row's {@code ts}). */
public record Stamped<P extends Payload>(Instant ts, P payload) {}
