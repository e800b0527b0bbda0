package io.metadb.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.metadb.core.BadInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The price table: the shipped one, names as senders spell them, a file added on top, and bad files. */
class PricesTest {
    @TempDir
    Path dir;

    @Test
    void theShippedTableIsDatedAndKnowsTheCurrentModelsAsSendersNameThem() {
        Prices p = Prices.defaults();
        assertThat(p.taken()).matches("\\d{4}-\\d{2}-\\d{2}");
        for (String model : new String[] {"claude-sonnet-4-5", "claude-opus-4-1", "claude-haiku-4-5", "gpt-5", "gpt-5-codex",
            "gpt-4.1", "o3", "gemini-2.5-pro", "gemini-2.5-flash"}) {
            assertThat(p.of(model)).as(model).isNotNull();
        }
        // A provider's date suffix, a provider prefix, another case.
        assertThat(p.of("claude-sonnet-4-5-20250929")).isEqualTo(p.of("claude-sonnet-4-5"));
        assertThat(p.of("gpt-4.1-2025-04-14")).isEqualTo(p.of("gpt-4.1"));
        assertThat(p.of("models/gemini-2.5-pro")).isEqualTo(p.of("gemini-2.5-pro"));
        assertThat(p.of("GPT-5")).isEqualTo(p.of("gpt-5"));
        assertThat(p.of("no-such-model")).isNull();
    }

    @Test
    void aCostCountsEachKindOfTokenAtItsPriceAndAMissingCachePriceAsInput() {
        Prices.Price claude = Prices.defaults().of("claude-sonnet-4-5");
        assertThat(claude.cost(1_000_000, 1_000_000, 1_000_000, 1_000_000)).isCloseTo(3 + 15 + 0.3 + 3.75, within(1e-9));
        Prices.Price bare = new Prices.Price(1e-6, 2e-6, null, null);
        assertThat(bare.cost(10, 10, 10, 10)).isCloseTo(10e-6 + 20e-6 + 10e-6 + 10e-6, within(1e-15));
    }

    @Test
    void aFileAddsAndOverridesAndAWholeLiteLlmFileWorks() throws Exception {
        Path file = dir.resolve("prices.json");
        Files.writeString(file, """
                {"sample_spec": {"max_tokens": "LEGACY", "input_cost_per_token": 0},
                 "our-model": {"input_cost_per_token": 1e-6, "output_cost_per_token": 4e-6, "mode": "chat"},
                 "gpt-5": {"input_cost_per_token": 9e-6, "output_cost_per_token": 9e-6},
                 "dall-e-3": {"output_cost_per_image": 0.04}}
                """);
        Prices p = Prices.defaults().with(file);
        assertThat(p.of("our-model")).isEqualTo(new Prices.Price(1e-6, 4e-6, null, null));
        assertThat(p.of("gpt-5").input()).isEqualTo(9e-6);
        assertThat(p.of("dall-e-3")).isNull();
        assertThat(p.of("claude-sonnet-4-5")).as("the shipped prices stay").isNotNull();
    }

    @Test
    void aBadFileIsAOneLineError() throws Exception {
        Path none = dir.resolve("none.json");
        assertThatThrownBy(() -> Prices.defaults().with(none)).isInstanceOf(BadInputException.class)
                .hasMessage("--prices " + none + ": no such file");
        Path notJson = Files.writeString(dir.resolve("bad.json"), "{\"a\": ");
        assertThatThrownBy(() -> Prices.defaults().with(notJson)).isInstanceOf(BadInputException.class)
                .hasMessageStartingWith("--prices " + notJson + ": ").hasMessageNotContaining("\n");
        Path empty = Files.writeString(dir.resolve("empty.json"), "{\"m\": {\"input_cost_per_token\": 1e-6}}");
        assertThatThrownBy(() -> Prices.defaults().with(empty)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("no model with input_cost_per_token and output_cost_per_token");
        Path array = Files.writeString(dir.resolve("array.json"), "[]");
        assertThatThrownBy(() -> Prices.defaults().with(array)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("a price table is a JSON object of models");
    }
}
