package io.metadb.dao;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.metadb.dao.internal.Json;
import io.metadb.dao.internal.JsonTables;
import io.metadb.dao.internal.JsonTables.JsonTable;
import java.io.BufferedReader;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * JSON Lines ingest (SPEC §4 {@code ingest}): every line is validated before anything is
 * written, so a bad line means nothing is written. Unknown keys are kept; an optional
 * {@code "ts"} member moves to the envelope. Stateless; thread-safe.
 */
public final class JsonIngest {
    /** A line that failed validation: its 1-based number and the reason. */
    public static final class BadLineException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        private final long line;

        BadLineException(long line, String reason) {
            super("line " + line + ": " + reason);
            this.line = line;
        }

        public long line() {
            return line;
        }
    }

    /** Validated rows of one table, ready to write in one transaction. */
    public static final class Prepared {
        final JsonTable table;
        final String[] ts;
        final String[] json;

        Prepared(JsonTable table, String[] ts, String[] json) {
            this.table = table;
            this.ts = ts;
            this.json = json;
        }

        public String table() {
            return table.name();
        }

        public int rows() {
            return ts.length;
        }
    }

    private JsonIngest() {}

    /**
     * Reads and validates every line; blank lines are skipped.
     *
     * @param now the ts of lines without one
     * @throws IllegalArgumentException for an unknown table
     * @throws BadLineException for the first bad line
     */
    public static Prepared prepare(String tableName, BufferedReader in, Instant now) throws IOException {
        JsonTable table = JsonTables.byName(tableName);
        String nowTs = Json.ts(now);
        List<String> lines = new ArrayList<>();
        String line;
        while ((line = in.readLine()) != null) {
            lines.add(line);
        }
        // Lines are independent: validate them on every core, keeping input order; the
        // error reported is the first bad line's, as a sequential pass would find it.
        int n = lines.size();
        String[] tss = new String[n];
        String[] rows = new String[n];
        String[] errors = new String[n];
        IntStream.range(0, n).parallel().forEach(i -> {
            try {
                String[] row = parseLine(table, lines.get(i), nowTs);
                if (row != null) {
                    tss[i] = row[0];
                    rows[i] = row[1];
                }
            } catch (IllegalArgumentException e) {
                errors[i] = e.getMessage();
            }
        });
        List<String> keptTs = new ArrayList<>(n);
        List<String> keptRows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            if (errors[i] != null) {
                throw new BadLineException(i + 1, errors[i]);
            }
            if (rows[i] != null) {
                keptTs.add(tss[i]);
                keptRows.add(rows[i]);
            }
        }
        return new Prepared(table, keptTs.toArray(String[]::new), keptRows.toArray(String[]::new));
    }

    /** One line as {ts, row_json}; null for a blank line. */
    private static String[] parseLine(JsonTable table, String line, String nowTs) {
        if (line.isBlank()) {
            return null;
        }
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage());
        }
        if (!(node instanceof ObjectNode obj)) {
            throw new IllegalArgumentException("not a JSON object");
        }
        JsonNode ts = obj.remove(table.ts().getName());
        String rowTs = nowTs;
        if (ts != null && !ts.isNull()) {
            if (!ts.isTextual()) {
                throw new IllegalArgumentException("ts: must be a string like 2026-04-20T13:05:09.123Z");
            }
            rowTs = Json.ts(ts.textValue());
        }
        table.spec().validate(obj);
        String json;
        try {
            json = Json.MAPPER.writeValueAsString(obj);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot re-serialise: " + e.getOriginalMessage());
        }
        Json.checkSize(table.name(), json);
        return new String[] {rowTs, json};
    }
}
