package io.metadb.cli;

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

    /** What {@code log} becomes; {@code arrival}: the time used when the record carries none. */
    static Outcome map(OtlpRecords.Log log, Instant arrival) {
        String event = eventName(log);
        try {
            return switch (event) {
                case "claude_code.api_request" -> row("token_usage", event, log, arrival, claudeRequest(log));
                case "claude_code.tool_result" -> row("tool_use_events", event, log, arrival, claudeTool(log));
                case "claude_code.api_error" -> row("api_errors", event, log, arrival, claudeError(log));
                default -> new Skipped(event.isEmpty() ? "(no event name)" : event);
            };
        } catch (BadValue e) {
            return new Refused(event, e.getMessage());
        }
    }

    private static ObjectNode claudeRequest(OtlpRecords.Log log) throws BadValue {
        Map<String, Object> a = log.attributes();
        ObjectNode row = MAPPER.createObjectNode();
        row.put("agent", agent(log));
        putText(row, "session_id", session(log));
        row.put("provider", "anthropic");
        row.put("model", required(a, "model", text(a, "model")));
        row.put("input_tokens", required(a, "input_tokens", count(a, "input_tokens")));
        row.put("output_tokens", required(a, "output_tokens", count(a, "output_tokens")));
        putCount(row, "cache_read_tokens", count(a, "cache_read_tokens"));
        putCount(row, "cache_write_tokens", count(a, "cache_creation_tokens"));
        row.put("cost_usd", required(a, "cost_usd", number(a, "cost_usd")));
        putCount(row, "duration_ms", count(a, "duration_ms"));
        return row;
    }

    private static ObjectNode claudeTool(OtlpRecords.Log log) throws BadValue {
        Map<String, Object> a = log.attributes();
        ObjectNode row = MAPPER.createObjectNode();
        row.put("agent", agent(log));
        row.put("tool", required(a, "tool_name", text(a, "tool_name")));
        row.put("duration_ms", required(a, "duration_ms", count(a, "duration_ms")));
        row.put("ok", required(a, "success", bool(a, "success")));
        String error = text(a, "error");
        if (error != null && !error.isEmpty()) {
            row.put("error", error);
        }
        return row;
    }

    private static ObjectNode claudeError(OtlpRecords.Log log) throws BadValue {
        Map<String, Object> a = log.attributes();
        ObjectNode row = MAPPER.createObjectNode();
        row.put("agent", agent(log));
        row.put("provider", "anthropic");
        row.put("model", required(a, "model", text(a, "model")));
        row.put("error", required(a, "error", text(a, "error")));
        putCount(row, "status_code", count(a, "status_code"));
        putCount(row, "duration_ms", count(a, "duration_ms"));
        putCount(row, "attempt", count(a, "attempt"));
        return row;
    }

    private static Row row(String table, String event, OtlpRecords.Log log, Instant arrival, ObjectNode payload) {
        long nanos = log.timeNanos() != 0 ? log.timeNanos() : log.observedNanos();
        Instant ts = nanos != 0 ? Instant.ofEpochSecond(Long.divideUnsigned(nanos, 1_000_000_000L),
                Long.remainderUnsigned(nanos, 1_000_000_000L)) : arrival;
        ObjectNode line = MAPPER.createObjectNode();
        line.put("ts", Timestamps.format(ts));
        line.setAll(payload);
        return new Row(table, event, line.toString());
    }

    /** The agent: {@code metadb.agent} (record, then resource), else {@code service.instance.id}, else {@code service.name}. */
    static String agent(OtlpRecords.Log log) {
        for (Map<String, Object> attrs : List.of(log.attributes(), log.resource())) {
            if (attrs.get("metadb.agent") instanceof String s && !s.isEmpty()) {
                return s;
            }
        }
        for (String key : List.of("service.instance.id", "service.name")) {
            for (Map<String, Object> attrs : List.of(log.attributes(), log.resource())) {
                if (attrs.get(key) instanceof String s && !s.isEmpty()) {
                    return s;
                }
            }
        }
        return "unknown";
    }

    static String session(OtlpRecords.Log log) {
        for (String key : List.of("session.id", "conversation.id", "gen_ai.conversation.id")) {
            if (log.attributes().get(key) instanceof String s && !s.isEmpty()) {
                return s;
            }
        }
        return null;
    }

    /** A value the mapping cannot use: the record is refused alone. */
    static final class BadValue extends Exception {
        private static final long serialVersionUID = 1L;

        BadValue(String message) {
            super(message);
        }
    }

    private static <T> T required(Map<String, Object> a, String key, T value) throws BadValue {
        if (value == null) {
            throw new BadValue("it has no " + key);
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

    private static String text(Map<String, Object> a, String key) throws BadValue {
        Object v = a.get(key);
        if (v == null) {
            return null;
        }
        if (v instanceof String s) {
            return s;
        }
        if (v instanceof Long || v instanceof Double || v instanceof Boolean) {
            return String.valueOf(v);
        }
        throw new BadValue(key + " is " + describe(v) + ", not text");
    }

    /** A whole number given as a number or as its digits (senders differ: Claude Code before 2.1.122 sent strings). */
    private static Long count(Map<String, Object> a, String key) throws BadValue {
        Object v = a.get(key);
        if (v == null || v instanceof Long) {
            return (Long) v;
        }
        if (v instanceof String s) {
            try {
                return Long.parseLong(s.strip());
            } catch (NumberFormatException e) {
                // perhaps "12.0": below
            }
        }
        Double d = numeric(v);
        if (d != null && d == Math.rint(d) && Math.abs(d) < 1e15) {
            return d.longValue();
        }
        throw new BadValue(key + " is " + describe(v) + ", not a whole number");
    }

    private static Double number(Map<String, Object> a, String key) throws BadValue {
        Object v = a.get(key);
        if (v == null) {
            return null;
        }
        Double d = numeric(v);
        if (d == null) {
            throw new BadValue(key + " is " + describe(v) + ", not a number");
        }
        return d;
    }

    /** A finite number given as a number or as its text, else null. */
    private static Double numeric(Object v) {
        if (v instanceof Long l) {
            return l.doubleValue();
        }
        if (v instanceof Double d) {
            return Double.isFinite(d) ? d : null;
        }
        if (v instanceof String s) {
            try {
                double d = Double.parseDouble(s.strip());
                return Double.isFinite(d) ? d : null;
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    private static Boolean bool(Map<String, Object> a, String key) throws BadValue {
        Object v = a.get(key);
        if (v == null) {
            return null;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
            return Boolean.parseBoolean(s);
        }
        throw new BadValue(key + " is " + describe(v) + ", not true or false");
    }

    private static String describe(Object v) {
        if (v == OtlpRecords.MALFORMED) {
            return "malformed";
        }
        String s = v instanceof String t ? com.fasterxml.jackson.databind.node.TextNode.valueOf(t).toString() : String.valueOf(v);
        return Output.printable(s.length() > 40 ? s.substring(0, 40) + "…" : s);
    }

    /**
     * The record's identity, for writing a batch sent twice once (OTLP has no idempotency key;
     * exporters retry a batch whose answer they did not get): SHA-256 over its resource, scope,
     * times, event name, body and attributes (Claude Code's {@code event.sequence} and
     * {@code request_id} among them), in a canonical order.
     */
    static String identity(OtlpRecords.Log log) {
        StringBuilder b = new StringBuilder(512);
        canon(new TreeMap<>(log.resource()), b);
        b.append('\u0001').append(log.scope()).append('\u0001').append(log.timeNanos()).append('\u0001')
                .append(log.observedNanos()).append('\u0001').append(log.eventName()).append('\u0001');
        canon(log.body(), b);
        b.append('\u0001');
        canon(new TreeMap<>(log.attributes()), b);
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(b.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static void canon(Object v, StringBuilder b) {
        if (v instanceof Map<?, ?> m) {
            b.append('{');
            new TreeMap<>(m).forEach((k, x) -> {
                b.append(k).append('=');
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
            // The type is part of the value: 1 and "1" are different records.
            b.append(v == null ? "n" : v.getClass().getSimpleName().charAt(0)).append(':').append(v);
        }
    }
}
