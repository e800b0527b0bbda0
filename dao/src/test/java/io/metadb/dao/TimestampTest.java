package io.metadb.dao;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.metadb.dao.internal.Json;
import org.junit.jupiter.api.Test;

/** Timestamps given as text: the stored form passes as is, others are normalised, nonsense is refused. */
class TimestampTest {
    @Test
    void storedFormAndOtherIsoFormsNormalise() {
        assertThat(Json.ts("2026-04-20T13:05:09.123Z")).isEqualTo("2026-04-20T13:05:09.123Z");
        assertThat(Json.ts("2024-02-29T23:59:59.999Z")).isEqualTo("2024-02-29T23:59:59.999Z");
        assertThat(Json.ts("2026-04-20T13:05:09Z")).isEqualTo("2026-04-20T13:05:09.000Z");
        assertThat(Json.ts("2026-04-20T15:05:09.123456+02:00")).isEqualTo("2026-04-20T13:05:09.123Z");
    }

    @Test
    void impossibleDatesAndTimesAreRefused() {
        for (String bad : new String[] {"2026-02-29T00:00:00.000Z", "2026-13-01T00:00:00.000Z", "2026-04-31T00:00:00.000Z",
                "2026-04-20T24:00:00.000Z", "2026-04-20T13:60:00.000Z", "2026-04-20 13:05:09.123Z", "yesterday", ""}) {
            assertThatThrownBy(() -> Json.ts(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("is not an ISO-8601 timestamp");
        }
    }
}
