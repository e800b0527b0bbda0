package io.metadb.generated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.metadb.generated.convert.InstantConverter;
import io.metadb.generated.convert.Timestamps;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The hand-written parser and printer of the stored timestamp form agree with java.time's. */
class TimestampsTest {
    private static final long FIRST = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
    private static final long LAST = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();

    @Test
    void printsAndParsesEveryStorableInstantAsJavaTimeDoes() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 200_000; i++) {
            Instant instant = Instant.ofEpochSecond(random.nextLong(FIRST, LAST + 1), random.nextInt(1_000_000_000));
            String stored = Timestamps.format(instant);
            assertThat(stored).as("%s", instant).isEqualTo(Timestamps.FORMAT.format(instant));
            assertThat(Timestamps.parseStored(stored)).as(stored)
                    .isEqualTo(instant.truncatedTo(ChronoUnit.MILLIS)).isEqualTo(Instant.parse(stored));
        }
    }

    @Test
    void edgesOfTheCalendarAndTheRange() {
        for (String ok : new String[] {"0000-01-01T00:00:00.000Z", "9999-12-31T23:59:59.999Z", "2024-02-29T23:59:59.999Z",
                "2000-02-29T00:00:00.000Z", "1969-12-31T23:59:59.999Z", "1970-01-01T00:00:00.000Z"}) {
            assertThat(Timestamps.parseStored(ok)).as(ok).isEqualTo(Instant.parse(ok));
            assertThat(Timestamps.format(Instant.parse(ok))).isEqualTo(ok);
        }
        for (String bad : new String[] {"2026-02-29T00:00:00.000Z", "1900-02-29T00:00:00.000Z", "2026-04-31T00:00:00.000Z",
                "2026-00-10T00:00:00.000Z", "2026-13-10T00:00:00.000Z", "2026-04-00T00:00:00.000Z", "2026-04-20T24:00:00.000Z",
                "2026-04-20T13:60:00.000Z", "2026-04-20T13:05:60.000Z", "2026-04-20 13:05:09.123Z", "2026-04-20t13:05:09.123z",
                "2026-04-20T13:05:09.12Z", "2026-04-20T13:05:09.1234Z", "+026-04-20T13:05:09.123Z", "2026-04-20T13:05:09Z", ""}) {
            assertThat(Timestamps.parseStored(bad)).as(bad).isNull();
        }
    }

    @Test
    void otherIsoFormsStillReadAndNonsenseIsAClearError() {
        InstantConverter c = new InstantConverter();
        assertThat(c.from("2026-04-20T13:05:09Z")).isEqualTo(Instant.parse("2026-04-20T13:05:09Z"));
        assertThat(c.from(null)).isNull();
        assertThatThrownBy(() -> c.from("2026-02-29T00:00:00.000Z")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not an ISO-8601 timestamp in the database: 2026-02-29T00:00:00.000Z");
        assertThat(Timestamps.format(Instant.parse("+10000-01-01T00:00:00Z")))
                .isEqualTo(Timestamps.FORMAT.format(Instant.parse("+10000-01-01T00:00:00Z")));
    }
}
