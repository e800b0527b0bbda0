package io.metadb.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.metadb.dao.JsonRowDao;
import io.metadb.dao.MetaDb;
import io.metadb.payload.TokenUsage;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.resource.v1.Resource;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The receiver's benchmark (bench/otlp.sh): {@code OtlpBenchMain SERVED_DB INPROCESS_DB RECORDS
 * ROUNDS} writes RECORDS Claude Code api_request records a round, in exports of 512 (the
 * SDKs' batch size) from 4 senders at once, through a running {@code metadb serve} of
 * SERVED_DB as OTLP/HTTP protobuf and as OTLP/JSON, and the same rows through the in-process
 * DAO's {@code recordAll} (one long-lived writer on INPROCESS_DB, 4 threads, batches of 512),
 * in the same rounds after one round of warm-up each. Prints each round, then medians:
 * records/s, the ratio to in-process, and the server's CPU per 1,000 records
 * (/proc/PID/stat). Bodies are built before the clock starts.
 */
public final class OtlpBenchMain {
    private static final int BATCH = 512;
    private static final int SENDERS = 4;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private OtlpBenchMain() {}

    public static void main(String[] args) throws Exception {
        Path served = Path.of(args[0]);
        Path inProcess = Path.of(args[1]);
        int records = Integer.parseInt(args[2]);
        int rounds = Integer.parseInt(args[3]);
        Discovery d = Discovery.read(served);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        ExecutorService pool = Executors.newFixedThreadPool(SENDERS);
        List<double[]> proto = new ArrayList<>();
        List<double[]> json = new ArrayList<>();
        List<double[]> dao = new ArrayList<>();
        List<double[]> decode = new ArrayList<>();
        try (MetaDb meta = MetaDb.open(inProcess)) {
            JsonRowDao<TokenUsage> tokens = meta.dao(TokenUsage.class);
            for (int round = 0; round <= rounds; round++) {
                double[] daoRate = inProcess(pool, tokens, records, round);
                double[] p = served(pool, http, d, bodies(records, "p" + round, false), "application/x-protobuf", records);
                double[] j = served(pool, http, d, bodies(records, "j" + round, true), "application/json", records);
                decode.add(decodeMicros(bodies(records, "d" + round, false), bodies(records, "e" + round, true), records));
                String label = round == 0 ? "warm-up" : "round " + round;
                System.out.printf("%-8s in-process %,7.0f rec/s %,5.0f B/rec | protobuf %,7.0f rec/s, server %5.1f + senders"
                        + " %4.1f ms CPU/1k, %,5.0f B/rec | json %,7.0f rec/s, server %5.1f + senders %4.1f ms CPU/1k%n", label,
                        daoRate[0], daoRate[1], p[0], p[1], p[2], p[3], j[0], j[1], j[2]);
                if (round > 0) {
                    dao.add(daoRate);
                    proto.add(p);
                    json.add(j);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        double daoMedian = median(dao.stream().mapToDouble(x -> x[0]).toArray());
        double protoRate = median(proto.stream().mapToDouble(x -> x[0]).toArray());
        double jsonRate = median(json.stream().mapToDouble(x -> x[0]).toArray());
        System.out.printf("medians of %d rounds of %,d records:%n", rounds, records);
        System.out.printf("  in-process recordAll        %,9.0f records/s, %,.0f bytes written per record%n", daoMedian,
                median(dao.stream().mapToDouble(x -> x[1]).toArray()));
        System.out.printf("  /v1/logs protobuf           %,9.0f records/s = %.2fx in-process (target >= 0.3x); server %.1f ms CPU"
                + " per 1,000, %,.0f bytes written per record%n", protoRate, protoRate / daoMedian,
                median(proto.stream().mapToDouble(x -> x[1]).toArray()), median(proto.stream().mapToDouble(x -> x[3]).toArray()));
        System.out.printf("  /v1/logs json               %,9.0f records/s = %.2fx in-process; server %.1f ms CPU per 1,000%n",
                jsonRate, jsonRate / daoMedian, median(json.stream().mapToDouble(x -> x[1]).toArray()));
        System.out.printf("  decoding alone               protobuf %.1f µs, json %.1f µs a record (one thread)%n",
                median(decode.stream().mapToDouble(x -> x[0]).toArray()), median(decode.stream().mapToDouble(x -> x[1]).toArray()));
    }

    /**
     * The decoding alone, in this process, in µs a record: protobuf through opentelemetry-proto's
     * classes, JSON through Jackson (what the receiver does with a body before mapping it).
     */
    private static double[] decodeMicros(List<byte[]> protobuf, List<byte[]> json, int records) throws Exception {
        long start = System.nanoTime();
        int decoded = 0;
        for (byte[] body : protobuf) {
            decoded += OtlpRecords.logsFromProtobuf(body).size();
        }
        long mid = System.nanoTime();
        for (byte[] body : json) {
            decoded += OtlpRecords.logsFromJson(body).size();
        }
        long end = System.nanoTime();
        if (decoded != 2 * records) {
            throw new IllegalStateException("decoded " + decoded + " records of " + 2 * records);
        }
        return new double[] {(mid - start) / 1e3 / records, (end - mid) / 1e3 / records};
    }

    /** One item's work, by its index. */
    private interface Item {
        void run(int index) throws Exception;
    }

    /** Items 0..count-1 on {@link #SENDERS} threads at once, sender s taking s, s + SENDERS, …; returns when all are done. */
    private static void onSenders(ExecutorService pool, int count, Item item) throws Exception {
        List<Future<?>> done = new ArrayList<>();
        for (int s = 0; s < SENDERS; s++) {
            int sender = s;
            done.add(pool.submit(() -> {
                for (int i = sender; i < count; i += SENDERS) {
                    item.run(i);
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
    }

    /** Records/s and bytes this process wrote per record. */
    private static double[] inProcess(ExecutorService pool, JsonRowDao<TokenUsage> tokens, int records, int round)
            throws Exception {
        List<List<TokenUsage>> batches = new ArrayList<>();
        for (int from = 0; from < records; from += BATCH) {
            List<TokenUsage> batch = new ArrayList<>();
            for (int i = from; i < Math.min(records, from + BATCH); i++) {
                batch.add(new TokenUsage("bench-" + i % SENDERS, "d" + round, "anthropic", "claude-sonnet-4-5", 100 + i, 10,
                        null, null, 0.001));
            }
            batches.add(batch);
        }
        long writtenBefore = written(ProcessHandle.current().pid());
        long start = System.nanoTime();
        onSenders(pool, batches.size(), b -> tokens.recordAll(batches.get(b)).join());
        return new double[] {records / ((System.nanoTime() - start) / 1e9),
            (written(ProcessHandle.current().pid()) - writtenBefore) / (double) records};
    }

    /** Records/s, the server's and this sender's CPU ms per 1,000 records. */
    private static double[] served(ExecutorService pool, HttpClient http, Discovery d, List<byte[]> bodies, String type,
            int records) throws Exception {
        long cpuBefore = cpuMillis(d.pid());
        long writtenBefore = written(d.pid());
        long clientBefore = cpuMillis(ProcessHandle.current().pid());
        long start = System.nanoTime();
        onSenders(pool, bodies.size(), b -> {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + d.port()
                    + "/v1/logs")).header("Content-Type", type).header("Authorization", "Bearer " + d.writeToken())
                    .POST(HttpRequest.BodyPublishers.ofByteArray(bodies.get(b))).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200 || r.body().contains("artial")) {
                throw new IllegalStateException("export answered " + r.statusCode() + ": " + r.body());
            }
        });
        double seconds = (System.nanoTime() - start) / 1e9;
        return new double[] {records / seconds, (cpuMillis(d.pid()) - cpuBefore) * 1000.0 / records,
            (cpuMillis(ProcessHandle.current().pid()) - clientBefore) * 1000.0 / records,
            (written(d.pid()) - writtenBefore) / (double) records};
    }

    /** The exports of {@code records} records of session {@code session}, in protobuf or OTLP/JSON. */
    private static List<byte[]> bodies(int records, String session, boolean asJson) throws Exception {
        List<byte[]> out = new ArrayList<>();
        long t = System.currentTimeMillis() * 1_000_000L;
        for (int from = 0; from < records; from += BATCH) {
            int to = Math.min(records, from + BATCH);
            String agent = "bench-" + (from / BATCH) % SENDERS;
            out.add(asJson ? json(agent, session, t, from, to) : protobuf(agent, session, t, from, to));
        }
        return out;
    }

    private static KeyValue kv(String key, String v) {
        return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(v)).build();
    }

    private static KeyValue kv(String key, long v) {
        return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setIntValue(v)).build();
    }

    private static byte[] protobuf(String agent, String session, long t, int from, int to) {
        ScopeLogs.Builder scope = ScopeLogs.newBuilder().setScope(InstrumentationScope.newBuilder()
                .setName("com.anthropic.claude_code.events"));
        for (int i = from; i < to; i++) {
            scope.addLogRecords(LogRecord.newBuilder().setTimeUnixNano(t + i * 1000L)
                    .setObservedTimeUnixNano(t + i * 1000L)
                    .setBody(AnyValue.newBuilder().setStringValue("claude_code.api_request"))
                    .addAttributes(kv("event.name", "api_request")).addAttributes(kv("session.id", session))
                    .addAttributes(kv("model", "claude-sonnet-4-5")).addAttributes(kv("input_tokens", 100 + i))
                    .addAttributes(kv("output_tokens", 10)).addAttributes(kv("cache_read_tokens", 0))
                    .addAttributes(kv("cache_creation_tokens", 0)).addAttributes(kv("cost_usd", "0.001"))
                    .addAttributes(kv("duration_ms", 2100)).addAttributes(kv("event.sequence", i)));
        }
        return ExportLogsServiceRequest.newBuilder().addResourceLogs(ResourceLogs.newBuilder()
                .setResource(Resource.newBuilder().addAttributes(kv("service.name", "claude-code"))
                        .addAttributes(kv("metadb.agent", agent)))
                .addScopeLogs(scope)).build().toByteArray();
    }

    private static byte[] json(String agent, String session, long t, int from, int to) throws Exception {
        ObjectNode root = MAPPER.createObjectNode();
        ObjectNode rl = root.putArray("resourceLogs").addObject();
        ArrayNode resource = rl.putObject("resource").putArray("attributes");
        attr(resource, "service.name", "claude-code");
        attr(resource, "metadb.agent", agent);
        ObjectNode sl = rl.putArray("scopeLogs").addObject();
        sl.putObject("scope").put("name", "com.anthropic.claude_code.events");
        ArrayNode logs = sl.putArray("logRecords");
        for (int i = from; i < to; i++) {
            ObjectNode r = logs.addObject();
            r.put("timeUnixNano", String.valueOf(t + i * 1000L)).put("observedTimeUnixNano", String.valueOf(t + i * 1000L));
            r.putObject("body").put("stringValue", "claude_code.api_request");
            ArrayNode a = r.putArray("attributes");
            attr(a, "event.name", "api_request");
            attr(a, "session.id", session);
            attr(a, "model", "claude-sonnet-4-5");
            for (var e : Arrays.asList(new Object[][] {{"input_tokens", 100 + i}, {"output_tokens", 10}, {"cache_read_tokens", 0},
                {"cache_creation_tokens", 0}, {"duration_ms", 2100}, {"event.sequence", i}})) {
                a.addObject().put("key", (String) e[0]).putObject("value").put("intValue", String.valueOf(e[1]));
            }
            attr(a, "cost_usd", "0.001");
        }
        return MAPPER.writeValueAsBytes(root);
    }

    private static void attr(ArrayNode attributes, String key, String value) {
        attributes.addObject().put("key", key).putObject("value").put("stringValue", value);
    }

    /** utime + stime of process {@code pid}, in milliseconds (clock ticks of 10 ms). */
    private static long cpuMillis(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10;
    }

    /** Bytes process {@code pid} has written (wchar: files, the WAL among them, and sockets). */
    private static long written(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "io"))) {
            if (line.startsWith("wchar:")) {
                return Long.parseLong(line.substring(6).strip());
            }
        }
        throw new IllegalStateException("no wchar in /proc/" + pid + "/io");
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
