package io.metadb.generated.convert;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import org.jooq.Field;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * metadb's one timestamp form ({@code 2026-04-20T13:05:09.123Z}: ISO-8601 UTC, exactly
 * three fraction digits, so that lexicographic order is time order): parsing what users and
 * payloads give, printing what is stored, and the stored text as a jOOQ field. The stored
 * form is parsed and printed by hand: {@link DateTimeFormatter} costs far more per call,
 * which shows in a report that reads thousands of timestamps in a process living a third
 * of a second (cold, a third of {@code recent}'s time). Stateless and thread-safe.
 */
public final class Timestamps {
    /** The one timestamp format metadb writes. */
    public static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    /** What a timestamp looks like, for error messages. */
    public static final String EXAMPLE = "2026-04-20T13:05:09.123Z";

    private static final int STORED_LENGTH = 24;
    private static final int SECONDS_PER_DAY = 86_400;
    private static final int DAY_CHARS = 10;
    private static final int HOUR_CHARS = 13;

    private Timestamps() {}

    /**
     * An ISO-8601 timestamp with a zone offset ({@code Z} or {@code +02:00}), fractions
     * optional: the stored form quickly, any other through {@link OffsetDateTime}.
     *
     * @throws IllegalArgumentException if {@code text} is not such a timestamp
     */
    public static Instant parse(String text) {
        Instant stored = parseStored(text);
        if (stored != null) {
            return stored;
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + text + "' is not a timestamp like " + EXAMPLE, e);
        }
    }

    /** {@code ts} as the text it is stored as (a field of the same column, typed as text). */
    public static Field<String> asText(Field<Instant> ts) {
        return DSL.field(ts.getQualifiedName(), SQLDataType.VARCHAR);
    }

    /** The start of the UTC hour of a stored timestamp column, in the stored form ({@code 2026-04-20T13:00:00.000Z}). */
    public static Field<String> hourStart(Field<Instant> ts) {
        return DSL.concat(DSL.substring(asText(ts), DSL.inline(1), DSL.inline(HOUR_CHARS)), DSL.inline(":00:00.000Z"));
    }

    /** The start of the UTC day of a stored timestamp column, in the stored form ({@code 2026-04-20T00:00:00.000Z}). */
    public static Field<String> dayStart(Field<Instant> ts) {
        return DSL.concat(day(ts), DSL.inline("T00:00:00.000Z"));
    }

    /** The UTC day ({@code 2026-04-20}) of a stored timestamp column: its first ten characters. */
    public static Field<String> day(Field<Instant> ts) {
        // Inlined positions: grouping by this expression must render it identically in SELECT
        // and GROUP BY (PostgreSQL does not match two bind parameters as the same expression).
        return DSL.substring(asText(ts), DSL.inline(1), DSL.inline(DAY_CHARS));
    }

    /**
     * The instant {@code t} denotes if it is exactly the stored form
     * {@code uuuu-MM-ddTHH:mm:ss.SSSZ} of a real instant (checked field by field, and the day
     * against its month), else null.
     */
    public static Instant parseStored(String t) {
        if (t.length() != STORED_LENGTH || t.charAt(4) != '-' || t.charAt(7) != '-' || t.charAt(10) != 'T'
                || t.charAt(13) != ':' || t.charAt(16) != ':' || t.charAt(19) != '.' || t.charAt(23) != 'Z') {
            return null;
        }
        int year = digits(t, 0, 4);
        int month = digits(t, 5, 7);
        int day = digits(t, 8, 10);
        int hour = digits(t, 11, 13);
        int minute = digits(t, 14, 16);
        int second = digits(t, 17, 19);
        int milli = digits(t, 20, 23);
        if (year < 0 || month < 0 || day < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0
                || second > 59 || milli < 0) {
            return null;
        }
        long epochDay;
        try {
            epochDay = LocalDate.of(year, month, day).toEpochDay(); // checks month and day of month
        } catch (DateTimeException e) {
            return null;
        }
        return Instant.ofEpochSecond(epochDay * SECONDS_PER_DAY + hour * 3600L + minute * 60L + second, milli * 1_000_000L);
    }

    /** The value of the decimal digits {@code t[from, to)}, or -1 if one is not a digit. */
    private static int digits(String t, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = t.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    /** Formats {@code instant} (truncated to milliseconds) the way metadb stores it. */
    public static String format(Instant instant) {
        long seconds = instant.getEpochSecond();
        LocalDate date = LocalDate.ofEpochDay(Math.floorDiv(seconds, SECONDS_PER_DAY));
        if (date.getYear() < 0 || date.getYear() > 9999) {
            return FORMAT.format(instant); // not a storable year: the formatter says how it looks
        }
        int secondOfDay = (int) Math.floorMod(seconds, SECONDS_PER_DAY);
        char[] out = new char[STORED_LENGTH];
        put(out, 0, date.getYear(), 4);
        out[4] = '-';
        put(out, 5, date.getMonthValue(), 2);
        out[7] = '-';
        put(out, 8, date.getDayOfMonth(), 2);
        out[10] = 'T';
        put(out, 11, secondOfDay / 3600, 2);
        out[13] = ':';
        put(out, 14, secondOfDay / 60 % 60, 2);
        out[16] = ':';
        put(out, 17, secondOfDay % 60, 2);
        out[19] = '.';
        put(out, 20, instant.getNano() / 1_000_000, 3);
        out[23] = 'Z';
        return new String(out);
    }

    /** Writes {@code value} as {@code width} zero-padded decimal digits at {@code out[at]}. */
    private static void put(char[] out, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            out[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }
}
