package io.metadb.generated.convert;

import java.time.Instant;
import org.jooq.impl.AbstractConverter;

/**
 * Maps metadb's TEXT timestamps ({@code 2026-04-20T13:05:09.123Z}) to {@link Instant}, as
 * {@link Timestamps} parses and prints them. Stateless and thread-safe.
 */
public final class InstantConverter extends AbstractConverter<String, Instant> {
    private static final long serialVersionUID = 1L;

    public InstantConverter() {
        super(String.class, Instant.class);
    }

    @Override
    public Instant from(String text) {
        if (text == null) {
            return null;
        }
        try {
            return Timestamps.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("not an ISO-8601 timestamp in the database: " + text, e);
        }
    }

    @Override
    public String to(Instant instant) {
        return instant == null ? null : Timestamps.format(instant);
    }

}
