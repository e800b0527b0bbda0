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
        List<String> tss = new ArrayList<>();
        List<String> rows = new ArrayList<>();
        String tsKey = table.ts().getName();
        String line;
        long number = 0;
        while ((line = in.readLine()) != null) {
            number++;
            if (line.isBlank()) {
                continue;
            }
            try {
                JsonNode node;
                try {
                    node = Json.MAPPER.readTree(line);
                } catch (JsonProcessingException e) {
                    throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage());
                }
                if (!(node instanceof ObjectNode obj)) {
                    throw new IllegalArgumentException("not a JSON object");
                }
                JsonNode ts = obj.remove(tsKey);
                String rowTs = nowTs;
                if (ts != null && !ts.isNull()) {
                    if (!ts.isTextual()) {
                        throw new IllegalArgumentException("ts: must be a string like 2026-04-20T13:05:09.123Z");
                    }
                    rowTs = Json.ts(ts.textValue());
                }
                table.spec().validate(obj);
                String json = Json.MAPPER.writeValueAsString(obj);
                Json.checkSize(table.name(), json);
                tss.add(rowTs);
                rows.add(json);
            } catch (BadLineException e) {
                throw e;
            } catch (IllegalArgumentException | JsonProcessingException e) {
                throw new BadLineException(number, e.getMessage());
            }
        }
        return new Prepared(table, tss.toArray(String[]::new), rows.toArray(String[]::new));
    }
}
