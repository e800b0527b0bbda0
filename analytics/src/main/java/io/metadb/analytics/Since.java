package io.metadb.analytics;

import io.metadb.core.Durations;
import io.metadb.generated.convert.Timestamps;
import java.time.Instant;

/** Parses {@code --since}: {@code 30m}, {@code 24h}, {@code 7d} or a timestamp. Stateless. */
public final class Since {
    private Since() {}

    /**
     * The window's start: {@code now - duration}, or the timestamp itself.
     *
     * @throws IllegalArgumentException naming the accepted forms
     */
    public static Instant cutoff(String since, Instant now) {
        if (Durations.isDuration(since)) {
            return now.minus(Durations.parse(since));
        }
        try {
            return Timestamps.parse(since.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--since: '" + since + "' is neither a duration (" + Durations.EXAMPLES
                    + ") nor a timestamp like " + Timestamps.EXAMPLE);
        }
    }
}
