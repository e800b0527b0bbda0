package io.metadb.dao;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.metadb.dao.internal.JsonTables;
import io.metadb.dao.internal.PayloadSpec;
import io.metadb.migrations.testing.MigratedDb;
import io.metadb.migrations.testing.Sql;
import io.metadb.payload.CliInvocation;
import io.metadb.payload.Tick;
import io.metadb.payload.TokenUsage;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Java API refuses, before queueing, what would be stored altered or break sums later. */
class PayloadValuesTest {
    @Test
    void everyNumericKeyHasADecidedRange() {
        for (JsonTables.JsonTable t : JsonTables.all()) {
            for (PayloadSpec.Key k : t.spec().keys()) {
                if (k.kind() == PayloadSpec.Kind.INTEGER || k.kind() == PayloadSpec.Kind.REAL) {
                    assertThat(k.range()).as(t.name() + "." + k.name()).isNotNull();
                }
            }
        }
    }

    @Test
    void outOfRangeNonFiniteAndNonUnicodeValuesAreRefusedBeforeQueueing(@MigratedDb Path file) {
        try (MetaDb db = MetaDb.open(file)) {
            var tokens = db.dao(TokenUsage.class);
            assertThatThrownBy(() -> tokens.record(new TokenUsage("a", null, "p", "m", Long.MAX_VALUE, 1, null, null, 1)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("token_usage.input_tokens: must be within 0..1000000000, was 9223372036854775807");
            assertThatThrownBy(() -> tokens.record(new TokenUsage("a", null, "p", "m", 1, 1, -5L, null, 1)))
                    .hasMessage("token_usage.cache_read_tokens: must be within 0..1000000000, was -5");
            assertThatThrownBy(() -> tokens.record(new TokenUsage("a", null, "p", "m", 1, 1, null, null, Double.POSITIVE_INFINITY)))
                    .hasMessage("token_usage.cost_usd: must be a finite number, was too large");
            assertThatThrownBy(() -> tokens.record(new TokenUsage("a\ud800", null, "p", "m", 1, 1, null, null, 1)))
                    .hasMessage("token_usage.agent: holds a lone surrogate (\\ud800), which is not valid Unicode");
            assertThatThrownBy(() -> db.dao(Tick.class).record(new Tick("a", "k", Tick.OK, -1)))
                    .hasMessage("ticks.duration_ms: must be within 0..31536000000, was -1");
            assertThatThrownBy(() -> db.dao(CliInvocation.class).record(new CliInvocation("a", "git", List.of("x\udc00"), 0, 1, null)))
                    .hasMessage("cli_invocations.args: holds a lone surrogate (\\udc00), which is not valid Unicode");

            var events = db.events();
            assertThatThrownBy(() -> events.enqueue("imessage", "reply", null)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("events.payload_json: missing");
            assertThatThrownBy(() -> events.enqueue("imessage", "reply", "{} trailing"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("events.payload_json: not valid JSON");
            assertThatThrownBy(() -> events.enqueue("imessage", "reply", "{\"a\":\"\ud800\"}"))
                    .hasMessage("events.payload_json: holds a lone surrogate (\\ud800), which is not valid Unicode");
            // Nothing was queued: the next write is the first row of each table.
            assertThat(tokens.record(new TokenUsage("a", null, "p", "m", 1_000_000_000, 0, null, null, 0)).join()).isEqualTo(1);
            assertThat(events.enqueue("imessage", "reply", "{}").join()).isEqualTo(1);
        }
        assertThat(Sql.value(file, "SELECT count(*) FROM token_usage")).isEqualTo("1");
        assertThat(Sql.value(file, "SELECT count(*) FROM events")).isEqualTo("1");
    }
}
