package io.metadb.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.metadb.cli.InProcess.Run;
import io.metadb.migrations.testing.Sql;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.BatchLogRecordProcessor;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The receiver against the senders as they are configured and as they send: the set-ups of
 * docs/telemetry.md read from the file and replayed through OpenTelemetry JS's own exporters
 * (the ones Claude Code and Gemini CLI are built on, installed by npm from the lock file) and
 * the Java SDK's (protobuf, as Codex's "binary"); four exporters at ten times Claude Code's
 * export pace while reports read; and a server killed (-9) with batches in flight, and after
 * it committed a batch whose answer its sender never read.
 */
class OtlpClientsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CLAUDE_SCOPE = "com.anthropic.claude_code.events";
    private static final Path SENDERS = Path.of("src", "test", "node", "otlp-senders");

    @TempDir
    static Path dir;

    private static Path metadb;
    private static Path cache;
    private static Path node;

    @BeforeAll
    static void install() throws Exception {
        Path home = Installed.unpack(dir);
        metadb = home.resolve("bin/metadb");
        cache = dir.resolve("cache");
        // The JS exporters, exactly as the lock file pins them (npm's registry; a failure fails the test).
        node = Files.createDirectories(Path.of("target", "otlp-senders")).toAbsolutePath();
        for (String f : List.of("package.json", "package-lock.json", "send.mjs")) {
            Files.copy(SENDERS.resolve(f), node.resolve(f), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error").directory(node.toFile())
                .redirectErrorStream(true).redirectOutput(dir.resolve("npm.log").toFile()).start();
        assertThat(npm.waitFor(300, TimeUnit.SECONDS)).as("npm ci finished").isTrue();
        assertThat(npm.exitValue()).as(Files.readString(dir.resolve("npm.log"))).isZero();
    }

    private static Launched launched() {
        return new Launched(metadb, cache, dir);
    }

    private static Path migrated(String name) throws Exception {
        Path db = dir.resolve(name);
        Run made = launched().run(Map.of("METADB_NO_SERVER", "1"), "--db", db.toString(), "migrate");
        assertThat(made.code()).as(made.err()).isZero();
        return db;
    }

    /** The fenced block of {@code lang} that follows {@code heading} in {@code doc}. */
    private static String block(String doc, String heading, String lang) {
        int at = doc.indexOf(heading);
        assertThat(at).as("docs/telemetry.md has " + heading).isNotNegative();
        int start = doc.indexOf("```" + lang + "\n", at) + lang.length() + 4;
        return doc.substring(start, doc.indexOf("```", start));
    }

    private static String first(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertThat(m.find()).as(regex + " in " + text).isTrue();
        return m.group(1);
    }

    /** The documented configuration made concrete: this server's port and write token. */
    private static String concrete(String text, Discovery d) {
        return text.replace("127.0.0.1:4318", "127.0.0.1:" + d.port()).replace("<write token>", d.writeToken());
    }

    /** Runs the JS sender on {@code spec} with {@code env}; its one line of output says how the exports went. */
    private static void sendWithJs(Map<String, String> env, Map<String, Object> spec) throws Exception {
        Path file = Files.createTempFile(dir, "spec", ".json");
        JSON.writeValue(file.toFile(), spec);
        ProcessBuilder pb = new ProcessBuilder("node", node.resolve("send.mjs").toString(), file.toString())
                .directory(node.toFile()).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("OTEL_"));
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("\"failed\":0");
    }

    private static Map<String, Object> record(String scope, String body, long timeMs, Map<String, Object> attributes) {
        return Map.of("scope", scope, "body", body, "timeMs", timeMs, "attributes", attributes);
    }

    /**
     * docs/telemetry.md's Claude Code, Codex and Gemini CLI set-ups, read from the file, sent as
     * each sender's exporter sends (Claude Code in protobuf and, as the docs allow, JSON; Gemini
     * CLI to the URL it builds from otlpEndpoint), land as rows that {@code cost --by model} adds
     * up exactly: the sender's own cost, else tokens times the shipped price table.
     */
    @Test
    void theDocumentedSetUpsReplayedAsTheirExportersSendLandInCostExactly() throws Exception {
        Path db = migrated("configs.db");
        Process server = launched().serve(db);
        try {
            Discovery d = Discovery.read(db);
            String doc = Files.readString(Path.of("..", "docs", "telemetry.md"));
            long t = Instant.parse("2026-11-30T10:00:00Z").toEpochMilli();

            // Claude Code: its settings.json env block, as the JS SDK reads it.
            JsonNode claudeEnv = JSON.readTree(concrete(block(doc, "**Claude Code**", "json"), d)).get("env");
            Map<String, String> env = new HashMap<>();
            claudeEnv.properties().forEach(e -> env.put(e.getKey(), e.getValue().asText()));
            assertThat(env).containsEntry("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
            Map<String, Object> claude = Map.of("resource", Map.of("service.name", "claude-code"), "records", List.of(
                    record(CLAUDE_SCOPE, "claude_code.api_request", t, Map.of("event.name", "api_request", "session.id", "s-1",
                            "model", "claude-sonnet-4-5", "input_tokens", "1200", "output_tokens", "340",
                            "cache_read_tokens", "5000", "cache_creation_tokens", "800", "cost_usd", "0.0123",
                            "event.sequence", 1)),
                    record(CLAUDE_SCOPE, "claude_code.api_request", t + 1000, Map.of("event.name", "api_request",
                            "session.id", "s-1", "model", "claude-opus-4-1", "input_tokens", 10, "output_tokens", 20,
                            "cost_usd", 0.5, "event.sequence", 2))));
            sendWithJs(env, claude);
            Map<String, String> jsonEnv = new HashMap<>(env);
            jsonEnv.put("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json");
            sendWithJs(jsonEnv, Map.of("resource", Map.of("service.name", "claude-code"), "records", List.of(
                    record(CLAUDE_SCOPE, "claude_code.api_request", t + 2000, Map.of("event.name", "api_request",
                            "session.id", "s-2", "model", "claude-sonnet-4-5", "input_tokens", 7, "output_tokens", 9,
                            "cost_usd", 0.25, "event.sequence", 1)))));

            // Codex: the config.toml line; "binary" is protobuf, as the Java SDK's exporter sends.
            String codexSection = doc.substring(doc.indexOf("**Codex CLI**"), doc.indexOf("**Gemini CLI**"));
            String toml = concrete(block(doc, "**Codex CLI**", "toml"), d);
            assertThat(first(toml, "protocol = \"([^\"]+)\"")).isEqualTo("binary");
            String agent = first(first(codexSection, "OTEL_RESOURCE_ATTRIBUTES=([^`\\s]+)"), "metadb\\.agent=(.+)");
            OtlpHttpLogRecordExporter codexExporter = OtlpHttpLogRecordExporter.builder()
                    .setEndpoint(first(toml, "endpoint = \"([^\"]+)\""))
                    .addHeader("Authorization", first(toml, "\"Authorization\" = \"([^\"]+)\"")).build();
            SdkLoggerProvider codex = SdkLoggerProvider.builder()
                    .setResource(io.opentelemetry.sdk.resources.Resource.create(Attributes.of(
                            AttributeKey.stringKey("service.name"), "codex_cli_rs", AttributeKey.stringKey("metadb.agent"), agent)))
                    .addLogRecordProcessor(BatchLogRecordProcessor.builder(codexExporter).build()).build();
            try {
                Logger logger = codex.get("codex_otel");
                logger.logRecordBuilder().setTimestamp(Instant.ofEpochMilli(t + 3000)).setAllAttributes(Attributes.builder()
                        .put("event.name", "codex.sse_event").put("event.kind", "response.completed")
                        .put("conversation.id", "c-1").put("model", "gpt-5-codex").put("input_token_count", "1200")
                        .put("output_token_count", "340").put("cached_token_count", "1000").put("reasoning_token_count", "64")
                        .build()).emit();
                logger.logRecordBuilder().setTimestamp(Instant.ofEpochMilli(t + 4000)).setAllAttributes(Attributes.builder()
                        .put("event.name", "codex.sse_event").put("event.kind", "response.completed")
                        .put("conversation.id", "c-1").put("model", "gpt-5-codex").put("input_token_count", "500")
                        .put("output_token_count", "20").put("cached_token_count", "0").build()).emit();
                assertThat(codex.forceFlush().join(30, TimeUnit.SECONDS).isSuccess()).isTrue();
            } finally {
                codex.shutdown().join(30, TimeUnit.SECONDS);
            }

            // Gemini CLI: settings.json's otlpEndpoint, to which it adds v1/logs; protobuf; headers
            // and resource attributes from the environment the docs name; session.id on the resource.
            String geminiSection = doc.substring(doc.indexOf("**Gemini CLI**"), doc.indexOf("**Any OpenTelemetry SDK**"));
            JsonNode telemetry = JSON.readTree(concrete(block(doc, "**Gemini CLI**", "json"), d)).get("telemetry");
            assertThat(telemetry.get("otlpProtocol").asText()).isEqualTo("http");
            Map<String, String> geminiEnv = Map.of(
                    "OTEL_EXPORTER_OTLP_HEADERS", concrete(first(geminiSection, "OTEL_EXPORTER_OTLP_HEADERS=\"([^\"]+)\""), d),
                    "OTEL_RESOURCE_ATTRIBUTES", first(geminiSection, "OTEL_RESOURCE_ATTRIBUTES=([^`\\s]+)"));
            String url = telemetry.get("otlpEndpoint").asText().replaceAll("/$", "") + "/v1/logs";
            sendWithJs(geminiEnv, Map.of("url", url, "resource", Map.of("service.name", "gemini-cli", "session.id", "g-1"),
                    "records", List.of(record("gemini-cli", "API response from gemini-2.5-pro.", t + 5000, Map.of(
                            "event.name", "gemini_cli.api_response", "model", "gemini-2.5-pro", "status_code", 200,
                            "duration_ms", 1500, "input_token_count", 1000, "output_token_count", 50,
                            "cached_content_token_count", 200, "thoughts_token_count", 30, "tool_token_count", 0,
                            "total_token_count", 1080)))));

            assertThat(Sql.value(db, "SELECT count(*) || ' ' || count(DISTINCT json_extract(row_json, '$.agent'))"
                    + " || ' ' || min(json_extract(row_json, '$.agent')) FROM token_usage")).isEqualTo("6 1 " + agent);
            assertThat(Sql.value(db, "SELECT json_extract(row_json, '$.session_id') FROM token_usage"
                    + " WHERE model = 'gemini-2.5-pro'")).isEqualTo("g-1");
            Run cost = launched().run(Map.of(), "--db", db.toString(), "--now", "2026-11-30T12:00:00Z", "cost",
                    "--by", "model", "--since", "1d", "--json");
            assertThat(cost.code()).as(cost.err()).isZero();
            Map<String, JsonNode> byModel = new HashMap<>();
            JSON.readTree(cost.out()).forEach(m -> byModel.put(m.get("model").asText(), m));
            assertThat(byModel).containsOnlyKeys("claude-sonnet-4-5", "claude-opus-4-1", "gpt-5-codex", "gemini-2.5-pro");
            Prices prices = Prices.defaults();
            assertThat(byModel.get("claude-sonnet-4-5").get("cost_usd").asDouble()).isCloseTo(0.0123 + 0.25, within(1e-12));
            assertThat(byModel.get("claude-sonnet-4-5").get("input_tokens").asLong()).isEqualTo(1207);
            assertThat(byModel.get("claude-opus-4-1").get("cost_usd").asDouble()).isEqualTo(0.5);
            assertThat(byModel.get("gpt-5-codex").get("cost_usd").asDouble()).isCloseTo(
                    prices.of("gpt-5-codex").cost(200, 340, 1000, 0) + prices.of("gpt-5-codex").cost(500, 20, 0, 0),
                    within(1e-12));
            assertThat(byModel.get("gpt-5-codex").get("input_tokens").asLong()).isEqualTo(700);
            assertThat(byModel.get("gpt-5-codex").get("cache_read_tokens").asLong()).isEqualTo(1000);
            assertThat(byModel.get("gemini-2.5-pro").get("cost_usd").asDouble()).isCloseTo(
                    prices.of("gemini-2.5-pro").cost(800, 80, 200, 0), within(1e-12));
            assertThat(byModel.get("gemini-2.5-pro").get("output_tokens").asLong()).isEqualTo(80);
        } finally {
            server.destroy();
            server.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** An exporter that counts what it exported and every export that did not succeed. */
    private static final class Counted implements LogRecordExporter {
        final LogRecordExporter inner;
        final AtomicLong exported = new AtomicLong();
        final AtomicInteger failed = new AtomicInteger();

        Counted(LogRecordExporter inner) {
            this.inner = inner;
        }

        @Override
        public CompletableResultCode export(Collection<LogRecordData> logs) {
            CompletableResultCode r = inner.export(logs);
            r.whenComplete(() -> {
                if (r.isSuccess()) {
                    exported.addAndGet(logs.size());
                } else {
                    failed.incrementAndGet();
                }
            });
            return r;
        }

        @Override
        public CompletableResultCode flush() {
            return inner.flush();
        }

        @Override
        public CompletableResultCode shutdown() {
            return inner.shutdown();
        }
    }

    /**
     * Four SDK exporters, each an agent, export every 0.5 s (ten times Claude Code's 5 s
     * default) for 60 s, 20 requests a second each, while reports and queries read through the
     * same server: every export is answered 2xx, every record is a row once, every read answers.
     */
    @Test
    void fourExportersAtTenTimesClaudeCodesPaceWhileReportsReadLoseNothingAndDuplicateNothing() throws Exception {
        Path db = migrated("load.db");
        Process server = launched().serve(db);
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            Discovery d = Discovery.read(db);
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            List<Future<long[]>> senders = new ArrayList<>();
            for (int a = 0; a < 4; a++) {
                String agent = "load-" + a;
                senders.add(pool.submit(() -> {
                    Counted exporter = new Counted(OtlpHttpLogRecordExporter.builder()
                            .setEndpoint("http://127.0.0.1:" + d.port() + "/v1/logs")
                            .addHeader("Authorization", "Bearer " + d.writeToken()).setCompression("gzip").build());
                    SdkLoggerProvider provider = SdkLoggerProvider.builder()
                            .setResource(io.opentelemetry.sdk.resources.Resource.create(Attributes.of(
                                    AttributeKey.stringKey("service.name"), "claude-code",
                                    AttributeKey.stringKey("metadb.agent"), agent)))
                            .addLogRecordProcessor(BatchLogRecordProcessor.builder(exporter)
                                    .setScheduleDelay(Duration.ofMillis(500)).build()).build();
                    long emitted = 0;
                    try {
                        Logger logger = provider.get(CLAUDE_SCOPE);
                        while (System.nanoTime() < until) {
                            logger.logRecordBuilder().setTimestamp(Instant.now()).setBody("claude_code.api_request")
                                    .setAllAttributes(Attributes.builder().put("event.name", "api_request")
                                            .put("session.id", agent).put("model", "claude-sonnet-4-5")
                                            .put("input_tokens", emitted + 1).put("output_tokens", 10L).put("cost_usd", 0.001)
                                            .put("event.sequence", emitted).build()).emit();
                            emitted++;
                            Thread.sleep(50);
                        }
                        assertThat(provider.forceFlush().join(60, TimeUnit.SECONDS).isSuccess()).isTrue();
                    } finally {
                        provider.shutdown().join(60, TimeUnit.SECONDS);
                    }
                    return new long[] {emitted, exporter.exported.get(), exporter.failed.get()};
                }));
            }
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            List<Future<int[]>> readers = new ArrayList<>();
            for (String path : List.of("/cost.json?by=model&since=1d", "/query.json?sql=" + java.net.URLEncoder.encode(
                    "SELECT json_extract(row_json, '$.agent') AS agent, count(*) AS n FROM token_usage GROUP BY 1",
                    StandardCharsets.UTF_8))) {
                readers.add(pool.submit(() -> {
                    int ok = 0;
                    int other = 0;
                    while (System.nanoTime() < until) {
                        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + d.port() + path))
                                .header("Authorization", "Bearer " + d.token()).timeout(Duration.ofSeconds(30)).build(),
                                HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() == 200) {
                            ok++;
                        } else {
                            other++;
                        }
                        Thread.sleep(100);
                    }
                    return new int[] {ok, other};
                }));
            }
            long emittedAll = 0;
            for (int a = 0; a < 4; a++) {
                long[] s = senders.get(a).get(180, TimeUnit.SECONDS);
                assertThat(s[2]).as("load-" + a + ": exports not answered 2xx").isZero();
                assertThat(s[1]).as("load-" + a + ": records the exporter was told were taken").isEqualTo(s[0]);
                assertThat(Sql.value(db, "SELECT count(*) || ' ' || count(DISTINCT input_tokens)"
                        + " FROM token_usage WHERE json_extract(row_json, '$.agent') = 'load-" + a + "'"))
                        .as("load-" + a + ": rows and distinct requests").isEqualTo(s[0] + " " + s[0]);
                emittedAll += s[0];
            }
            int reads = 0;
            for (Future<int[]> r : readers) {
                int[] got = r.get(60, TimeUnit.SECONDS);
                assertThat(got[1]).as("reads not answered 200").isZero();
                reads += got[0];
            }
            assertThat(reads).as("reads answered during the load").isGreaterThan(100);
            assertThat(emittedAll).as("records sent").isGreaterThan(4000);
            System.out.println("OTLP load: " + emittedAll + " records from 4 exporters in 60 s, 0 lost, 0 twice; "
                    + reads + " reads answered meanwhile");
        } finally {
            pool.shutdownNow();
            server.destroy();
            server.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static KeyValue kv(String key, String v) {
        return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(v)).build();
    }

    private static KeyValue kv(String key, long v) {
        return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setIntValue(v)).build();
    }

    /** {@code n} Claude Code api_request records of session {@code session}, in protobuf. */
    static byte[] batch(String session, int n) {
        ScopeLogs.Builder scope = ScopeLogs.newBuilder().setScope(InstrumentationScope.newBuilder().setName(CLAUDE_SCOPE));
        long t = Instant.parse("2026-11-30T10:00:00Z").toEpochMilli() * 1_000_000L;
        for (int i = 0; i < n; i++) {
            scope.addLogRecords(LogRecord.newBuilder().setTimeUnixNano(t + i * 1_000_000L)
                    .setBody(AnyValue.newBuilder().setStringValue("claude_code.api_request"))
                    .addAttributes(kv("event.name", "api_request")).addAttributes(kv("session.id", session))
                    .addAttributes(kv("model", "claude-sonnet-4-5")).addAttributes(kv("input_tokens", 100))
                    .addAttributes(kv("output_tokens", 10)).addAttributes(kv("cost_usd", "0.001"))
                    .addAttributes(kv("event.sequence", i)));
        }
        return ExportLogsServiceRequest.newBuilder().addResourceLogs(ResourceLogs.newBuilder()
                .setResource(Resource.newBuilder().addAttributes(kv("service.name", "claude-code"))
                        .addAttributes(kv("metadb.agent", "killed")))
                .addScopeLogs(scope)).build().toByteArray();
    }

    private static int post(Discovery d, byte[] body) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + d.port() + "/v1/logs"))
                .header("Content-Type", "application/x-protobuf").header("Authorization", "Bearer " + d.writeToken())
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static String rows(Path db, String session) {
        return Sql.value(db, "SELECT count(*) FROM token_usage WHERE json_extract(row_json, '$.session_id') = '" + session + "'");
    }

    /**
     * A batch whose answer its sender never read, on a server then killed (-9): sent again to
     * the restarted server it writes nothing twice. Then rounds of batches with the server
     * killed at a random moment, each batch sent again until answered: every record once.
     */
    @Test
    void aServerKilledAfterTheCommitOrAtRandomMomentsWritesEachRecordOnce() throws Exception {
        Path db = migrated("killed.db");
        Process server = launched().serve(db);
        Discovery d = Discovery.read(db);
        // The sender's answer is lost: it writes the request on a socket and never reads.
        byte[] lost = batch("lost-answer", 500);
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", d.port())) {
            s.getOutputStream().write(("POST /v1/logs HTTP/1.1\r\nHost: 127.0.0.1:" + d.port() + "\r\nContent-Type: application/x-protobuf\r\n"
                    + "Authorization: Bearer " + d.writeToken() + "\r\nContent-Length: " + lost.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().write(lost);
            s.getOutputStream().flush();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!rows(db, "lost-answer").equals("500")) {
                assertThat(System.nanoTime()).as("the batch committed").isLessThan(deadline);
                Thread.sleep(20);
            }
            server.destroyForcibly();
            server.waitFor(30, TimeUnit.SECONDS);
        }
        server = launched().serve(db);
        d = Discovery.read(db);
        assertThat(post(d, lost)).isEqualTo(200);
        assertThat(rows(db, "lost-answer")).as("the batch sent again after the kill").isEqualTo("500");

        Random random = new Random(24);
        int unanswered = 0;
        int committedUnanswered = 0;
        try {
            for (int round = 0; round < 8; round++) {
                String session = "round-" + round;
                byte[] body = batch(session, 2000);
                Discovery live = d;
                ExecutorService one = Executors.newSingleThreadExecutor();
                Future<Integer> first = one.submit(() -> post(live, body));
                Thread.sleep(random.nextInt(400));
                server.destroyForcibly();
                server.waitFor(30, TimeUnit.SECONDS);
                boolean answered;
                try {
                    answered = first.get(60, TimeUnit.SECONDS) == 200;
                } catch (java.util.concurrent.ExecutionException e) {
                    answered = false;
                }
                one.shutdownNow();
                // Group commit may have committed part of the batch: the rest comes with the resend.
                int before = Integer.parseInt(rows(db, session));
                assertThat(before).as(session + " after the kill").isBetween(0, 2000);
                if (!answered) {
                    unanswered++;
                    committedUnanswered += before;
                }
                server = launched().serve(db);
                d = Discovery.read(db);
                assertThat(post(d, body)).isEqualTo(200);
                assertThat(rows(db, session)).as(session + " sent again (answered before the kill: " + answered + ")")
                        .isEqualTo("2000");
            }
        } finally {
            server.destroy();
            server.waitFor(30, TimeUnit.SECONDS);
        }
        System.out.println("OTLP kill -9 rounds: 8 batches of 2,000, " + unanswered + " unanswered at the kill, "
                + committedUnanswered + " of their records committed before it; each written once after the resend");
        assertThat(Sql.value(db, "PRAGMA integrity_check")).isEqualTo("ok");
        assertThat(Sql.value(db, "SELECT count(*) FROM token_usage")).isEqualTo(String.valueOf(500 + 8 * 2000));
    }
}
