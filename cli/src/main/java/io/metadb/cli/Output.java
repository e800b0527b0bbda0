package io.metadb.cli;

import io.metadb.core.BadInputException;
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
    enum Format { TABLE, JSON, CSV, NL }

    /** The {@code --json}/{@code --csv} options every report shares. */
    static final class FormatOptions {
        @Option(names = "--json", description = "print a JSON array of objects")
        boolean json;

        @Option(names = "--csv", description = "print CSV with a header")
        boolean csv;

        @Option(names = "--nl", description = "print one JSON object per line")
        boolean nl;

        Format format() {
            return Output.format(json, csv, nl);
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

    /** The format the flags select. */
    static Format format(boolean json, boolean csv, boolean nl) {
        if ((json ? 1 : 0) + (csv ? 1 : 0) + (nl ? 1 : 0) > 1) {
            throw new BadInputException("--json, --csv and --nl exclude each other");
        }
        return json ? Format.JSON : csv ? Format.CSV : nl ? Format.NL : Format.TABLE;
    }

    /** Prints {@code result} in {@code format}. */
    static void print(Tabular result, Format format, PrintWriter out) {
        new Output(result).print(format, out, false);
    }

    /** Prints {@code result} in {@code format}; the aligned table ends with a total line if {@code totalLine}. */
    static void print(Tabular result, Format format, PrintWriter out, boolean totalLine) {
        new Output(result).print(format, out, totalLine);
    }

    private void print(Format format, PrintWriter out, boolean totalLine) {
        switch (format) {
            case JSON -> printJson(out, false);
            case NL -> printJson(out, true);
            case CSV -> printCsv(out);
            default -> printTable(out, totalLine);
        }
        out.flush();
    }

    /** A cell of the aligned table: at most this many characters of text, then "…". */
    static final int MAX_TEXT = 60;
    /** How the aligned table shows null (the text "-" stays "-"). */
    static final String NULL = "\u2205";
    /** The largest number of decimals the aligned table shows (JSON and CSV keep every digit). */
    private static final int MAX_DECIMALS = 6;

    /**
     * The aligned table, for a person: integers with thousands separators (ids excepted),
     * each REAL column with one number of decimals so points line up, null as {@link #NULL},
     * newlines and tabs escaped so a row stays one line, long text cut with "…"; optionally a
     * last line of totals of the numeric columns.
     */
    private void printTable(PrintWriter out, boolean totalLine) {
        int n = columns.size();
        int[] decimals = new int[n];
        boolean[] numeric = new boolean[n];
        for (int i = 0; i < n; i++) {
            numeric[i] = !rows.isEmpty();
        }
        for (List<Object> row : rows) {
            for (int i = 0; i < n; i++) {
                Object v = row.get(i);
                numeric[i] &= v == null || v instanceof Number;
                if (v instanceof Double d && Double.isFinite(d)) {
                    decimals[i] = Math.max(decimals[i], decimalsOf(d));
                }
            }
        }
        List<String[]> cells = new ArrayList<>();
        for (List<Object> row : rows) {
            String[] line = new String[n];
            for (int i = 0; i < n; i++) {
                line[i] = cell(row.get(i), columns.get(i), decimals[i]);
            }
            cells.add(line);
        }
        if (totalLine && !rows.isEmpty()) {
            cells.add(totals(numeric, decimals));
        }
        int[] width = new int[n];
        for (int i = 0; i < n; i++) {
            width[i] = columns.get(i).length();
            for (String[] line : cells) {
                width[i] = Math.max(width[i], line[i].length());
            }
        }
        out.println(align(columns.toArray(String[]::new), width, numeric));
        for (String[] line : cells) {
            out.println(align(line, width, numeric));
        }
    }

    /** The total line: "total" first, the sum of each numeric column, blank elsewhere. */
    private String[] totals(boolean[] numeric, int[] decimals) {
        String[] line = new String[columns.size()];
        for (int i = 0; i < line.length; i++) {
            if (i == 0 || !numeric[i]) {
                line[i] = i == 0 ? "total" : "";
                continue;
            }
            BigDecimal sum = BigDecimal.ZERO;
            boolean real = false;
            for (List<Object> row : rows) {
                if (row.get(i) instanceof Double d) {
                    sum = sum.add(BigDecimal.valueOf(d));
                    real = true;
                } else if (row.get(i) instanceof Number v) {
                    sum = sum.add(BigDecimal.valueOf(v.longValue()));
                }
            }
            line[i] = real ? cell(sum.doubleValue(), columns.get(i), decimals[i]) : cell(sum.longValueExact(), columns.get(i), 0);
        }
        return line;
    }

    private static String cell(Object v, String column, int decimals) {
        if (v == null) {
            return NULL;
        }
        if (v instanceof Double d) {
            return Double.isFinite(d)
                    ? grouped(BigDecimal.valueOf(d).setScale(decimals, java.math.RoundingMode.HALF_EVEN).toPlainString())
                    : d.toString();
        }
        if (v instanceof Long || v instanceof Integer) {
            return column.equals("id") ? v.toString() : grouped(v.toString());
        }
        String text = text(v).replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t");
        return text.length() > MAX_TEXT ? text.substring(0, MAX_TEXT - 1) + "\u2026" : text;
    }

    /**
     * A plain decimal ({@code -1234567.25}) with thousands separators in its integer part. By
     * hand: {@code String.format}'s parser costs a report that prints a few hundred numbers
     * in a short-lived JVM a noticeable part of its run.
     */
    static String grouped(String plain) {
        int start = plain.startsWith("-") ? 1 : 0;
        int point = plain.indexOf('.');
        int end = point < 0 ? plain.length() : point;
        if (end - start <= 3) {
            return plain;
        }
        StringBuilder out = new StringBuilder(plain.length() + (end - start) / 3);
        out.append(plain, 0, start);
        for (int i = start; i < end; i++) {
            if (i > start && (end - i) % 3 == 0) {
                out.append(',');
            }
            out.append(plain.charAt(i));
        }
        return out.append(plain, end, plain.length()).toString();
    }

    /** The decimals {@code d} needs, at most {@link #MAX_DECIMALS}. */
    private static int decimalsOf(double d) {
        return Math.max(0, BigDecimal.valueOf(d).setScale(MAX_DECIMALS, java.math.RoundingMode.HALF_EVEN)
                .stripTrailingZeros().scale());
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

    /** {@code --json}: one array; with {@code lines} ({@code --nl}), one object per line and no array. */
    private void printJson(PrintWriter out, boolean lines) {
        StringWriter buffer = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(buffer)) {
            if (lines) {
                g.setRootValueSeparator(new com.fasterxml.jackson.core.io.SerializedString("\n"));
            } else {
                g.writeStartArray();
            }
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
            if (!lines) {
                g.writeEndArray();
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        if (!lines || !rows.isEmpty()) {
            out.println(buffer);
        }
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
