package io.metadb.cli;

import static io.metadb.cli.OtlpValues.bool;
import static io.metadb.cli.OtlpValues.count;
import static io.metadb.cli.OtlpValues.describe;
import static io.metadb.cli.OtlpValues.number;
import static io.metadb.cli.OtlpValues.text;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.metadb.generated.convert.Timestamps;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What an OTLP log record becomes in metadb (SPEC §7; the table in docs/telemetry.md): a row
 * of one JSON-row table, written as {@code ingest} writes a JSON line, or nothing. Every row
 * is tested (OtlpIT). Stateless.
 *
 * <p>The event's name: the record's {@code event_name}, else a body that is an event name
 * (Claude Code's {@code claude_code.api_request}), else the attribute {@code event.name}
 * (Claude Code's own {@code api_request} is qualified by its scope or service). The agent: the
 * attribute {@code metadb.agent} (record, then resource), else {@code service.instance.id},
 * else {@code service.name}. The time: {@code time_unix_nano}, else
 * {@code observed_time_unix_nano}, else arrival. Token meaning: {@code input_tokens} counts
 * input neither read from nor written to the cache (Anthropic's meaning, SPEC §2).
 */
final class OtlpMapping {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** What one record became. */
    sealed interface Outcome permits Row, Skipped, Refused {}

    /** A row: {@code line} is its JSON line for {@code table}. */
    record Row(String table, String event, String line) implements Outcome {}

    /** Not a row, and not an error: an event metadb does not store (counted in the answer). */
    record Skipped(String event) implements Outcome {}

    /** A record of a mapped event that cannot be stored: why. */
    record Refused(String event, String why) implements Outcome {}

    private OtlpMapping() {}

    /** The Claude Code scope of its events, and its service name. */
    private static final String CLAUDE_CODE = "claude_code";

    static String eventName(OtlpRecords.Log log) {
        if (!log.eventName().isEmpty()) {
            return log.eventName();
        }
        if (log.body() instanceof String b && b.indexOf('.') > 0 && b.indexOf(' ') < 0 && b.length() <= 128) {
            return b;
        }
        Object attr = log.attributes().get("event.name");
        if (attr instanceof String n && !n.isEmpty()) {
            if (n.indexOf('.') < 0 && (log.scope().contains(CLAUDE_CODE)
                    || "claude-code".equals(log.resource().get("service.name")))) {
                return CLAUDE_CODE + "." + n;
            }
            return n;
        }
        return "";
    }

    /**
     * What {@code log} becomes; {@code arrival}: the time used when the record carries none;
     * {@code prices}: the cost of a request whose sender reports none.
     */
    static Outcome map(OtlpRecords.Log log, Instant arrival, Prices prices) {
        String event = eventName(log);
        Map<String, Object> a = log.attributes();
        String agent = agent(a, log.resource());
        try {
            ObjectNode row = switch (event) {
                case "claude_code.api_request" -> tokens(agent, session(a, log.resource()), "anthropic", required("model", text(a, "model")),
                        required("input_tokens", count(a, "input_tokens")), required("output_tokens", count(a, "output_tokens")),
                        count(a, "cache_read_tokens"), count(a, "cache_creation_tokens"), number(a, "cost_usd"),
                        count(a, "duration_ms"), prices);
                case "claude_code.tool_result" -> tool(agent, text(a, "tool_name"), count(a, "duration_ms"),
                        bool(a, "success"), text(a, "error"));
                case "claude_code.api_error" -> apiError(agent, "anthropic", text(a, "model"), text(a, "error"),
                        count(a, "status_code"), count(a, "duration_ms"), count(a, "attempt"));
                // Codex counts cached input inside input_token_count (OpenAI's meaning); its output
                // count includes reasoning. Only the completed response carries the usage.
                case "codex.sse_event" -> "response.completed".equals(a.get("event.kind")) && a.get("input_token_count") != null
                        ? cachedInside(agent, session(a, log.resource()), "openai", text(a, "model"), count(a, "input_token_count"),
                                count(a, "cached_token_count"), required("output_token_count", count(a, "output_token_count")),
                                count(a, "duration_ms"), prices)
                        : null;
                case "codex.tool_result" -> {
                    Boolean ok = bool(a, "success");
                    yield tool(agent, text(a, "tool_name"), count(a, "duration_ms"), ok,
                            Boolean.FALSE.equals(ok) ? text(a, "output") : null);
                }
                case "codex.api_request" -> a.get("error.message") == null ? null
                        : apiError(agent, "openai", text(a, "model"), text(a, "error.message"),
                                count(a, "http.response.status_code"), count(a, "duration_ms"), count(a, "attempt"));
                // Gemini counts cached content inside input_token_count and its thinking apart from
                // the output (billed as output); tool-use prompt tokens are input.
                case "gemini_cli.api_response" -> {
                    Long input = count(a, "input_token_count");
                    Long tool = count(a, "tool_token_count");
                    long output = required("output_token_count", count(a, "output_token_count"));
                    Long thoughts = count(a, "thoughts_token_count");
                    yield cachedInside(agent, session(a, log.resource()), "google", text(a, "model"),
                            input == null ? null : input + (tool == null ? 0 : tool), count(a, "cached_content_token_count"),
                            output + (thoughts == null ? 0 : thoughts), count(a, "duration_ms"), prices);
                }
                case "gemini_cli.tool_call" -> tool(agent, text(a, "function_name"), count(a, "duration_ms"),
                        bool(a, "success"), text(a, "error"));
                case "gemini_cli.api_error" -> apiError(agent, "google", text(a, "model"), text(a, "error"),
                        count(a, "status_code"), count(a, "duration_ms"), null);
                default -> null;
            };
            if (row == null) {
                return new Skipped(event.isEmpty() ? "(no event name)" : event);
            }
            return row(TABLE_OF.get(event), event, log.timeNanos() != 0 ? log.timeNanos() : log.observedNanos(), arrival,
                    row);
        } catch (OtlpValues.BadValue e) {
            return new Refused(event, e.getMessage());
        }
    }

    /** The table each mapped event's rows go to. */
    private static final Map<String, String> TABLE_OF = Map.of("claude_code.api_request", "token_usage",
            "claude_code.tool_result", "tool_use_events", "claude_code.api_error", "api_errors",
            "codex.sse_event", "token_usage", "codex.tool_result", "tool_use_events", "codex.api_request", "api_errors",
            "gemini_cli.api_response", "token_usage", "gemini_cli.tool_call", "tool_use_events",
            "gemini_cli.api_error", "api_errors");

    /** The GenAI operations that are a model call. */
    private static final java.util.Set<String> MODEL_CALLS = java.util.Set.of("chat", "generate_content", "text_completion");

    /**
     * What a span becomes under OpenTelemetry's GenAI semantic conventions: a model call
     * ({@code gen_ai.operation.name} chat, generate_content, text_completion) a token_usage row,
     * or an api_errors row if its status is ERROR; {@code execute_tool} a tool_use_events row;
     * any other span nothing. {@code gen_ai.usage.input_tokens} counts cached input too (the
     * conventions' meaning): the cached part is taken out. The time: the span's end.
     */
    static Outcome map(OtlpRecords.Span span, Instant arrival, Prices prices) {
        Map<String, Object> a = span.attributes();
        String op = a.get("gen_ai.operation.name") instanceof String o ? o : "";
        String event = op.isEmpty() ? "span " + span.name() : "gen_ai " + op;
        String agent = agent(a, span.resource());
        Long duration = span.startNanos() > 0 && span.endNanos() >= span.startNanos()
                ? (span.endNanos() - span.startNanos()) / 1_000_000 : null;
        try {
            String model = a.get("gen_ai.response.model") != null ? text(a, "gen_ai.response.model")
                    : text(a, "gen_ai.request.model");
            String provider = a.get("gen_ai.provider.name") != null ? text(a, "gen_ai.provider.name") : text(a, "gen_ai.system");
            String why = !span.statusMessage().isEmpty() ? span.statusMessage()
                    : a.get("error.type") != null ? text(a, "error.type") : "error";
            ObjectNode row;
            String table;
            if (MODEL_CALLS.contains(op) && span.statusError()) {
                row = apiError(agent, provider, model, why, count(a, "http.response.status_code"), duration, null);
                table = "api_errors";
            } else if (MODEL_CALLS.contains(op)) {
                Long cacheRead = count(a, "gen_ai.usage.cache_read.input_tokens");
                Long cacheWrite = count(a, "gen_ai.usage.cache_creation.input_tokens");
                long input = required("gen_ai.usage.input_tokens", count(a, "gen_ai.usage.input_tokens"));
                long fresh = Math.max(0, input - (cacheRead == null ? 0 : cacheRead) - (cacheWrite == null ? 0 : cacheWrite));
                row = tokens(agent, session(a, span.resource()), provider == null ? "unknown" : provider,
                        required("gen_ai.response.model", model), fresh,
                        required("gen_ai.usage.output_tokens", count(a, "gen_ai.usage.output_tokens")), cacheRead, cacheWrite,
                        null, duration, prices);
                table = "token_usage";
            } else if (op.equals("execute_tool")) {
                row = tool(agent, text(a, "gen_ai.tool.name"), duration == null ? 0L : duration, !span.statusError(),
                        span.statusError() ? why : null);
                table = "tool_use_events";
            } else {
                return new Skipped(event);
            }
            return row(table, event, span.endNanos() != 0 ? span.endNanos() : span.startNanos(), arrival, row);
        } catch (OtlpValues.BadValue e) {
            return new Refused(event, e.getMessage());
        }
    }

    /** A model call's row; {@code cost} null: from {@code prices}, refused if the model has none. */
    private static ObjectNode tokens(String agent, String session, String provider, String model, long input, long output,
            Long cacheRead, Long cacheWrite, Double cost, Long durationMs, Prices prices) throws OtlpValues.BadValue {
        double usd;
        if (cost != null) {
            usd = cost; // the sender's own figure wins over a computed one
        } else {
            Prices.Price price = prices.of(model);
            if (price == null) {
                throw new OtlpValues.BadValue("no price for model " + describe(model) + "; add one with serve --prices FILE"
                        + " (LiteLLM's form, see docs/telemetry.md)");
            }
            usd = price.cost(input, output, cacheRead == null ? 0 : cacheRead, cacheWrite == null ? 0 : cacheWrite);
        }
        ObjectNode row = MAPPER.createObjectNode();
        row.put("agent", agent);
        putText(row, "session_id", session);
        row.put("provider", provider);
        row.put("model", model);
        row.put("input_tokens", input);
        row.put("output_tokens", output);
        putCount(row, "cache_read_tokens", cacheRead);
        putCount(row, "cache_write_tokens", cacheWrite);
        row.put("cost_usd", usd);
        putCount(row, "duration_ms", durationMs);
        return row;
    }

    /** A model call whose sender counts cached input inside its input (OpenAI's and Google's meaning). */
    private static ObjectNode cachedInside(String agent, String session, String provider, String model, Long inputWithCache,
            Long cached, long output, Long durationMs, Prices prices) throws OtlpValues.BadValue {
        long input = required("input_token_count", inputWithCache);
        long read = cached == null ? 0 : cached;
        return tokens(agent, session, provider, required("model", model), Math.max(0, input - read), output, cached, null,
                null, durationMs, prices);
    }

    private static ObjectNode tool(String agent, String tool, Long durationMs, Boolean ok, String error) throws OtlpValues.BadValue {
        ObjectNode row = MAPPER.createObjectNode();
        row.put("agent", agent);
        row.put("tool", required("tool_name", tool));
        row.put("duration_ms", required("duration_ms", durationMs));
        row.put("ok", required("success", ok));
        if (error != null && !error.isEmpty()) {
            row.put("error", clipped(error));
        }
        return row;
    }

    private static ObjectNode apiError(String agent, String provider, String model, String error, Long statusCode,
            Long durationMs, Long attempt) throws OtlpValues.BadValue {
        ObjectNode row = MAPPER.createObjectNode();
        row.put("agent", agent);
        putText(row, "provider", provider);
        row.put("model", required("model", model));
        row.put("error", clipped(required("error", error)));
        putCount(row, "status_code", statusCode);
        putCount(row, "duration_ms", durationMs);
        putCount(row, "attempt", attempt);
        return row;
    }

    /** The most of an error's text kept in a row (a tool's output can be long). */
    private static final int MAX_ERROR_CHARS = 2000;

    private static String clipped(String text) {
        return text.length() > MAX_ERROR_CHARS ? text.substring(0, MAX_ERROR_CHARS) + "…" : text;
    }

    private static Row row(String table, String event, long nanos, Instant arrival, ObjectNode payload) {
        Instant ts = nanos != 0 ? Instant.ofEpochSecond(Long.divideUnsigned(nanos, 1_000_000_000L),
                Long.remainderUnsigned(nanos, 1_000_000_000L)) : arrival;
        ObjectNode line = MAPPER.createObjectNode();
        line.put("ts", Timestamps.format(ts));
        line.setAll(payload);
        return new Row(table, event, line.toString());
    }

    /** The agent: {@code metadb.agent} (record, then resource), else {@code service.instance.id}, else {@code service.name}. */
    static String agent(Map<String, Object> attributes, Map<String, Object> resource) {
        for (String key : List.of("metadb.agent", "service.instance.id", "service.name")) {
            for (Map<String, Object> attrs : List.of(attributes, resource)) {
                if (attrs.get(key) instanceof String s && !s.isEmpty()) {
                    return s;
                }
            }
        }
        return "unknown";
    }

    /**
     * The session: {@code session.id}, else {@code conversation.id}, else {@code
     * gen_ai.conversation.id}; each on the record, then on its resource (Gemini CLI puts
     * {@code session.id} on its resource).
     */
    static String session(Map<String, Object> attributes, Map<String, Object> resource) {
        for (String key : List.of("session.id", "conversation.id", "gen_ai.conversation.id")) {
            for (Map<String, Object> attrs : List.of(attributes, resource)) {
                if (attrs.get(key) instanceof String s && !s.isEmpty()) {
                    return s;
                }
            }
        }
        return null;
    }

    private static <T> T required(String key, T value) throws OtlpValues.BadValue {
        if (value == null) {
            throw new OtlpValues.BadValue("it has no " + key);
        }
        return value;
    }

    private static void putText(ObjectNode row, String key, String value) {
        if (value != null) {
            row.put(key, value);
        }
    }

    private static void putCount(ObjectNode row, String key, Long value) {
        if (value != null) {
            row.put(key, value);
        }
    }

    /**
     * The record's identity, for writing a batch sent twice once (OTLP has no idempotency key;
     * exporters retry a batch whose answer they did not get): SHA-256 over its resource, scope,
     * times, event name, body and attributes (Claude Code's {@code event.sequence} and
     * {@code request_id} among them), in a canonical order, after the record's time in hex
     * ({@link #timeOrdered}). The records of a resource share its attributes (one map), whose
     * canonical text is made once per export. Not thread-safe.
     */
    static final class Identities {
        private Map<String, Object> resource;
        private String resourceText;

        String of(OtlpRecords.Log log) {
            if (log.resource() != resource) {
                StringBuilder r = new StringBuilder(256);
                canon(log.resource(), r);
                resource = log.resource();
                resourceText = r.toString();
            }
            StringBuilder b = new StringBuilder(512).append(resourceText);
            return timeOrdered(log.timeNanos() != 0 ? log.timeNanos() : log.observedNanos(), rest(log, b));
        }
    }

    private static StringBuilder rest(OtlpRecords.Log log, StringBuilder b) {
        b.append('\u0001').append(log.scope()).append('\u0001').append(log.timeNanos()).append('\u0001')
                .append(log.observedNanos()).append('\u0001').append(log.eventName()).append('\u0001');
        canon(log.body(), b);
        b.append('\u0001');
        canon(log.attributes(), b);
        return b;
    }

    /** A span's identity: its trace and span ids (unique by definition), name and times. */
    static String identity(OtlpRecords.Span span) {
        return timeOrdered(span.startNanos(), new StringBuilder().append(span.traceId()).append('\u0001')
                .append(span.spanId()).append('\u0001').append(span.name()).append('\u0001').append(span.startNanos())
                .append('\u0001').append(span.endNanos()));
    }

    /**
     * An identity that sorts by time: the time in 16 hex digits, then the text's SHA-256. The
     * keys of one export, inserted into {@code idempotency_keys}' primary-key index, then touch
     * a few neighbouring pages instead of one random page each (bench/otlp.sh: the server
     * wrote 8,261 bytes a record with the bare digest once the index held 400,000 keys, 2,043
     * with this, and took 0.37x the in-process rate instead of 0.17x).
     */
    private static String timeOrdered(long nanos, CharSequence text) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().toHexDigits(nanos) + "-"
                    + HexFormat.of().formatHex(sha.digest(text.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static void canon(Object v, StringBuilder b) {
        if (v instanceof Map<?, ?> m) {
            b.append('{');
            new TreeMap<>(m).forEach((k, x) -> {
                String key = String.valueOf(k);
                b.append(key.length()).append(':').append(key).append('=');
                canon(x, b);
                b.append(';');
            });
            b.append('}');
        } else if (v instanceof List<?> l) {
            b.append('[');
            l.forEach(x -> {
                canon(x, b);
                b.append(',');
            });
            b.append(']');
        } else {
            // The type is part of the value (1 and "1" are different records), and the length:
            // no text can pass for the end of one value and the start of another.
            String text = String.valueOf(v);
            b.append(v == null ? "n" : v.getClass().getSimpleName().charAt(0)).append(text.length()).append(':')
                    .append(text);
        }
    }
}
