package io.metadb.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class SinceTest {
    private static final Instant NOW = Instant.parse("2026-04-20T12:00:00.000Z");

    @Test
    void durationsAndTimestamps() {
        assertThat(Since.cutoff("30m", NOW)).isEqualTo(Instant.parse("2026-04-20T11:30:00Z"));
        assertThat(Since.cutoff("24h", NOW)).isEqualTo(Instant.parse("2026-04-19T12:00:00Z"));
        assertThat(Since.cutoff("7d", NOW)).isEqualTo(Instant.parse("2026-04-13T12:00:00Z"));
        assertThat(Since.cutoff("2w", NOW)).isEqualTo(Instant.parse("2026-04-06T12:00:00Z"));
        assertThat(Since.cutoff("2026-04-01T00:00:00.000Z", NOW)).isEqualTo(Instant.parse("2026-04-01T00:00:00Z"));
        assertThat(Since.cutoff("2026-04-01T02:00:00+02:00", NOW)).isEqualTo(Instant.parse("2026-04-01T00:00:00Z"));
    }

    @Test
    void anythingElseIsRejectedNamingTheAcceptedForms() {
        for (String bad : new String[] {"", "7", "d7", "7 days", "-1d", "yesterday", "2026-13-01", "2026-4-1"}) {
            assertThatThrownBy(() -> Since.cutoff(bad, NOW)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("30m, 24h, 7d").hasMessageContaining("a day (2026-04-20)");
        }
        for (String far : new String[] {"999999999999d", "99999999999999999999d", "-0001-06-01T00:00:00Z"}) {
            assertThatThrownBy(() -> Since.cutoff(far, NOW)).as(far).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("before the year 0000");
        }
    }

    /** Issue 26: times as people type them. */
    @Test
    void combinedDurationsAndTimestampsWithoutAnOffsetOrWithASpace() {
        assertThat(Since.cutoff("1h30m", NOW)).isEqualTo(Instant.parse("2026-04-20T10:30:00Z"));
        assertThat(Since.cutoff("2d12h", NOW)).isEqualTo(Instant.parse("2026-04-18T00:00:00Z"));
        assertThat(Since.cutoff("1w1d1h1m1s", NOW)).isEqualTo(Instant.parse("2026-04-12T10:58:59Z"));
        assertThat(Since.cutoff("2026-04-01T12:00:00", NOW)).as("no offset: UTC").isEqualTo(Instant.parse("2026-04-01T12:00:00Z"));
        assertThat(Since.cutoff("2026-04-01T12:00", NOW)).isEqualTo(Instant.parse("2026-04-01T12:00:00Z"));
        assertThat(Since.cutoff("2026-04-01 12:00", NOW)).isEqualTo(Instant.parse("2026-04-01T12:00:00Z"));
        assertThat(Since.cutoff("2026-04-01 12:00:30.5Z", NOW)).isEqualTo(Instant.parse("2026-04-01T12:00:30.500Z"));
        assertThat(Since.cutoff("2026-04-01 14:00-02:00", NOW)).isEqualTo(Instant.parse("2026-04-01T16:00:00Z"));
        for (String bad : new String[] {"30m1h", "1h1h", "1h 30m", "2026-04-01 25:00", "2026-04-01T", "h"}) {
            assertThatThrownBy(() -> Since.cutoff(bad, NOW)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("1h30m");
        }
    }

    @Test
    void aPlainDayStartsAtItsUtcMidnight() {
        assertThat(Since.cutoff("2026-04-01", NOW)).isEqualTo(Instant.parse("2026-04-01T00:00:00Z"));
    }
}
