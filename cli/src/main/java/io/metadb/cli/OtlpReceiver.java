package io.metadb.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.CodedOutputStream;
import com.sun.net.httpserver.HttpExchange;
import io.metadb.dao.IdempotencyKey;
import io.metadb.dao.Ingested;
import io.metadb.dao.JsonIngest;
import io.metadb.dao.MetaDb;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsPartialSuccess;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * The OTLP/HTTP receiver on the server's port (SPEC §7): {@code POST /v1/logs} in
 * {@code application/x-protobuf} or {@code application/json}, optionally
 * {@code Content-Encoding: gzip}, with the write token. Answers as the OTLP specification
 * says: 200 with an {@code ExportLogsServiceResponse} in the request's encoding once every
 * row is committed ({@code partial_success} counts the refused records and names what was
 * refused and why, and what was not stored); 400 for a body that does not decode (exporters
 * do not retry it); 413 over {@link #MAX_DECODED_BYTES} after decompression; 415 for another
 * encoding; 503 with {@code Retry-After} when the server has no room (exporters retry). Each
 * record is written under its identity ({@link OtlpMapping#identity}) as an idempotency key:
 * a batch sent again writes nothing twice. Thread-safe.
 */
final class OtlpReceiver {
    /** The most bytes of one request after decompression. */
    static final int MAX_DECODED_BYTES = 16 * 1024 * 1024;
    /** Bytes of the write-body budget taken at a time as a body is read (so a gzip bomb is bounded too). */
    private static final int BUDGET_STEP = 1 << 20;
    /** Reasons named in one answer; the count says how many more. */
    private static final int NAMED_REASONS = 5;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Supplier<MetaDb> writer;
    private final Admission admission;
    private final Prices prices;

    OtlpReceiver(Supplier<MetaDb> writer, Admission admission, Prices prices) {
        this.writer = writer;
        this.admission = admission;
        this.prices = prices;
    }

    /** What an export carries: its path, what its items are called, and its partial-success field in JSON. */
    enum Signal {
        LOGS("/v1/logs", "log records", "rejectedLogRecords"),
        TRACES("/v1/traces", "spans", "rejectedSpans"),
        METRICS("/v1/metrics", "data points", "rejectedDataPoints");

        final String path;
        final String items;
        final String rejectedField;

        Signal(String path, String items, String rejectedField) {
            this.path = path;
            this.items = items;
            this.rejectedField = rejectedField;
        }

        static Signal of(String path) {
            for (Signal s : values()) {
                if (s.path.equals(path)) {
                    return s;
                }
            }
            return null;
        }
    }

    /** Whether {@code path} is the receiver's. */
    static boolean handles(String path) {
        return Signal.of(path) != null;
    }

    /** Answers one request to {@link #handles its path}. */
    void receive(HttpExchange ex, String path, String method, Grant grant) throws IOException {
        String type = String.valueOf(ex.getRequestHeaders().getFirst("Content-Type")).toLowerCase(Locale.ROOT);
        boolean json = type.startsWith("application/json");
        boolean protobuf = type.startsWith("application/x-protobuf") || type.startsWith("application/protobuf");
        if (!method.equals("POST")) {
            ex.getResponseHeaders().set("Allow", "POST");
            fail(ex, json, 405, 12, "OTLP/HTTP exports are POST");
        } else if (grant == Grant.NONE) {
            fail(ex, json, 401, 16, "an export needs the write token: Authorization: Bearer <write token>"
                    + " (OTEL_EXPORTER_OTLP_HEADERS=\"Authorization=Bearer%20<write token>\")");
        } else if (grant != Grant.WRITE) {
            fail(ex, json, 403, 7, "the read token does not write; exports take the write token");
        } else if (!json && !protobuf) {
            fail(ex, false, 415, 3, "send application/x-protobuf or application/json");
        } else if (!admission.enter(true)) {
            busy(ex, json);
        } else {
            try {
                export(ex, json, Signal.of(path));
            } finally {
                admission.leave(true);
            }
        }
    }

    private void busy(HttpExchange ex, boolean json) throws IOException {
        ex.getResponseHeaders().set("Retry-After", "1");
        fail(ex, json, 503, 14, admission.busy(true).strip().replaceFirst("^metadb: ", ""));
    }

    private void export(HttpExchange ex, boolean json, Signal signal) throws IOException {
        String encoding = String.valueOf(ex.getRequestHeaders().getFirst("Content-Encoding")).toLowerCase(Locale.ROOT)
                .strip();
        if (!encoding.equals("null") && !encoding.equals("gzip") && !encoding.equals("identity")) {
            fail(ex, json, 415, 3, "Content-Encoding " + Output.printable(encoding) + " is not taken; send gzip or none");
            return;
        }
        long[] taken = {0};
        try {
            byte[] body;
            try {
                body = read(ex.getRequestBody(), encoding.equals("gzip"), taken);
            } catch (TooLarge e) {
                fail(ex, json, 413, 8, "an export over " + MAX_DECODED_BYTES / (1024 * 1024)
                        + " MiB (after decompression) is not taken; send smaller batches");
                return;
            } catch (NoRoom e) {
                busy(ex, json);
                return;
            } catch (ZipException e) {
                fail(ex, json, 400, 3, "the body is not gzip: " + e.getMessage());
                return;
            }
            Instant arrival = Instant.now();
            List<Mapped> items = new ArrayList<>();
            int metricPoints = 0;
            try {
                switch (signal) {
                    case LOGS -> {
                        OtlpMapping.Identities identities = new OtlpMapping.Identities();
                        (json ? OtlpRecords.logsFromJson(body) : OtlpRecords.logsFromProtobuf(body)).forEach(r -> items.add(
                                new Mapped(OtlpMapping.map(r, arrival, prices), () -> identities.of(r))));
                    }
                    case TRACES -> (json ? OtlpRecords.spansFromJson(body) : OtlpRecords.spansFromProtobuf(body)).forEach(sp ->
                            items.add(new Mapped(OtlpMapping.map(sp, arrival, prices), () -> OtlpMapping.identity(sp))));
                    case METRICS -> metricPoints = json ? OtlpRecords.metricPointsFromJson(body)
                            : OtlpRecords.metricPointsFromProtobuf(body);
                }
            } catch (OtlpRecords.Undecodable e) {
                fail(ex, json, 400, 3, e.getMessage());
                return;
            }
            Result result;
            try {
                result = signal == Signal.METRICS ? Result.metrics(metricPoints)
                        : write(items, arrival, signal == Signal.LOGS ? "record" : "span");
            } catch (CompletionException | IllegalStateException e) {
                // The writer could not commit (the disk, a closed server): the exporter retries,
                // and the records' identities keep what was committed from being written twice.
                ex.getResponseHeaders().set("Retry-After", "1");
                fail(ex, json, 503, 14, "the rows could not be committed: " + Output.printable(String.valueOf(
                        e.getCause() != null ? e.getCause().getMessage() : e.getMessage())));
                return;
            }
            answer(ex, json, signal, result);
        } finally {
            admission.leaveBody(taken[0]);
        }
    }

    /** What a batch came to: rows written, records refused (with reasons) and records not stored, per event. */
    record Result(int written, int replayed, int refused, List<String> reasons, Map<String, Integer> skipped,
            int unstoredPoints) {
        /**
         * Metrics are not stored: they restate the events and spans (Claude Code's
         * claude_code.token.usage and cost.usage, gen_ai.client.token.usage), which are, and
         * storing both would count every request twice.
         */
        static Result metrics(int points) {
            return new Result(0, 0, 0, List.of(), Map.of(), points);
        }

        /** The partial-success message, or empty when everything was stored. */
        String message() {
            if (unstoredPoints > 0) {
                return "not stored: " + unstoredPoints + " metric data points (metadb stores the events and spans"
                        + " that metrics restate, so nothing is counted twice: export logs, OTEL_LOGS_EXPORTER=otlp;"
                        + " docs/telemetry.md)";
            }
            List<String> parts = new ArrayList<>();
            if (refused > 0) {
                String named = String.join("; ", reasons);
                parts.add("refused " + refused + (refused == 1 ? " record: " : " records: ") + named
                        + (refused > reasons.size() ? "; and " + (refused - reasons.size()) + " more" : ""));
            }
            if (!skipped.isEmpty()) {
                List<String> events = new ArrayList<>();
                skipped.forEach((event, n) -> events.add(Output.printable(event) + " x" + n));
                int total = skipped.values().stream().mapToInt(Integer::intValue).sum();
                parts.add("not stored: " + total + " of events metadb does not map ("
                        + String.join(", ", events) + ")");
            }
            return String.join(". ", parts);
        }
    }

    /** One item of an export, mapped, and its identity (computed only for a row). */
    record Mapped(OtlpMapping.Outcome outcome, Supplier<String> identity) {}

    /** Commits the rows of {@code items}; the answer only after every row is committed. */
    Result write(List<Mapped> items, Instant arrival, String noun) throws IOException {
        List<JsonIngest.Prepared> rows = new ArrayList<>();
        List<IdempotencyKey> keys = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        int refused = 0;
        Map<String, Integer> skipped = new LinkedHashMap<>();
        MetaDb db = items.isEmpty() ? null : writer.get();
        for (int i = 0; i < items.size(); i++) {
            OtlpMapping.Outcome outcome = items.get(i).outcome();
            String why = null;
            if (outcome instanceof OtlpMapping.Skipped s) {
                skipped.merge(s.event(), 1, Integer::sum);
            } else if (outcome instanceof OtlpMapping.Refused r) {
                why = noun + " " + (i + 1) + " (" + r.event() + "): " + r.why();
            } else if (outcome instanceof OtlpMapping.Row row) {
                try {
                    // One line, already text: the reader form, without the byte stream's 64 KiB buffer.
                    rows.add(JsonIngest.prepare(row.table(), new java.io.BufferedReader(
                            new java.io.StringReader(row.line()), row.line().length() + 1), arrival));
                    String id = items.get(i).identity().get();
                    keys.add(IdempotencyKey.of("otlp-" + id, id));
                } catch (JsonIngest.BadLineException e) {
                    why = noun + " " + (i + 1) + " (" + row.event() + "): " + e.problems().get(0).replaceFirst("^line 1: ", "");
                }
            }
            if (why != null) {
                refused++;
                if (reasons.size() < NAMED_REASONS) {
                    reasons.add(Output.printable(why));
                }
            }
        }
        // Queued together, after every row is prepared: the writer (which commits whatever is
        // queued at once) takes the export as one or two transactions, not one per record.
        List<CompletableFuture<Ingested>> pending = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            pending.add(db.ingest(rows.get(i), keys.get(i)));
        }
        int written = 0;
        int replayed = 0;
        for (CompletableFuture<Ingested> f : pending) {
            Ingested done = f.join();
            if (done.replayed()) {
                replayed++;
            } else {
                written += done.rows();
            }
        }
        return new Result(written, replayed, refused, reasons, skipped, 0);
    }

    /**
     * An {@code Export…ServiceResponse} in protobuf. The three signals' responses have one wire
     * form (field 1, partial_success, holding field 1, the rejected count as int64, and field 2,
     * error_message), so the logs builder writes the answer for all three; an empty message is
     * a full success, with no partial_success.
     */
    static byte[] protobufAnswer(long rejected, String message) {
        var answer = ExportLogsServiceResponse.newBuilder();
        if (!message.isEmpty()) {
            answer.setPartialSuccess(ExportLogsPartialSuccess.newBuilder()
                    .setRejectedLogRecords(rejected).setErrorMessage(message));
        }
        return answer.build().toByteArray();
    }

    private static void answer(HttpExchange ex, boolean json, Signal signal, Result result) throws IOException {
        String message = result.message();
        byte[] body;
        if (json) {
            ObjectNode answer = MAPPER.createObjectNode();
            if (!message.isEmpty()) {
                answer.putObject("partialSuccess").put(signal.rejectedField, String.valueOf(result.refused()))
                        .put("errorMessage", message);
            }
            body = MAPPER.writeValueAsBytes(answer);
        } else {
            body = protobufAnswer(result.refused(), message);
        }
        sendBytes(ex, 200, json, body);
    }

    /**
     * A failure answered as OTLP asks: a {@code google.rpc.Status} (code, message) in the
     * request's encoding ({@code grpcCode}: gRPC's code for it).
     */
    static void fail(HttpExchange ex, boolean json, int status, int grpcCode, String message) throws IOException {
        LauncherProtocol.drain(ex); // the client gets the answer, not a reset
        byte[] body;
        if (json) {
            body = MAPPER.writeValueAsBytes(MAPPER.createObjectNode().put("code", grpcCode).put("message", message));
        } else {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            CodedOutputStream coded = CodedOutputStream.newInstance(out);
            coded.writeInt32(1, grpcCode);
            coded.writeString(2, message);
            coded.flush();
            body = out.toByteArray();
        }
        sendBytes(ex, status, json, body);
    }

    private static void sendBytes(HttpExchange ex, int status, boolean json, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", json ? "application/json" : "application/x-protobuf");
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            ex.getResponseBody().write(body);
        }
    }

    private static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;
    }

    private static final class NoRoom extends IOException {
        private static final long serialVersionUID = 1L;
    }

    /**
     * The body, decompressed, at most {@link #MAX_DECODED_BYTES}; the write-body budget is taken
     * as it grows ({@code taken[0]}: how much, for the caller to give back).
     */
    private byte[] read(InputStream raw, boolean gzip, long[] taken) throws IOException {
        InputStream in = gzip ? new GZIPInputStream(raw, 1 << 16) : raw;
        ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 16);
        byte[] buf = new byte[1 << 16];
        int n;
        while ((n = in.read(buf)) > 0) {
            if (out.size() + n > MAX_DECODED_BYTES) {
                throw new TooLarge();
            }
            while (out.size() + n > taken[0]) {
                if (!admission.enterBody(BUDGET_STEP)) {
                    throw new NoRoom();
                }
                taken[0] += BUDGET_STEP;
            }
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }
}
