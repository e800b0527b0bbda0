package io.metadb.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonFactory;
import io.metadb.analytics.Tabular;
import io.metadb.generated.convert.Timestamps;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The three renderings of a {@link Tabular} result (SPEC §4): an aligned table,
 * {@code --json} (array of objects; numbers as numbers, absent as null) and {@code --csv}
 * (RFC 4180 with a header). Stateless.
 */
final class Output {
    /** How to print. */
    enum Format { TABLE, JSON, CSV }

    /** The {@code --json}/{@code --csv} options every report shares. */
    static final class FormatOptions {
        @Option(names = "--json", description = "print a JSON array of objects")
        boolean json;

        @Option(names = "--csv", description = "print CSV with a header")
        boolean csv;

        Format format() {
            return Output.format(json, csv);
        }
    }

    // The streaming factory only: an ObjectMapper costs start-up time a report does not need.
    private static final JsonFactory JSON = new JsonFactory();

    private final List<String> columns;
    private final List<List<Object>> rows;

    private Output(Tabular result) {
        this.columns = result.columns();
        this.rows = result.rows();
    }

    /** The format the two flags select. */
    static Format format(boolean json, boolean csv) {
        if (json && csv) {
            throw new BadInputException("--json and --csv exclude each other");
        }
        return json ? Format.JSON : csv ? Format.CSV : Format.TABLE;
    }

    /** Prints {@code result} in {@code format}. */
    static void print(Tabular result, Format format, PrintWriter out) {
        new Output(result).print(format, out);
    }

    private void print(Format format, PrintWriter out) {
        switch (format) {
            case JSON -> printJson(out);
            case CSV -> printCsv(out);
            default -> printTable(out);
        }
        out.flush();
    }

    private void printTable(PrintWriter out) {
        int n = columns.size();
        int[] width = new int[n];
        boolean[] numeric = new boolean[n];
        List<String[]> cells = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            width[i] = columns.get(i).length();
            numeric[i] = !rows.isEmpty();
        }
        for (List<Object> row : rows) {
            String[] line = new String[n];
            for (int i = 0; i < n; i++) {
                Object v = row.get(i);
                line[i] = v == null ? "-" : v instanceof Double d ? tableNumber(d) : text(v);
                width[i] = Math.max(width[i], line[i].length());
                numeric[i] &= v == null || v instanceof Number;
            }
            cells.add(line);
        }
        out.println(align(columns.toArray(String[]::new), width, numeric));
        for (String[] line : cells) {
            out.println(align(line, width, numeric));
        }
    }

    private static String align(String[] cells, int[] width, boolean[] numeric) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            String pad = " ".repeat(width[i] - cells[i].length());
            if (i > 0) {
                sb.append("  ");
            }
            sb.append(numeric[i] ? pad + cells[i] : i == cells.length - 1 ? cells[i] : cells[i] + pad);
        }
        return sb.toString();
    }

    private void printJson(PrintWriter out) {
        StringWriter buffer = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(buffer)) {
            g.writeStartArray();
            for (List<Object> row : rows) {
                g.writeStartObject();
                for (int i = 0; i < columns.size(); i++) {
                    g.writeFieldName(columns.get(i));
                    Object v = row.get(i);
                    if (v == null) {
                        g.writeNull();
                    } else if (v instanceof Long || v instanceof Integer) {
                        g.writeNumber(((Number) v).longValue());
                    } else if (v instanceof Double d) {
                        g.writeNumber(d);
                    } else if (v instanceof BigDecimal b) {
                        g.writeNumber(b);
                    } else if (v instanceof Boolean b) {
                        g.writeBoolean(b);
                    } else {
                        g.writeString(text(v));
                    }
                }
                g.writeEndObject();
            }
            g.writeEndArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        out.println(buffer);
    }

    private void printCsv(PrintWriter out) {
        out.print(csvLine(new ArrayList<>(columns)));
        for (List<Object> row : rows) {
            out.print(csvLine(row));
        }
    }

    private static String csvLine(List<?> values) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            Object v = values.get(i);
            if (v != null) {
                String s = text(v);
                if (s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
                    s = '"' + s.replace("\"", "\"\"") + '"';
                }
                sb.append(s);
            }
        }
        return sb.append("\r\n").toString();
    }

    /** A REAL in the aligned table: at most 6 decimals (JSON and CSV keep every digit). */
    private static String tableNumber(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return Double.toString(d);
        }
        return BigDecimal.valueOf(d).setScale(6, java.math.RoundingMode.HALF_EVEN).stripTrailingZeros().toPlainString();
    }

    /** Text of a value: stored timestamp format, plain decimals (no exponent). */
    static String text(Object v) {
        if (v instanceof Instant i) {
            return Timestamps.format(i);
        }
        if (v instanceof Double d) {
            return d.isNaN() || d.isInfinite() ? d.toString() : BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
        }
        if (v instanceof byte[] bytes) {
            StringBuilder sb = new StringBuilder("x'");
            for (byte b : bytes) {
                sb.append(String.format("%02x", b));
            }
            return sb.append('\'').toString();
        }
        return String.valueOf(v);
    }

}
