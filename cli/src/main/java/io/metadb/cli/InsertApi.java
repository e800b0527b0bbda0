package io.metadb.cli;

import static io.metadb.cli.Responses.send;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.metadb.core.BadInput;
import io.metadb.dao.IdempotencyKey;
import io.metadb.dao.Ingested;
import io.metadb.dao.JsonIngest;
import io.metadb.dao.MetaDb;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * The HTTP insert API for any language, after Datasette's write API: {@code POST
 * /TABLE/-/insert} with the write token and {@code {"row": {…}}} or {@code {"rows": […]}}
 * ({@code application/json}) or JSON Lines ({@code application/x-ndjson}). Every row is
 * validated before any is queued, as {@code ingest} validates; the answer comes after the
 * commit: {@code 201 {"ok": true, "rows": N, "first_id": …, "last_id": …}}; any bad row {@code 400
 * {"ok": false, "errors": ["row 2: …", …]}} and nothing written; an unknown table 404; a body
 * over {@link Admission#WRITE_BODY_BUDGET} 413 (the server checks that before this runs). An {@code Idempotency-Key} header makes a repeat of the
 * request write nothing and get the first answer (with {@code Idempotent-Replayed: true}); the
 * same key with another body 422. Thread-safe.
 */
final class InsertApi {
    private static final JsonFactory JSON = new JsonFactory();
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Supplier<MetaDb> writer;

    InsertApi(Supplier<MetaDb> writer) {
        this.writer = writer;
    }

    /** {@code POST /TABLE/-/insert}. */
    void insert(HttpExchange ex, String table) throws IOException {
        String type = String.valueOf(ex.getRequestHeaders().getFirst("Content-Type")).toLowerCase(Locale.ROOT);
        boolean lines = type.startsWith("application/x-ndjson") || type.startsWith("application/jsonl")
                || type.startsWith("application/jsonlines");
        if (!lines && !type.startsWith("application/json")) {
            fail(ex, 415, "send application/json ({\"row\": {...}} or {\"rows\": [...]}) or application/x-ndjson");
            return;
        }
        String key = ex.getRequestHeaders().getFirst("Idempotency-Key");
        if (key != null) {
            try {
                IdempotencyKey.check(key);
            } catch (IllegalArgumentException e) {
                fail(ex, 400, "Idempotency-Key: " + e.getMessage());
                return;
            }
        }
        MessageDigest digest = Appends.newDigest(table);
        digest.update((lines ? "lines\n" : "json\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        JsonIngest.Prepared rows;
        try (InputStream in = new DigestInputStream(ex.getRequestBody(), digest)) {
            rows = JsonIngest.prepare(table, lines ? in : new RowsAsLines(in), Instant.now());
        } catch (JsonIngest.BadLineException e) {
            ArrayNode errors = MAPPER.createArrayNode();
            e.problems().forEach(p -> errors.add(p.replaceFirst("^line ", "row ")));
            if (e.more() > 0) {
                errors.add("(and " + e.more() + " more bad rows)");
            }
            sendJson(ex, 400, MAPPER.createObjectNode().put("ok", false).set("errors", errors));
            return;
        } catch (RuntimeException e) {
            if (e instanceof BadInput) {
                boolean unknown = e.getMessage() != null && e.getMessage().startsWith("unknown table");
                fail(ex, unknown ? 404 : 400, e.getMessage());
                return;
            }
            throw e;
        }
        Ingested done;
        try {
            done = writer.get().ingest(rows, key == null ? null : IdempotencyKey.of(key, Appends.hex(digest))).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof IdempotencyKey.ReusedException reused) {
                fail(ex, 422, reused.getMessage());
                return;
            }
            throw e;
        }
        if (done.replayed()) {
            ex.getResponseHeaders().set("Idempotent-Replayed", "true");
        }
        ObjectNode answer = MAPPER.createObjectNode().put("ok", true).put("rows", done.rows());
        if (done.rows() > 0) {
            answer.put("first_id", done.ids().first()).put("last_id", done.ids().last());
        } else {
            answer.putNull("first_id").putNull("last_id");
        }
        sendJson(ex, 201, answer);
    }

    static void fail(HttpExchange ex, int status, String error) throws IOException {
        sendJson(ex, status, MAPPER.createObjectNode().put("ok", false).set("errors", MAPPER.createArrayNode().add(error)));
    }

    private static void sendJson(HttpExchange ex, int status, ObjectNode body) throws IOException {
        if (status >= 400) {
            LauncherProtocol.drain(ex); // what is left of a refused body: the client gets the answer, not a reset
        }
        send(ex, status, "application/json", MAPPER.writeValueAsString(body) + "\n");
    }

    /**
     * {@code {"row": {…}}} or {@code {"rows": [{…}, …]}} read as JSON Lines, one row at a time
     * (a body of any size is never held whole): each row's JSON as given (numbers keep their
     * digits), one a line; anything in {@code rows} that is not an object becomes a line that
     * is not one, which validation names by its number.
     */
    private static final class RowsAsLines extends InputStream {
        private final JsonParser p;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();
        private byte[] buf = new byte[0];
        private int at;
        private boolean inRows;
        private boolean done;

        RowsAsLines(InputStream in) throws IOException {
            this.p = JSON.createParser(in);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            while (at == buf.length) {
                if (done) {
                    return -1;
                }
                next();
            }
            int n = Math.min(len, buf.length - at);
            System.arraycopy(buf, at, b, off, n);
            at += n;
            return n;
        }

        /** The next row as a line into {@code buf}, or {@code done}. */
        private void next() throws IOException {
            try {
                if (p.currentToken() == null) {
                    if (p.nextToken() != JsonToken.START_OBJECT) {
                        throw bad("the body is {\"row\": {...}} or {\"rows\": [...]}");
                    }
                    JsonToken field = p.nextToken();
                    String name = field == JsonToken.FIELD_NAME ? p.currentName() : null;
                    if (!"row".equals(name) && !"rows".equals(name)) {
                        throw bad("the body is {\"row\": {...}} or {\"rows\": [...]}" + (name == null ? ""
                                : ", not '" + Output.printable(name) + "'"));
                    }
                    JsonToken value = p.nextToken();
                    if (name.equals("rows")) {
                        if (value != JsonToken.START_ARRAY) {
                            throw bad("\"rows\" is an array of objects");
                        }
                        inRows = true;
                    } else {
                        emit(); // the one row
                        endOfBody();
                        return;
                    }
                }
                JsonToken t = p.nextToken();
                if (inRows && t == JsonToken.END_ARRAY) {
                    endOfBody();
                    buf = new byte[0];
                    at = 0;
                    return;
                }
                if (t == null) {
                    throw bad("the body ends inside \"rows\"");
                }
                emit();
            } catch (JsonProcessingException e) {
                throw bad("not valid JSON: " + e.getOriginalMessage());
            }
        }

        private void endOfBody() throws IOException {
            if (p.nextToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw bad("the body holds one member, \"row\" or \"rows\"");
            }
            done = true;
        }

        /** The value at the parser as one line, as given. */
        private void emit() throws IOException {
            line.reset();
            try (JsonGenerator g = JSON.createGenerator(line)) {
                int depth = 0;
                do {
                    JsonToken t = p.currentToken();
                    switch (t) {
                        case START_OBJECT, START_ARRAY -> depth++;
                        case END_OBJECT, END_ARRAY -> depth--;
                        default -> { }
                    }
                    if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
                        g.writeNumber(p.getText());
                    } else {
                        g.copyCurrentEvent(p);
                    }
                } while (depth > 0 && p.nextToken() != null);
            }
            line.write('\n');
            buf = line.toByteArray();
            at = 0;
        }

        private static BadBody bad(String why) {
            return new BadBody(why);
        }
    }

    /** A body that is not {@code {"row"}} / {@code {"rows"}}: 400, nothing written. */
    static final class BadBody extends IllegalArgumentException implements BadInput {
        private static final long serialVersionUID = 1L;

        BadBody(String message) {
            super(message);
        }
    }

    /** The table of an insert path ({@code /TABLE/-/insert}), or null for another path. */
    static String tableOf(String path) {
        List<String> parts = List.of(path.split("/", -1));
        return parts.size() == 4 && parts.get(0).isEmpty() && parts.get(2).equals("-") && parts.get(3).equals("insert")
                && !parts.get(1).isEmpty() ? parts.get(1) : null;
    }
}
