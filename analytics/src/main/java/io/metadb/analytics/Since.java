package io.metadb.analytics;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses {@code --since}: {@code 30m}, {@code 24h}, {@code 7d} or a timestamp. Stateless. */
public final class Since {
    private static final Pattern DURATION = Pattern.compile("(\\d+)([smhdw])");

    private Since() {}

    /**
     * The window's start: {@code now - duration}, or the timestamp itself.
     *
     * @throws IllegalArgumentException naming the accepted forms
     */
    public static Instant cutoff(String since, Instant now) {
        Matcher m = DURATION.matcher(since.trim());
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            Duration d = switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                case "d" -> Duration.ofDays(n);
                default -> Duration.ofDays(7 * n);
            };
            return now.minus(d);
        }
        try {
            return OffsetDateTime.parse(since.trim()).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("--since: '" + since
                    + "' is neither a duration (30m, 24h, 7d) nor a timestamp like 2026-04-20T13:05:09.123Z");
        }
    }
}
