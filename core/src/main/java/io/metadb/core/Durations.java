package io.metadb.core;

import io.metadb.core.BadInputException;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as operators write them: {@code 45s}, {@code 30m}, {@code 24h}, {@code 7d}, {@code 2w}. Stateless. */
public final class Durations {
    /** What a duration looks like, for error messages. */
    public static final String EXAMPLES = "30m, 24h, 7d";

    private static final Pattern DURATION = Pattern.compile("(\\d+)([smhdw])");

    private Durations() {}

    /** Whether {@code text} has the form of a duration (a number and a unit). */
    public static boolean isDuration(String text) {
        return DURATION.matcher(text.trim()).matches();
    }

    /**
     * The duration {@code text} denotes.
     *
     * @throws IllegalArgumentException if it is not a number followed by s, m, h, d or w
     */
    public static Duration parse(String text) {
        Matcher m = DURATION.matcher(text.trim());
        if (!m.matches()) {
            throw new BadInputException("'" + text + "' is not a duration like " + EXAMPLES);
        }
        try {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                case "d" -> Duration.ofDays(n);
                default -> Duration.ofDays(Math.multiplyExact(7, n));
            };
        } catch (NumberFormatException | ArithmeticException e) {
            throw new BadInputException("'" + text + "' is too long a duration", e);
        }
    }
}
