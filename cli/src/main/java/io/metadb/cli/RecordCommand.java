package io.metadb.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.metadb.core.BadInputException;
import io.metadb.dao.JsonIngest;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code metadb record TABLE key=value … key:=JSON}: one row without a JSON file, in HTTPie's
 * convention ({@code key=value} a string, {@code key:=…} raw JSON). The row is validated and
 * written exactly as a one-line {@code ingest} (a {@code ts} member goes to the envelope) and
 * answered in ingest's words.
 */
@Command(name = "record", description = {"Append one row to a JSON-row table from key=value arguments.",
    "key=value is a string, key:=JSON is raw JSON (numbers, booleans, arrays, null).",
    "Validated and answered as a one-line ingest; ts=... sets the row's timestamp."},
        footer = {"", "Examples:", "  metadb record ticks agent=agent8 kind=heartbeat status=ok duration_ms:=12",
            "  metadb record tests suite=cli name=help status=pass duration_ms:=3 ts=2026-04-20T13:05:09.123Z"})
final class RecordCommand extends RootSubcommand {
    @Parameters(index = "0", paramLabel = "TABLE", description = "a JSON-row table, e.g. ticks")
    String table;

    @Parameters(index = "1..*", paramLabel = "KEY=VALUE", description = "key=string or key:=JSON, one per payload key")
    List<String> fields = new ArrayList<>();

    @Option(names = "--idempotency-key", paramLabel = "KEY",
            description = "a retry with the same key writes nothing again and prints the first answer")
    String idempotencyKey;

    @Override
    public Integer call() throws IOException {
        byte[] line = jsonLine(fields).getBytes(StandardCharsets.UTF_8);
        JsonIngest.Prepared rows;
        try {
            rows = JsonIngest.prepare(table, new java.io.ByteArrayInputStream(line), root.now());
        } catch (JsonIngest.BadLineException e) {
            // One row: its problem without the line number an ingest of a file would give.
            throw new BadInputException(e.problems().get(0).replaceFirst("^line 1: ", ""));
        }
        Appends.write(root, rows, Appends.requestDigest(table, line), idempotencyKey, out());
        return 0;
    }

    private static final JsonFactory JSON = new JsonFactory();

    /**
     * The arguments as one JSON object, in their order: {@code key=value} a string,
     * {@code key:=text} the JSON value {@code text} as given (a number keeps its digits).
     *
     * @throws BadInputException for an argument that is neither, an empty key, a key given
     *     twice, or raw JSON that is not one JSON value
     */
    static String jsonLine(List<String> fields) throws IOException {
        StringWriter text = new StringWriter();
        Set<String> seen = new HashSet<>();
        try (JsonGenerator out = JSON.createGenerator(text)) {
            out.writeStartObject();
            for (String field : fields) {
                int eq = field.indexOf('=');
                if (eq < 0) {
                    throw new BadInputException("'" + Output.printable(field) + "': expected key=value (a string)"
                            + " or key:=JSON (numbers, booleans, arrays, null)");
                }
                boolean raw = eq > 0 && field.charAt(eq - 1) == ':';
                String key = field.substring(0, raw ? eq - 1 : eq);
                String value = field.substring(eq + 1);
                if (key.isEmpty()) {
                    throw new BadInputException("'" + Output.printable(field) + "': the key before '"
                            + (raw ? ":=" : "=") + "' is empty");
                }
                if (!seen.add(key)) {
                    throw new BadInputException(Output.printable(key) + ": given twice");
                }
                out.writeFieldName(key);
                if (raw) {
                    checkOneValue(key, value);
                    out.writeRawValue(value.strip());
                } else {
                    out.writeString(value);
                }
            }
            out.writeEndObject();
        }
        return text.toString();
    }

    /** Whether {@code text} is exactly one JSON value (whitespace around it allowed). */
    private static void checkOneValue(String key, String text) throws IOException {
        try (JsonParser p = JSON.createParser(text)) {
            if (p.nextToken() == null) {
                throw new BadInputException(Output.printable(key) + ":= needs a JSON value (use " + Output.printable(key)
                        + "= for an empty string)");
            }
            p.skipChildren();
            if (p.nextToken() != null) {
                throw new BadInputException(Output.printable(key) + ":=" + Output.printable(text)
                        + ": not one JSON value (a string is key=text, or key:='\"text\"')");
            }
        } catch (JsonProcessingException e) {
            throw new BadInputException(Output.printable(key) + ":=" + Output.printable(text) + ": not valid JSON ("
                    + e.getOriginalMessage() + "); a string is key=text");
        }
    }
}
