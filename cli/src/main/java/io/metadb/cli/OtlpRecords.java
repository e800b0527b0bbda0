package io.metadb.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * OTLP log records as the mapping reads them, from either encoding: protobuf (OTLP's
 * generated messages) or OTLP/JSON (read with Jackson, with its quirks: int64 as a string or a
 * number, ids in hex, field names in lowerCamelCase or as in the .proto, unknown fields
 * ignored). Attribute values become String, Long, Double, Boolean, List, Map, hex text for
 * bytes, or {@link #MALFORMED} for a value that is none of these ({@code {"doubleValue": {}}}):
 * only a record whose mapping needs such a value is refused. Stateless.
 */
final class OtlpRecords {
    /** A value that is not one OTLP allows. */
    static final Object MALFORMED = new Object() {
        @Override
        public String toString() {
            return "(malformed value)";
        }
    };

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** A body that does not decode as the content type says: 400, never retried. */
    static final class Undecodable extends Exception {
        private static final long serialVersionUID = 1L;

        Undecodable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * One log record: its own event name ({@code event_name}, empty if not set), body,
     * attributes, its resource's attributes and scope name, and its times (0 if not set).
     */
    record Log(String eventName, Object body, Map<String, Object> attributes, Map<String, Object> resource,
            String scope, long timeNanos, long observedNanos) {}

    /**
     * One span: its name, times, status ({@code statusError}: its code is ERROR), attributes,
     * its resource's attributes and scope name, and its trace and span ids in hex.
     */
    record Span(String name, long startNanos, long endNanos, boolean statusError, String statusMessage,
            Map<String, Object> attributes, Map<String, Object> resource, String scope, String traceId, String spanId) {}

    private OtlpRecords() {}

    /** The spans of an {@code ExportTraceServiceRequest} in protobuf. */
    static List<Span> spansFromProtobuf(byte[] body) throws Undecodable {
        io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest request;
        try {
            request = io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest.parseFrom(body);
        } catch (InvalidProtocolBufferException e) {
            throw new Undecodable("not an OTLP ExportTraceServiceRequest in protobuf: " + e.getMessage(), e);
        }
        List<Span> out = new ArrayList<>();
        for (var rs : request.getResourceSpansList()) {
            Map<String, Object> resource = attributes(rs.getResource().getAttributesList());
            for (var ss : rs.getScopeSpansList()) {
                String scope = ss.getScope().getName();
                for (var sp : ss.getSpansList()) {
                    out.add(new Span(sp.getName(), sp.getStartTimeUnixNano(), sp.getEndTimeUnixNano(),
                            sp.getStatus().getCode() == io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_ERROR,
                            sp.getStatus().getMessage(), attributes(sp.getAttributesList()), resource, scope,
                            HexFormat.of().formatHex(sp.getTraceId().toByteArray()),
                            HexFormat.of().formatHex(sp.getSpanId().toByteArray())));
                }
            }
        }
        return out;
    }

    /** The spans of an {@code ExportTraceServiceRequest} in OTLP/JSON (ids in hex, the status code an integer or its name). */
    static List<Span> spansFromJson(byte[] body) throws Undecodable {
        List<Span> out = new ArrayList<>();
        eachItem(jsonObject(body, "resourceSpans"), "resourceSpans", "scopeSpans", "spans", (resource, scope, sp) -> {
            JsonNode status = field(sp, "status");
            JsonNode code = field(status, "code");
            boolean error = code != null && (code.asInt(-1) == 2 || "STATUS_CODE_ERROR".equals(code.asText()));
            out.add(new Span(text(field(sp, "name")), nanos(field(sp, "startTimeUnixNano", "start_time_unix_nano")),
                    nanos(field(sp, "endTimeUnixNano", "end_time_unix_nano")), error, text(field(status, "message")),
                    attributes(field(sp, "attributes")), resource, scope, text(field(sp, "traceId", "trace_id")),
                    text(field(sp, "spanId", "span_id"))));
        });
        return out;
    }

    /** The data points of an {@code ExportMetricsServiceRequest} in protobuf (metrics are counted, not stored). */
    static int metricPointsFromProtobuf(byte[] body) throws Undecodable {
        io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest request;
        try {
            request = io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest.parseFrom(body);
        } catch (InvalidProtocolBufferException e) {
            throw new Undecodable("not an OTLP ExportMetricsServiceRequest in protobuf: " + e.getMessage(), e);
        }
        int n = 0;
        for (var rm : request.getResourceMetricsList()) {
            for (var sm : rm.getScopeMetricsList()) {
                for (var m : sm.getMetricsList()) {
                    n += m.getGauge().getDataPointsCount() + m.getSum().getDataPointsCount()
                            + m.getHistogram().getDataPointsCount() + m.getExponentialHistogram().getDataPointsCount()
                            + m.getSummary().getDataPointsCount();
                }
            }
        }
        return n;
    }

    /** The data points of an {@code ExportMetricsServiceRequest} in OTLP/JSON. */
    static int metricPointsFromJson(byte[] body) throws Undecodable {
        int[] n = {0};
        eachItem(jsonObject(body, "resourceMetrics"), "resourceMetrics", "scopeMetrics", "metrics", (resource, scope, m) -> {
            for (String kind : List.of("gauge", "sum", "histogram", "exponentialHistogram", "summary")) {
                n[0] += array(field(m, kind), "dataPoints", "data_points").size();
            }
        });
        return n[0];
    }

    private static JsonNode jsonObject(byte[] body, String member) throws Undecodable {
        JsonNode root;
        try {
            root = MAPPER.readTree(body);
        } catch (IOException e) {
            throw new Undecodable("not valid JSON: " + e.getMessage().lines().findFirst().orElse(""), e);
        }
        if (root == null || !root.isObject()) {
            throw new Undecodable("an OTLP/JSON body is an object holding " + member, null);
        }
        return root;
    }

    /** The records of an {@code ExportLogsServiceRequest} in protobuf. */
    static List<Log> logsFromProtobuf(byte[] body) throws Undecodable {
        ExportLogsServiceRequest request;
        try {
            request = ExportLogsServiceRequest.parseFrom(body);
        } catch (InvalidProtocolBufferException e) {
            throw new Undecodable("not an OTLP ExportLogsServiceRequest in protobuf: " + e.getMessage(), e);
        }
        List<Log> out = new ArrayList<>();
        for (ResourceLogs rl : request.getResourceLogsList()) {
            Map<String, Object> resource = attributes(rl.getResource().getAttributesList());
            for (ScopeLogs sl : rl.getScopeLogsList()) {
                String scope = sl.getScope().getName();
                for (LogRecord r : sl.getLogRecordsList()) {
                    out.add(new Log(r.getEventName(), r.hasBody() ? value(r.getBody()) : null,
                            attributes(r.getAttributesList()), resource, scope, r.getTimeUnixNano(),
                            r.getObservedTimeUnixNano()));
                }
            }
        }
        return out;
    }

    private static Map<String, Object> attributes(List<KeyValue> kvs) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (KeyValue kv : kvs) {
            out.put(kv.getKey(), kv.hasValue() ? value(kv.getValue()) : null);
        }
        return out;
    }

    private static Object value(AnyValue v) {
        return switch (v.getValueCase()) {
            case STRING_VALUE -> v.getStringValue();
            case BOOL_VALUE -> v.getBoolValue();
            case INT_VALUE -> v.getIntValue();
            case DOUBLE_VALUE -> v.getDoubleValue();
            case BYTES_VALUE -> HexFormat.of().formatHex(v.getBytesValue().toByteArray());
            case ARRAY_VALUE -> v.getArrayValue().getValuesList().stream().map(OtlpRecords::value).toList();
            case KVLIST_VALUE -> attributes(v.getKvlistValue().getValuesList());
            case VALUE_NOT_SET -> null;
            default -> MALFORMED; // a kind this receiver does not know (a later OTLP's)
        };
    }

    /** The records of an {@code ExportLogsServiceRequest} in OTLP/JSON. */
    static List<Log> logsFromJson(byte[] body) throws Undecodable {
        List<Log> out = new ArrayList<>();
        eachItem(jsonObject(body, "resourceLogs"), "resourceLogs", "scopeLogs", "logRecords", (resource, scope, r) -> {
            JsonNode b = field(r, "body");
            out.add(new Log(text(field(r, "eventName", "event_name")), b == null || b.isNull() ? null : value(b),
                    attributes(field(r, "attributes")), resource, scope,
                    nanos(field(r, "timeUnixNano", "time_unix_nano")),
                    nanos(field(r, "observedTimeUnixNano", "observed_time_unix_nano"))));
        });
        return out;
    }

    /** What is done with each item of an OTLP/JSON export, given its resource's attributes and its scope's name. */
    private interface JsonItem {
        void take(Map<String, Object> resource, String scope, JsonNode item) throws Undecodable;
    }

    /**
     * Walks an OTLP/JSON export: resources, their scopes, the scopes' items, each member named
     * in lowerCamelCase or as in the .proto ({@code resourceLogs} or {@code resource_logs}).
     */
    private static void eachItem(JsonNode root, String resources, String scopes, String items, JsonItem each)
            throws Undecodable {
        for (JsonNode r : array(root, resources, snake(resources))) {
            Map<String, Object> resource = attributes(field(field(r, "resource"), "attributes"));
            for (JsonNode sc : array(r, scopes, snake(scopes))) {
                String scope = text(field(field(sc, "scope"), "name"));
                for (JsonNode item : array(sc, items, snake(items))) {
                    each.take(resource, scope, item);
                }
            }
        }
    }

    private static String snake(String camel) {
        return camel.replaceAll("([A-Z])", "_$1").toLowerCase(java.util.Locale.ROOT);
    }

    private static JsonNode field(JsonNode node, String... names) {
        if (node == null || !node.isObject()) {
            return null;
        }
        for (String n : names) {
            JsonNode v = node.get(n);
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    private static List<JsonNode> array(JsonNode node, String... names) throws Undecodable {
        JsonNode a = field(node, names);
        if (a == null || a.isNull()) {
            return List.of();
        }
        if (!a.isArray()) {
            throw new Undecodable(names[0] + " is an array", null);
        }
        List<JsonNode> out = new ArrayList<>();
        a.forEach(out::add);
        return out;
    }

    private static String text(JsonNode n) {
        return n == null || n.isNull() ? "" : n.asText();
    }

    /** A fixed64 time: a number or a decimal string; 0 when absent or not one. */
    private static long nanos(JsonNode n) {
        if (n == null || n.isNull()) {
            return 0;
        }
        if (n.isIntegralNumber()) {
            return n.asLong();
        }
        try {
            return n.isTextual() ? Long.parseUnsignedLong(n.asText()) : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static Map<String, Object> attributes(JsonNode kvs) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (kvs == null || !kvs.isArray()) {
            return out;
        }
        for (JsonNode kv : kvs) {
            JsonNode key = field(kv, "key");
            if (key != null && key.isTextual()) {
                JsonNode v = field(kv, "value");
                out.put(key.asText(), v == null || v.isNull() ? null : value(v));
            }
        }
        return out;
    }

    /** An int64 ({@code integral}) or a double: a JSON number or a decimal string; {@link #MALFORMED} otherwise. */
    private static Object number(JsonNode n, boolean integral) {
        try {
            if (integral) {
                return n.isIntegralNumber() && n.canConvertToLong() ? (Object) n.asLong()
                        : n.isTextual() ? (Object) Long.parseLong(n.asText()) : MALFORMED;
            }
            return n.isNumber() ? (Object) n.asDouble() : n.isTextual() ? (Object) Double.parseDouble(n.asText()) : MALFORMED;
        } catch (NumberFormatException e) {
            return MALFORMED;
        }
    }

    /** An AnyValue in OTLP/JSON. */
    private static Object value(JsonNode v) {
        if (!v.isObject()) {
            return MALFORMED;
        }
        JsonNode s = field(v, "stringValue", "string_value");
        if (s != null) {
            return s.isTextual() ? s.asText() : MALFORMED;
        }
        JsonNode b = field(v, "boolValue", "bool_value");
        if (b != null) {
            return b.isBoolean() ? b.asBoolean() : MALFORMED;
        }
        JsonNode i = field(v, "intValue", "int_value");
        if (i != null) {
            return number(i, true);
        }
        JsonNode d = field(v, "doubleValue", "double_value");
        if (d != null) {
            return number(d, false);
        }
        JsonNode a = field(v, "arrayValue", "array_value");
        if (a != null) {
            JsonNode values = field(a, "values");
            List<Object> out = new ArrayList<>();
            if (values != null && values.isArray()) {
                values.forEach(x -> out.add(value(x)));
            }
            return out;
        }
        JsonNode kv = field(v, "kvlistValue", "kvlist_value");
        if (kv != null) {
            return attributes(field(kv, "values"));
        }
        JsonNode bytes = field(v, "bytesValue", "bytes_value");
        if (bytes != null) {
            try {
                return HexFormat.of().formatHex(java.util.Base64.getDecoder().decode(bytes.asText()));
            } catch (IllegalArgumentException e) {
                return MALFORMED;
            }
        }
        return v.isEmpty() ? null : MALFORMED;
    }
}
