package io.metadb.generated.convert;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import org.jooq.impl.AbstractConverter;

/**
 * Maps metadb's TEXT timestamps ({@code 2026-04-20T13:05:09.123Z}: ISO-8601 UTC, exactly
 * three fraction digits, so that lexicographic order is time order) to {@link Instant}.
 * Stateless and thread-safe.
 */
public final class InstantConverter extends AbstractConverter<String, Instant> {
    private static final long serialVersionUID = 1L;

    /** The one timestamp format metadb writes. */
    public static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    public InstantConverter() {
        super(String.class, Instant.class);
    }

    @Override
    public Instant from(String text) {
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalStateException("not an ISO-8601 timestamp in the database: " + text, e);
        }
    }

    @Override
    public String to(Instant instant) {
        return instant == null ? null : format(instant);
    }

    /** Formats {@code instant} (truncated to milliseconds) the way metadb stores it. */
    public static String format(Instant instant) {
        return FORMAT.format(instant);
    }
}
