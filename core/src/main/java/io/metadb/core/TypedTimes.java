package io.metadb.core;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * Times as people type them on a command line ({@code --now}, {@code --since}): a timestamp
 * with an offset ({@code 2026-04-20T13:05:09.123Z}, {@code 2026-04-20T15:05+02:00}), the same
 * without one (UTC: {@code 2026-04-20T13:05}), a space for the {@code T}
 * ({@code 2026-04-20 13:05}), or a day ({@code 2026-04-20}: its midnight, UTC). Stateless.
 */
public final class TypedTimes {
    /** The forms, for help texts and errors. */
    public static final String FORMS = "a timestamp (2026-04-20T13:05:09Z, or 2026-04-20 13:05 in UTC) or a day"
            + " (2026-04-20: its midnight UTC)";

    private TypedTimes() {}

    /**
     * The instant {@code text} names.
     *
     * @throws IllegalArgumentException if it is none of {@link #FORMS}
     */
    public static Instant parse(String text) {
        String t = text.strip();
        if (t.length() > 10 && t.charAt(10) == ' ') {
            t = t.substring(0, 10) + 'T' + t.substring(11).strip();
        }
        try {
            if (t.length() == 10) {
                return LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            return hasOffset(t) ? OffsetDateTime.parse(t).toInstant() : LocalDateTime.parse(t).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + text + "' is not " + FORMS, e);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("'" + text + "' is out of range", e);
        }
    }

    /** Whether the time part (after the date) ends with Z or a +hh:mm / -hh:mm offset. */
    private static boolean hasOffset(String t) {
        if (t.endsWith("Z") || t.endsWith("z")) {
            return true;
        }
        int time = t.indexOf('T');
        return time >= 0 && (t.indexOf('+', time) >= 0 || t.indexOf('-', time) >= 0);
    }
}
