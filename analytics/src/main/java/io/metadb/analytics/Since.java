package io.metadb.analytics;

import io.metadb.core.BadInputException;
import io.metadb.core.Durations;
import io.metadb.core.TypedTimes;
import io.metadb.generated.convert.Timestamps;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Parses {@code --since}: a duration back from now ({@code 30m}, {@code 24h}, {@code 1h30m}), a
 * UTC day ({@code 2026-04-20}: from its start) or a timestamp as {@link TypedTimes} reads one
 * (without an offset: UTC). Stateless.
 */
public final class Since {
    /** The forms, for help texts and errors. */
    public static final String FORMS = "a duration (" + Durations.EXAMPLES + "), a day (2026-04-20) or a timestamp ("
            + Timestamps.EXAMPLE + "; without an offset, UTC: 2026-04-20 13:05)";

    /** Windows cannot start before this (stored timestamps sort as text from year 0000 on). */
    private static final Instant EARLIEST = Instant.parse("0000-01-01T00:00:00Z");

    private Since() {}

    /**
     * The window's start: {@code now - duration}, the day's start, or the timestamp itself.
     *
     * @throws IllegalArgumentException naming the accepted forms, or saying it is out of range
     */
    public static Instant cutoff(String since, Instant now) {
        String text = since.trim();
        Instant start;
        try {
            if (Durations.isDuration(text)) {
                start = now.minus(Durations.parse(text));
            } else {
                start = TypedTimes.parse(text);
            }
        } catch (DateTimeParseException e) {
            throw new BadInputException("--since: '" + since + "' is not " + FORMS);
        } catch (IllegalArgumentException | DateTimeException | ArithmeticException e) {
            if (!Durations.isDuration(text) && !(e instanceof DateTimeException)) {
                throw new BadInputException("--since: '" + since + "' is not " + FORMS);
            }
            throw new BadInputException("--since: '" + since + "' reaches back before the year 0000");
        }
        if (start.isBefore(EARLIEST)) {
            throw new BadInputException("--since: '" + since + "' reaches back before the year 0000");
        }
        return start;
    }
}
