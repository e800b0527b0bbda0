package io.metadb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.metadb.cli.InProcess.Run;
import io.metadb.migrations.testing.Sql;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.export.BatchLogRecordProcessor;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OTLP/HTTP receiver (SPEC §7) against a real server process: Claude-Code-shaped log
 * records sent by the OpenTelemetry Java SDK's own OTLP exporter (protobuf, gzip), and bodies
 * written here for OTLP/JSON with its quirks; partial success, a batch sent twice, and every
 * refusal with its status.
 */
class OtlpIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SCOPE = "com.anthropic.claude_code.events";

    @TempDir
    static Path dir;

    private static Path metadb;
    private static Path cache;
    private static Path db;
    private static Process server;
    private static Discovery d;

    @BeforeAll
    static void start() throws Exception {
        Path home = Installed.unpack(dir);
        metadb = home.resolve("bin/metadb");
        cache = dir.resolve("cache");
        db = dir.resolve("otlp.db");
        Run made = new Launched(metadb, cache, dir).run(Map.of("METADB_NO_SERVER", "1"), (Path) null, "--db", db.toString(),
                "migrate");
        assertThat(made.code()).as(made.err()).isZero();
        server = new Launched(metadb, cache, dir).serve(db);
        d = Discovery.read(db);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.destroy();
            server.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static String value(String sql) {
        return Sql.value(db, sql);
    }

    /** Claude Code's events as its exporter sends them: body and event.name, every number a string (before 2.1.122). */
    @Test
    void claudeCodeEventsFromTheSdkExporterLandAsRows() throws Exception {
        OtlpHttpLogRecordExporter exporter = OtlpHttpLogRecordExporter.builder()
                .setEndpoint("http://127.0.0.1:" + d.port() + "/v1/logs")
                .addHeader("Authorization", "Bearer " + d.writeToken()).setCompression("gzip").build();
        SdkLoggerProvider provider = SdkLoggerProvider.builder()
                .setResource(io.opentelemetry.sdk.resources.Resource.create(Attributes.of(
                        AttributeKey.stringKey("service.name"), "claude-code",
                        AttributeKey.stringKey("metadb.agent"), "agent-sdk")))
                .addLogRecordProcessor(BatchLogRecordProcessor.builder(exporter).build()).build();
        try {
            Logger logger = provider.get(SCOPE);
            Instant t = Instant.parse("2026-11-30T10:00:00.123Z");
            logger.logRecordBuilder().setTimestamp(t).setBody("claude_code.api_request")
                    .setAllAttributes(Attributes.builder().put("event.name", "api_request")
                            .put("session.id", "s-1").put("model", "claude-sonnet-4-5").put("input_tokens", "1200")
                            .put("output_tokens", "340").put("cache_read_tokens", "5000").put("cache_creation_tokens", "800")
                            .put("cost_usd", "0.0123").put("duration_ms", "2100").put("event.sequence", 1L).build())
                    .emit();
            logger.logRecordBuilder().setTimestamp(t.plusSeconds(1)).setBody("claude_code.api_request")
                    .setAllAttributes(Attributes.builder().put("event.name", "api_request")
                            .put("session.id", "s-1").put("model", "claude-opus-4-1").put("input_tokens", 10L)
                            .put("output_tokens", 20L).put("cost_usd", 0.5).put("event.sequence", 2L).build())
                    .emit();
            logger.logRecordBuilder().setTimestamp(t.plusSeconds(2)).setBody("claude_code.tool_result")
                    .setAllAttributes(Attributes.builder().put("event.name", "tool_result").put("tool_name", "Bash")
                            .put("success", "false").put("duration_ms", "45").put("error", "exit 1")
                            .put("event.sequence", 3L).build())
                    .emit();
            logger.logRecordBuilder().setTimestamp(t.plusSeconds(3)).setBody("claude_code.api_error")
                    .setAllAttributes(Attributes.builder().put("event.name", "api_error").put("model", "claude-opus-4-1")
                            .put("error", "overloaded").put("status_code", "529").put("duration_ms", "900")
                            .put("attempt", "2").put("event.sequence", 4L).build())
                    .emit();
            logger.logRecordBuilder().setTimestamp(t.plusSeconds(4)).setBody("claude_code.user_prompt")
                    .setAllAttributes(Attributes.builder().put("event.name", "user_prompt").put("prompt_length", "12")
                            .build())
                    .emit();
            assertThat(provider.forceFlush().join(30, TimeUnit.SECONDS).isSuccess()).as("the export was answered 2xx").isTrue();
        } finally {
            provider.shutdown().join(30, TimeUnit.SECONDS);
        }
        String agent = "json_extract(row_json, '$.agent') = 'agent-sdk'";
        assertThat(value("SELECT group_concat(ts || ' ' || model || ' ' || input_tokens || ' ' || output_tokens || ' '"
                + " || ifnull(cache_read_tokens, '-') || ' ' || ifnull(cache_write_tokens, '-') || ' ' || cost_usd || ' '"
                + " || ifnull(duration_ms, '-') || ' ' || json_extract(row_json, '$.session_id') || ' '"
                + " || json_extract(row_json, '$.provider'), '|') FROM (SELECT * FROM token_usage WHERE " + agent
                + " ORDER BY ts)"))
                .isEqualTo("2026-11-30T10:00:00.123Z claude-sonnet-4-5 1200 340 5000 800 0.0123 2100 s-1 anthropic"
                        + "|2026-11-30T10:00:01.123Z claude-opus-4-1 10 20 - - 0.5 - s-1 anthropic");
        assertThat(value("SELECT json_extract(row_json, '$.tool') || ' ' || json_extract(row_json, '$.ok') || ' '"
                + " || json_extract(row_json, '$.duration_ms') || ' ' || json_extract(row_json, '$.error')"
                + " FROM tool_use_events WHERE " + agent)).isEqualTo("Bash 0 45 exit 1");
        assertThat(value("SELECT ts || ' ' || json_extract(row_json, '$.model') || ' ' || json_extract(row_json, '$.error')"
                + " || ' ' || json_extract(row_json, '$.status_code') || ' ' || json_extract(row_json, '$.attempt')"
                + " || ' ' || json_extract(row_json, '$.provider') FROM api_errors WHERE " + agent))
                .isEqualTo("2026-11-30T10:00:03.123Z claude-opus-4-1 overloaded 529 2 anthropic");
        // cost adds them up exactly as sent.
        Run cost = new Launched(metadb, cache, dir).run(Map.of("METADB_NO_SERVER", "1"), (Path) null, "--db", db.toString(),
                "--now", "2026-11-30T12:00:00Z", "cost", "--by", "model", "--since", "7d", "--json");
        assertThat(cost.code()).as(cost.err()).isZero();
        JsonNode models = JSON.readTree(cost.out());
        Map<String, Double> byModel = new java.util.TreeMap<>();
        models.forEach(m -> byModel.put(m.get("model").asText(), m.get("cost_usd").asDouble()));
        assertThat(byModel).containsEntry("claude-sonnet-4-5", 0.0123).containsEntry("claude-opus-4-1", 0.5);
    }

    private static KeyValue kv(String key, String v) {
        return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(v)).build();
    }

    private static KeyValue kv(String key, long v) {
        return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setIntValue(v)).build();
    }

    private static byte[] requestOf(String agent, LogRecord... records) {
        return ExportLogsServiceRequest.newBuilder().addResourceLogs(ResourceLogs.newBuilder()
                .setResource(Resource.newBuilder().addAttributes(kv("service.name", "claude-code"))
                        .addAttributes(kv("metadb.agent", agent)))
                .addScopeLogs(ScopeLogs.newBuilder().setScope(
                        io.opentelemetry.proto.common.v1.InstrumentationScope.newBuilder().setName(SCOPE))
                        .addAllLogRecords(java.util.List.of(records)))).build().toByteArray();
    }

    private static LogRecord apiRequest(long nanos, String model, long cost) {
        return LogRecord.newBuilder().setTimeUnixNano(nanos).setBody(AnyValue.newBuilder()
                .setStringValue("claude_code.api_request")).addAttributes(kv("event.name", "api_request"))
                .addAttributes(kv("model", model)).addAttributes(kv("input_tokens", 1)).addAttributes(kv("output_tokens", 2))
                .addAttributes(kv("cost_usd", String.valueOf(cost))).build();
    }

    private static HttpResponse<byte[]> post(String token, String type, String encoding, byte[] body) throws Exception {
        return post(token, type, encoding, body, "/v1/logs");
    }

    private static HttpResponse<byte[]> post(String token, String type, String encoding, byte[] body, String path)
            throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + d.port() + path))
                .header("Content-Type", type).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (token != null) {
            r.header("Authorization", "Bearer " + token);
        }
        if (encoding != null) {
            r.header("Content-Encoding", encoding);
        }
        return HttpClient.newHttpClient().send(r.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(bytes);
        }
        return out.toByteArray();
    }

    @Test
    void aBatchSentTwiceWritesItsRowsOnce() throws Exception {
        byte[] body = requestOf("agent-replay", apiRequest(1_764_496_800_000_000_000L, "m-replay", 1),
                apiRequest(1_764_496_801_000_000_000L, "m-replay", 2));
        for (int i = 0; i < 3; i++) {
            HttpResponse<byte[]> r = post(d.writeToken(), "application/x-protobuf", i == 1 ? "gzip" : null,
                    i == 1 ? gzip(body) : body);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(ExportLogsServiceResponse.parseFrom(r.body()).hasPartialSuccess()).isFalse();
        }
        assertThat(value("SELECT count(*) || ' ' || sum(cost_usd) FROM token_usage WHERE model = 'm-replay'"))
                .isEqualTo("2 3.0");
    }

    /** OTLP/JSON as the npm exporters and hand-written senders send it. */
    @Test
    void jsonWithItsQuirksAndAMalformedRecordRefusedAlone() throws Exception {
        String body = """
                {"resourceLogs": [{"resource": {"attributes": [
                    {"key": "service.name", "value": {"stringValue": "claude-code"}},
                    {"key": "metadb.agent", "value": {"stringValue": "agent-json"}}]},
                  "schemaUrl": "https://opentelemetry.io/schemas/1.26.0",
                  "scopeLogs": [{"scope": {"name": "com.anthropic.claude_code.events", "version": "2.0.1"},
                    "logRecords": [
                      {"timeUnixNano": "1764496800000000000", "observedTimeUnixNano": 1764496800500000000,
                       "severityNumber": 9, "traceId": "5b8efff798038103d269b633813fc60c", "spanId": "eee19b7ec3c1b174",
                       "body": {"stringValue": "claude_code.api_request"}, "futureField": {"x": 1},
                       "attributes": [{"key": "event.name", "value": {"stringValue": "api_request"}},
                         {"key": "model", "value": {"stringValue": "m-json"}},
                         {"key": "input_tokens", "value": {"intValue": "100"}},
                         {"key": "output_tokens", "value": {"intValue": 7}},
                         {"key": "cost_usd", "value": {"doubleValue": 0.25}}]},
                      {"observedTimeUnixNano": "1764496801000000000",
                       "body": {"stringValue": "claude_code.api_request"},
                       "attributes": [{"key": "event.name", "value": {"stringValue": "api_request"}},
                         {"key": "model", "value": {"stringValue": "m-json"}},
                         {"key": "input_tokens", "value": {"intValue": "1"}},
                         {"key": "output_tokens", "value": {"intValue": "1"}},
                         {"key": "cost_usd", "value": {"doubleValue": {}}}]},
                      {"timeUnixNano": "1764496802000000000", "eventName": "claude_code.tool_result",
                       "attributes": [{"key": "tool_name", "value": {"stringValue": "Read"}},
                         {"key": "success", "value": {"boolValue": true}},
                         {"key": "duration_ms", "value": {"intValue": "3"}}]},
                      {"timeUnixNano": "1764496803000000000", "body": {"stringValue": "claude_code.user_prompt"}}
                    ]}]}]}
                """;
        HttpResponse<byte[]> r = post(d.writeToken(), "application/json", null, body.getBytes(StandardCharsets.UTF_8));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode answer = JSON.readTree(r.body());
        assertThat(answer.at("/partialSuccess/rejectedLogRecords").asText()).isEqualTo("1");
        assertThat(answer.at("/partialSuccess/errorMessage").asText())
                .contains("record 2 (claude_code.api_request): cost_usd is malformed, not a number")
                .contains("not stored: 1 of events metadb does not map (claude_code.user_prompt x1)");
        assertThat(value("SELECT group_concat(ts || ' ' || input_tokens || ' ' || output_tokens || ' ' || cost_usd, '|')"
                + " FROM token_usage WHERE model = 'm-json'")).isEqualTo("2025-11-30T10:00:00.000Z 100 7 0.25");
        assertThat(value("SELECT json_extract(row_json, '$.tool') || ' ' || json_extract(row_json, '$.ok')"
                + " FROM tool_use_events WHERE json_extract(row_json, '$.agent') = 'agent-json'")).isEqualTo("Read 1");
    }

    @Test
    void everyRefusalHasItsStatusAndWritesNothing() throws Exception {
        byte[] body = requestOf("agent-refused", apiRequest(1_764_496_900_000_000_000L, "m-refused", 1));
        assertThat(post(null, "application/x-protobuf", null, body).statusCode()).isEqualTo(401);
        assertThat(post(d.token(), "application/x-protobuf", null, body).statusCode()).isEqualTo(403);
        assertThat(post(d.writeToken(), "text/plain", null, body).statusCode()).isEqualTo(415);
        assertThat(post(d.writeToken(), "application/x-protobuf", "br", body).statusCode()).isEqualTo(415);
        HttpResponse<byte[]> garbage = post(d.writeToken(), "application/x-protobuf", null, new byte[] {(byte) 0xff, 1, 2});
        assertThat(garbage.statusCode()).isEqualTo(400);
        assertThat(new String(garbage.body(), StandardCharsets.UTF_8)).contains("not an OTLP ExportLogsServiceRequest");
        assertThat(post(d.writeToken(), "application/json", null, "{\"resourceLogs\": ".getBytes(StandardCharsets.UTF_8))
                .statusCode()).isEqualTo(400);
        assertThat(post(d.writeToken(), "application/x-protobuf", "gzip", new byte[] {1, 2, 3}).statusCode()).isEqualTo(400);
        // A small gzip that decompresses past the limit: refused once the limit is passed.
        HttpResponse<byte[]> bomb = post(d.writeToken(), "application/x-protobuf", "gzip",
                gzip(new byte[OtlpReceiver.MAX_DECODED_BYTES + 1]));
        assertThat(bomb.statusCode()).isEqualTo(413);
        assertThat(value("SELECT count(*) FROM token_usage WHERE model = 'm-refused'")).isEqualTo("0");
        // An empty export is a success.
        HttpResponse<byte[]> empty = post(d.writeToken(), "application/x-protobuf", null, new byte[0]);
        assertThat(empty.statusCode()).isEqualTo(200);
        assertThat(ExportLogsServiceResponse.parseFrom(empty.body()).hasPartialSuccess()).isFalse();
        HttpResponse<byte[]> emptyJson = post(d.writeToken(), "application/json", null, "{}".getBytes(StandardCharsets.UTF_8));
        assertThat(emptyJson.statusCode()).isEqualTo(200);
        assertThat(new String(emptyJson.body(), StandardCharsets.UTF_8)).isEqualTo("{}");
    }
    private static double number(String sql) {
        return Double.parseDouble(value(sql));
    }

    /** Codex's events as its exporter sends them: Display fields as strings, the rest as integers. */
    @Test
    void codexAndGeminiEventsLandWithCostsFromThePriceTable() throws Exception {
        OtlpHttpLogRecordExporter exporter = OtlpHttpLogRecordExporter.builder()
                .setEndpoint("http://127.0.0.1:" + d.port() + "/v1/logs")
                .addHeader("Authorization", "Bearer " + d.writeToken()).build();
        SdkLoggerProvider provider = SdkLoggerProvider.builder()
                .setResource(io.opentelemetry.sdk.resources.Resource.create(Attributes.of(
                        AttributeKey.stringKey("service.name"), "codex_cli_rs",
                        AttributeKey.stringKey("metadb.agent"), "agent-codex")))
                .addLogRecordProcessor(BatchLogRecordProcessor.builder(exporter).build()).build();
        Instant t = Instant.parse("2026-11-30T11:00:00Z");
        try {
            Logger codex = provider.get("codex_otel");
            codex.logRecordBuilder().setTimestamp(t).setAllAttributes(Attributes.builder()
                    .put("event.name", "codex.sse_event").put("event.kind", "response.completed")
                    .put("conversation.id", "c-1").put("model", "gpt-5-codex").put("slug", "gpt-5-codex")
                    .put("input_token_count", "1200").put("output_token_count", "340").put("cached_token_count", 1000L)
                    .put("reasoning_token_count", 64L).put("tool_token_count", "0").build()).emit();
            codex.logRecordBuilder().setTimestamp(t.plusSeconds(1)).setAllAttributes(Attributes.builder()
                    .put("event.name", "codex.sse_event").put("event.kind", "response.created").put("model", "gpt-5-codex")
                    .put("duration_ms", "3").build()).emit();
            codex.logRecordBuilder().setTimestamp(t.plusSeconds(2)).setAllAttributes(Attributes.builder()
                    .put("event.name", "codex.tool_result").put("model", "gpt-5-codex").put("tool_name", "shell")
                    .put("call_id", "call-1").put("duration_ms", "120").put("success", "false").put("output", "exit 2")
                    .build()).emit();
            codex.logRecordBuilder().setTimestamp(t.plusSeconds(3)).setAllAttributes(Attributes.builder()
                    .put("event.name", "codex.api_request").put("model", "gpt-5-codex").put("duration_ms", "800")
                    .put("http.response.status_code", 429L).put("error.message", "rate limited").put("attempt", 2L)
                    .build()).emit();
            codex.logRecordBuilder().setTimestamp(t.plusSeconds(4)).setAllAttributes(Attributes.builder()
                    .put("event.name", "codex.api_request").put("model", "gpt-5-codex").put("duration_ms", "700")
                    .put("http.response.status_code", 200L).put("attempt", 1L).build()).emit();
            Logger gemini = provider.get("gemini-cli");
            gemini.logRecordBuilder().setTimestamp(t.plusSeconds(5)).setBody("API response from gemini-2.5-pro")
                    .setAllAttributes(Attributes.builder().put("event.name", "gemini_cli.api_response")
                            .put("session.id", "g-1").put("metadb.agent", "agent-gemini").put("model", "gemini-2.5-pro")
                            .put("status_code", 200L).put("duration_ms", 1500L).put("input_token_count", 1000L)
                            .put("output_token_count", 50L).put("cached_content_token_count", 200L)
                            .put("thoughts_token_count", 30L).put("tool_token_count", 0L).put("total_token_count", 1080L)
                            .build()).emit();
            gemini.logRecordBuilder().setTimestamp(t.plusSeconds(6)).setAllAttributes(Attributes.builder()
                    .put("event.name", "gemini_cli.tool_call").put("metadb.agent", "agent-gemini")
                    .put("function_name", "read_file").put("success", true).put("duration_ms", 9L).build()).emit();
            gemini.logRecordBuilder().setTimestamp(t.plusSeconds(7)).setAllAttributes(Attributes.builder()
                    .put("event.name", "gemini_cli.api_error").put("metadb.agent", "agent-gemini")
                    .put("model", "gemini-2.5-pro").put("error", "quota exceeded").put("status_code", 429L)
                    .put("duration_ms", 40L).build()).emit();
            gemini.logRecordBuilder().setTimestamp(t.plusSeconds(8)).setAllAttributes(Attributes.builder()
                    .put("event.name", "gemini_cli.api_response").put("metadb.agent", "agent-gemini")
                    .put("model", "gemini-9-unpriced").put("input_token_count", 1L).put("output_token_count", 1L)
                    .build()).emit();
            assertThat(provider.forceFlush().join(30, TimeUnit.SECONDS).isSuccess()).isTrue();
        } finally {
            provider.shutdown().join(30, TimeUnit.SECONDS);
        }
        // Codex: 1,200 input of which 1,000 cached; gpt-5-codex at 1.25e-6 / 1e-5 / 1.25e-7 per token.
        assertThat(value("SELECT input_tokens || ' ' || output_tokens || ' ' || cache_read_tokens || ' '"
                + " || json_extract(row_json, '$.provider') || ' ' || json_extract(row_json, '$.session_id')"
                + " FROM token_usage WHERE model = 'gpt-5-codex'")).isEqualTo("200 340 1000 openai c-1");
        assertThat(number("SELECT cost_usd FROM token_usage WHERE model = 'gpt-5-codex'"))
                .isCloseTo(200 * 1.25e-6 + 340 * 1e-5 + 1000 * 1.25e-7, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(value("SELECT json_extract(row_json, '$.tool') || ' ' || json_extract(row_json, '$.ok') || ' '"
                + " || json_extract(row_json, '$.duration_ms') || ' ' || json_extract(row_json, '$.error')"
                + " FROM tool_use_events WHERE json_extract(row_json, '$.agent') = 'agent-codex'")).isEqualTo("shell 0 120 exit 2");
        assertThat(value("SELECT count(*) || ' ' || group_concat(json_extract(row_json, '$.error') || ' '"
                + " || json_extract(row_json, '$.status_code') || ' ' || json_extract(row_json, '$.attempt'))"
                + " FROM api_errors WHERE json_extract(row_json, '$.agent') = 'agent-codex'")).isEqualTo("1 rate limited 429 2");
        // Gemini: 1,000 input of which 200 cached; 50 output and 30 of thinking, billed as output.
        assertThat(value("SELECT input_tokens || ' ' || output_tokens || ' ' || cache_read_tokens || ' '"
                + " || json_extract(row_json, '$.provider') || ' ' || duration_ms FROM token_usage"
                + " WHERE model = 'gemini-2.5-pro'")).isEqualTo("800 80 200 google 1500");
        assertThat(number("SELECT cost_usd FROM token_usage WHERE model = 'gemini-2.5-pro'"))
                .isCloseTo(800 * 1.25e-6 + 80 * 1e-5 + 200 * 1.25e-7, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(value("SELECT json_extract(row_json, '$.tool') || ' ' || json_extract(row_json, '$.ok')"
                + " FROM tool_use_events WHERE json_extract(row_json, '$.agent') = 'agent-gemini'")).isEqualTo("read_file 1");
        assertThat(value("SELECT json_extract(row_json, '$.error') || ' ' || json_extract(row_json, '$.provider')"
                + " FROM api_errors WHERE json_extract(row_json, '$.agent') = 'agent-gemini'")).isEqualTo("quota exceeded google");
        assertThat(value("SELECT count(*) FROM token_usage WHERE model = 'gemini-9-unpriced'"))
                .as("a model without a price is refused, never stored at 0").isEqualTo("0");
    }

    @Test
    void anUnpricedModelIsRefusedNamingIt() throws Exception {
        String body = """
                {"resourceLogs": [{"resource": {"attributes": [{"key": "metadb.agent", "value": {"stringValue": "agent-np"}}]},
                  "scopeLogs": [{"logRecords": [
                    {"timeUnixNano": "1764500000000000000", "attributes": [
                      {"key": "event.name", "value": {"stringValue": "gemini_cli.api_response"}},
                      {"key": "model", "value": {"stringValue": "gemini-9-unpriced"}},
                      {"key": "input_token_count", "value": {"intValue": "5"}},
                      {"key": "output_token_count", "value": {"intValue": "5"}}]}]}]}]}
                """;
        HttpResponse<byte[]> r = post(d.writeToken(), "application/json", null, body.getBytes(StandardCharsets.UTF_8));
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode answer = JSON.readTree(r.body());
        assertThat(answer.at("/partialSuccess/rejectedLogRecords").asText()).isEqualTo("1");
        assertThat(answer.at("/partialSuccess/errorMessage").asText())
                .contains("no price for model \"gemini-9-unpriced\"; add one with serve --prices FILE");
    }

    /** GenAI semantic-convention spans from the SDK's own span exporter. */
    @Test
    void genAiSpansLandAsRows() throws Exception {
        io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter exporter =
                io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter.builder()
                        .setEndpoint("http://127.0.0.1:" + d.port() + "/v1/traces")
                        .addHeader("Authorization", "Bearer " + d.writeToken()).build();
        io.opentelemetry.sdk.trace.SdkTracerProvider provider = io.opentelemetry.sdk.trace.SdkTracerProvider.builder()
                .setResource(io.opentelemetry.sdk.resources.Resource.create(Attributes.of(
                        AttributeKey.stringKey("service.name"), "my-agent",
                        AttributeKey.stringKey("service.instance.id"), "agent-spans")))
                .addSpanProcessor(io.opentelemetry.sdk.trace.export.BatchSpanProcessor.builder(exporter).build()).build();
        Instant t = Instant.parse("2026-11-30T12:00:00Z");
        try {
            io.opentelemetry.api.trace.Tracer tracer = provider.get("openai-instrumentation");
            tracer.spanBuilder("chat gpt-4.1").setStartTimestamp(t).setAttribute("gen_ai.operation.name", "chat")
                    .setAttribute("gen_ai.provider.name", "openai").setAttribute("gen_ai.request.model", "gpt-4.1")
                    .setAttribute("gen_ai.response.model", "gpt-4.1-2025-04-14")
                    .setAttribute("gen_ai.usage.input_tokens", 1000L).setAttribute("gen_ai.usage.output_tokens", 100L)
                    .setAttribute("gen_ai.usage.cache_read.input_tokens", 600L)
                    .setAttribute("gen_ai.conversation.id", "conv-9").startSpan().end(t.plusMillis(2500));
            tracer.spanBuilder("execute_tool search").setStartTimestamp(t.plusSeconds(3))
                    .setAttribute("gen_ai.operation.name", "execute_tool").setAttribute("gen_ai.tool.name", "search")
                    .startSpan().end(t.plusSeconds(3).plusMillis(40));
            var failed = tracer.spanBuilder("chat gpt-4.1").setStartTimestamp(t.plusSeconds(4))
                    .setAttribute("gen_ai.operation.name", "chat").setAttribute("gen_ai.system", "openai")
                    .setAttribute("gen_ai.request.model", "gpt-4.1").setAttribute("error.type", "429").startSpan();
            failed.setStatus(io.opentelemetry.api.trace.StatusCode.ERROR, "rate limited");
            failed.end(t.plusSeconds(4).plusMillis(300));
            tracer.spanBuilder("GET /health").setStartTimestamp(t.plusSeconds(5)).startSpan().end(t.plusSeconds(6));
            assertThat(provider.forceFlush().join(30, TimeUnit.SECONDS).isSuccess()).isTrue();
        } finally {
            provider.shutdown().join(30, TimeUnit.SECONDS);
        }
        assertThat(value("SELECT ts || ' ' || model || ' ' || input_tokens || ' ' || output_tokens || ' ' || cache_read_tokens"
                + " || ' ' || duration_ms || ' ' || json_extract(row_json, '$.provider') || ' ' || json_extract(row_json, '$.session_id')"
                + " FROM token_usage WHERE json_extract(row_json, '$.agent') = 'agent-spans'"))
                .isEqualTo("2026-11-30T12:00:02.500Z gpt-4.1-2025-04-14 400 100 600 2500 openai conv-9");
        assertThat(number("SELECT cost_usd FROM token_usage WHERE json_extract(row_json, '$.agent') = 'agent-spans'"))
                .isCloseTo(400 * 2e-6 + 100 * 8e-6 + 600 * 5e-7, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(value("SELECT json_extract(row_json, '$.tool') || ' ' || json_extract(row_json, '$.ok') || ' '"
                + " || json_extract(row_json, '$.duration_ms') FROM tool_use_events"
                + " WHERE json_extract(row_json, '$.agent') = 'agent-spans'")).isEqualTo("search 1 40");
        assertThat(value("SELECT json_extract(row_json, '$.model') || ' ' || json_extract(row_json, '$.error') || ' '"
                + " || json_extract(row_json, '$.provider') || ' ' || json_extract(row_json, '$.duration_ms') FROM api_errors"
                + " WHERE json_extract(row_json, '$.agent') = 'agent-spans'")).isEqualTo("gpt-4.1 rate limited openai 300");
    }

    /** Metrics restate the events: not stored, said in the answer, so a sender exporting both is counted once. */
    @Test
    void metricsAreAnsweredAsNotStored() throws Exception {
        String body = """
                {"resourceMetrics": [{"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "claude-code"}}]},
                  "scopeMetrics": [{"metrics": [
                    {"name": "claude_code.cost.usage", "unit": "USD", "sum": {"aggregationTemporality": 1, "isMonotonic": true,
                      "dataPoints": [{"asDouble": 0.5, "timeUnixNano": "1764500000000000000",
                        "attributes": [{"key": "model", "value": {"stringValue": "claude-opus-4-1"}}]}]}},
                    {"name": "claude_code.token.usage", "unit": "tokens", "sum": {"aggregationTemporality": 1,
                      "dataPoints": [{"asInt": "10", "attributes": [{"key": "type", "value": {"stringValue": "input"}}]},
                                     {"asInt": "20", "attributes": [{"key": "type", "value": {"stringValue": "output"}}]}]}}]}]}]}
                """;
        long before = Long.parseLong(value("SELECT count(*) FROM token_usage"));
        HttpResponse<byte[]> r = post(d.writeToken(), "application/json", null, body.getBytes(StandardCharsets.UTF_8),
                "/v1/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode answer = JSON.readTree(r.body());
        assertThat(answer.at("/partialSuccess/rejectedDataPoints").asText()).isEqualTo("0");
        assertThat(answer.at("/partialSuccess/errorMessage").asText()).startsWith("not stored: 3 metric data points");
        assertThat(Long.parseLong(value("SELECT count(*) FROM token_usage"))).isEqualTo(before);
        HttpResponse<byte[]> proto = post(d.writeToken(), "application/x-protobuf", null,
                io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest.getDefaultInstance().toByteArray(),
                "/v1/metrics");
        assertThat(proto.statusCode()).isEqualTo(200);
        assertThat(io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse.parseFrom(proto.body())
                .hasPartialSuccess()).isFalse();
    }

    /**
     * Claude Code with both exporters on (OTEL_LOGS_EXPORTER and OTEL_METRICS_EXPORTER=otlp):
     * the SDK's metric exporter sends claude_code.cost.usage and token.usage for the same
     * requests its log exporter sends as events, and cost counts each request once.
     */
    @Test
    void aSenderExportingLogsAndMetricsIsCountedOnce() throws Exception {
        io.opentelemetry.sdk.resources.Resource resource = io.opentelemetry.sdk.resources.Resource.create(Attributes.of(
                AttributeKey.stringKey("service.name"), "claude-code", AttributeKey.stringKey("metadb.agent"), "agent-both"));
        String base = "http://127.0.0.1:" + d.port();
        SdkLoggerProvider logs = SdkLoggerProvider.builder().setResource(resource)
                .addLogRecordProcessor(BatchLogRecordProcessor.builder(OtlpHttpLogRecordExporter.builder()
                        .setEndpoint(base + "/v1/logs").addHeader("Authorization", "Bearer " + d.writeToken()).build())
                        .build()).build();
        SdkMeterProvider metrics = SdkMeterProvider.builder().setResource(resource)
                .registerMetricReader(PeriodicMetricReader.builder(OtlpHttpMetricExporter.builder()
                        .setEndpoint(base + "/v1/metrics").addHeader("Authorization", "Bearer " + d.writeToken()).build())
                        .setInterval(java.time.Duration.ofHours(1)).build()).build();
        long before = Long.parseLong(value("SELECT (SELECT count(*) FROM token_usage) + (SELECT count(*) FROM tool_use_events)"
                + " + (SELECT count(*) FROM api_errors)"));
        try {
            Logger logger = logs.get(SCOPE);
            var meter = metrics.get("com.anthropic.claude_code");
            var cost = meter.counterBuilder("claude_code.cost.usage").setUnit("USD").ofDoubles().build();
            var tokens = meter.counterBuilder("claude_code.token.usage").setUnit("tokens").build();
            Instant t = Instant.parse("2026-11-30T11:00:00Z");
            Object[][] requests = {{"claude-sonnet-4-5", 1000L, 200L, 0.25}, {"claude-sonnet-4-5", 3000L, 400L, 0.5},
                {"claude-opus-4-1", 500L, 100L, 1.25}};
            for (int i = 0; i < requests.length; i++) {
                String model = (String) requests[i][0];
                long in = (Long) requests[i][1];
                long out = (Long) requests[i][2];
                double usd = (Double) requests[i][3];
                logger.logRecordBuilder().setTimestamp(t.plusSeconds(i)).setBody("claude_code.api_request")
                        .setAllAttributes(Attributes.builder().put("event.name", "api_request").put("session.id", "s-both")
                                .put("model", model).put("input_tokens", in).put("output_tokens", out).put("cost_usd", usd)
                                .put("event.sequence", (long) i).build())
                        .emit();
                Attributes byModel = Attributes.of(AttributeKey.stringKey("model"), model);
                cost.add(usd, byModel);
                tokens.add(in, byModel.toBuilder().put("type", "input").build());
                tokens.add(out, byModel.toBuilder().put("type", "output").build());
            }
            assertThat(metrics.forceFlush().join(30, TimeUnit.SECONDS).isSuccess()).as("metrics answered 2xx").isTrue();
            assertThat(logs.forceFlush().join(30, TimeUnit.SECONDS).isSuccess()).as("logs answered 2xx").isTrue();
        } finally {
            metrics.shutdown().join(30, TimeUnit.SECONDS);
            logs.shutdown().join(30, TimeUnit.SECONDS);
        }
        assertThat(Long.parseLong(value("SELECT (SELECT count(*) FROM token_usage) + (SELECT count(*) FROM tool_use_events)"
                + " + (SELECT count(*) FROM api_errors)"))).as("three requests, three rows").isEqualTo(before + 3);
        Run byAgent = new Launched(metadb, cache, dir).run(Map.of("METADB_NO_SERVER", "1"), (Path) null, "--db",
                db.toString(), "--now", "2026-11-30T12:00:00Z", "cost", "--by", "agent", "--since", "7d", "--json");
        assertThat(byAgent.code()).as(byAgent.err()).isZero();
        JsonNode both = null;
        for (JsonNode a : JSON.readTree(byAgent.out())) {
            if (a.get("agent").asText().equals("agent-both")) {
                both = a;
            }
        }
        assertThat(both).as(byAgent.out()).isNotNull();
        assertThat(both.get("cost_usd").asDouble()).isEqualTo(2.0);
        assertThat(both.get("input_tokens").asLong()).isEqualTo(4500);
        assertThat(both.get("output_tokens").asLong()).isEqualTo(700);
    }

    @Test
    void aPriceFileThatCannotBeReadIsAOneLineError() throws Exception {
        Run bad = new Launched(metadb, cache, dir).run(Map.of("METADB_NO_SERVER", "1"), (Path) null, "--db", db.toString(),
                "serve", "--prices", dir.resolve("no-such-prices.json").toString(), "--port", "0");
        assertThat(bad.code()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(bad.err()).isEqualTo("metadb: --prices " + dir.resolve("no-such-prices.json")
                + ": no such file (see: metadb serve --help)\n");
    }
}
