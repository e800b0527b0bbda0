package io.metadb.core;

import io.metadb.core.BadInputException;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as operators write them: {@code 45s}, {@code 30m}, {@code 24h}, {@code 7d},
 * {@code 2w}, and combined, largest unit first, each once: {@code 1h30m}, {@code 2d12h}.
 * Stateless.
 */
public final class Durations {
    /** What a duration looks like, for error messages. */
    public static final String EXAMPLES = "30m, 24h, 7d, 1h30m";

    private static final Pattern DURATION = Pattern.compile("(?:\\d+w)?(?:\\d+d)?(?:\\d+h)?(?:\\d+m)?(?:\\d+s)?");
    private static final Pattern PART = Pattern.compile("(\\d+)([smhdw])");

    private Durations() {}

    /** Whether {@code text} has the form of a duration (a number and a unit). */
    public static boolean isDuration(String text) {
        String t = text.trim();
        return !t.isEmpty() && DURATION.matcher(t).matches();
    }

    /**
     * The duration {@code text} denotes.
     *
     * @throws IllegalArgumentException if it is not numbers followed by w, d, h, m or s, largest first
     */
    public static Duration parse(String text) {
        if (!isDuration(text)) {
            throw new BadInputException("'" + text + "' is not a duration like " + EXAMPLES);
        }
        try {
            Duration total = Duration.ZERO;
            Matcher m = PART.matcher(text.trim());
            while (m.find()) {
                long n = Long.parseLong(m.group(1));
                total = total.plus(switch (m.group(2)) {
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    case "d" -> Duration.ofDays(n);
                    default -> Duration.ofDays(Math.multiplyExact(7, n));
                });
            }
            return total;
        } catch (NumberFormatException | ArithmeticException e) {
            throw new BadInputException("'" + text + "' is too long a duration", e);
        }
    }
}
