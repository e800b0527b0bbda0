package io.metadb.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.metadb.core.BadInputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What a model's tokens cost, for telemetry that reports tokens without a cost (Codex, Gemini
 * CLI, GenAI spans): USD per token in the form of LiteLLM's
 * {@code model_prices_and_context_window.json} ({@code input_cost_per_token},
 * {@code output_cost_per_token}, {@code cache_read_input_token_cost},
 * {@code cache_creation_input_token_cost}). A dated default table ships in the jar
 * ({@code prices.json}, its {@code _metadb} entry says where and when it was taken);
 * {@code serve --prices FILE} adds to it or overrides it (a whole LiteLLM file works: entries
 * without both token prices are skipped). Immutable.
 */
final class Prices {
    /** One model's prices, USD per token; a cache price absent is the input price. */
    record Price(double input, double output, Double cacheRead, Double cacheWrite) {
        /** The cost of a request: {@code input} counts input neither read from nor written to the cache. */
        double cost(long input, long output, long cacheRead, long cacheWrite) {
            return input * this.input + output * this.output + cacheRead * (cacheRead() != null ? cacheRead() : this.input)
                    + cacheWrite * (cacheWrite() != null ? cacheWrite() : this.input);
        }
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** A date a provider appends to a model's name: claude-sonnet-4-20250514, gpt-4.1-2025-04-14. */
    private static final Pattern DATED = Pattern.compile("-(\\d{8}|\\d{4}-\\d{2}-\\d{2})$");

    private final Map<String, Price> byModel;
    private final String taken;

    private Prices(Map<String, Price> byModel, String taken) {
        this.byModel = Map.copyOf(byModel);
        this.taken = taken;
    }

    /** The table that ships with metadb. */
    static Prices defaults() {
        try (InputStream in = Prices.class.getResourceAsStream("prices.json")) {
            if (in == null) {
                throw new IllegalStateException("prices.json is missing from the jar");
            }
            JsonNode root = MAPPER.readTree(in);
            return new Prices(parse(root, "prices.json"), root.path("_metadb").path("taken").asText("?"));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the default price table: " + e.getMessage(), e);
        }
    }

    /**
     * This table with {@code file}'s prices added (a model in both: the file's).
     *
     * @throws BadInputException for a file that cannot be read, is not JSON, or holds no price
     */
    Prices with(Path file) {
        JsonNode root;
        try {
            root = MAPPER.readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new BadInputException("--prices " + file + ": " + (e instanceof java.nio.file.NoSuchFileException
                    ? "no such file" : e.getMessage().lines().findFirst().orElse("cannot read it")));
        }
        Map<String, Price> added = parse(root, "--prices " + file);
        if (added.isEmpty()) {
            throw new BadInputException("--prices " + file + ": no model with input_cost_per_token and"
                    + " output_cost_per_token (LiteLLM's form: {\"MODEL\": {\"input_cost_per_token\": 3e-06, ...}})");
        }
        Map<String, Price> all = new LinkedHashMap<>(byModel);
        all.putAll(added);
        return new Prices(all, taken);
    }

    private static Map<String, Price> parse(JsonNode root, String where) {
        if (root == null || !root.isObject()) {
            throw new BadInputException(where + ": a price table is a JSON object of models");
        }
        Map<String, Price> out = new LinkedHashMap<>();
        root.properties().forEach(e -> {
            JsonNode v = e.getValue();
            Double in = cost(v, "input_cost_per_token");
            Double outp = cost(v, "output_cost_per_token");
            if (!e.getKey().startsWith("_") && in != null && outp != null) {
                out.put(e.getKey().toLowerCase(Locale.ROOT), new Price(in, outp, cost(v, "cache_read_input_token_cost"),
                        cost(v, "cache_creation_input_token_cost")));
            }
        });
        return out;
    }

    private static Double cost(JsonNode entry, String key) {
        JsonNode v = entry.get(key);
        return v != null && v.isNumber() && Double.isFinite(v.asDouble()) && v.asDouble() >= 0 ? v.asDouble() : null;
    }

    /** The day the default table was taken. */
    String taken() {
        return taken;
    }

    /**
     * The prices of {@code model} as a sender names it: exactly, else without a provider's prefix
     * ({@code models/}, {@code openai/}), else without a date suffix; null if none.
     */
    Price of(String model) {
        String m = model.toLowerCase(Locale.ROOT).strip();
        Price p = byModel.get(m);
        if (p == null && m.indexOf('/') >= 0) {
            m = m.substring(m.lastIndexOf('/') + 1);
            p = byModel.get(m);
        }
        if (p == null && DATED.matcher(m).find()) {
            p = byModel.get(DATED.matcher(m).replaceFirst(""));
        }
        return p;
    }
}
