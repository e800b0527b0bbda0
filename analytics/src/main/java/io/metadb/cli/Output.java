package io.metadb.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonFactory;
import io.metadb.analytics.Rows;
import io.metadb.generated.convert.Timestamps;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * A report's result as columns and rows, and its three renderings (SPEC §4): an aligned
 * table, {@code --json} (array of objects; numbers as numbers, absent as null) and
 * {@code --csv} (RFC 4180 with a header). Immutable.
 */
record Output(List<String> columns, List<List<Object>> rows) {
    /** How to print. */
    enum Format { TABLE, JSON, CSV }

    /** The {@code --json}/{@code --csv} options every report shares. */
    static final class FormatOptions {
        @Option(names = "--json", description = "print a JSON array of objects")
        boolean json;

        @Option(names = "--csv", description = "print CSV with a header")
        boolean csv;

        Format format() {
            if (json && csv) {
                throw new BadInputException("--json and --csv exclude each other");
            }
            return json ? Format.JSON : csv ? Format.CSV : Format.TABLE;
        }
    }

    // The streaming factory only: an ObjectMapper costs start-up time a report does not need.
    private static final JsonFactory JSON = new JsonFactory();

    /** Rows from typed report records: one column per component, snake_case. */
    static Output of(Class<? extends Record> type, Collection<? extends Record> records) {
        RecordComponent[] components = type.getRecordComponents();
        List<String> columns = new ArrayList<>();
        for (RecordComponent c : components) {
            columns.add(columnName(c));
        }
        List<List<Object>> rows = new ArrayList<>();
        for (Record r : records) {
            List<Object> row = new ArrayList<>();
            for (RecordComponent c : components) {
                row.add(read(c, r));
            }
            rows.add(row);
        }
        return new Output(columns, rows);
    }

    /** A metric/value report from one typed record: one row per component; no rows if absent. */
    static Output metrics(Class<? extends Record> type, Optional<? extends Record> record) {
        List<List<Object>> rows = new ArrayList<>();
        record.ifPresent(r -> {
            for (RecordComponent c : type.getRecordComponents()) {
                List<Object> row = new ArrayList<>();
                row.add(columnName(c));
                row.add(read(c, r));
                rows.add(row);
            }
        });
        return new Output(List.of("metric", "value"), rows);
    }

    /** The same rows under another first column name (e.g. {@code cost}'s model/agent/day). */
    Output renameFirstColumn(String name) {
        List<String> cols = new ArrayList<>(columns);
        cols.set(0, name);
        return new Output(cols, rows);
    }

    void print(Format format, PrintWriter out) {
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

    private static String columnName(RecordComponent c) {
        Rows.Column column = c.getAnnotation(Rows.Column.class);
        if (column != null) {
            return column.value();
        }
        StringBuilder out = new StringBuilder();
        for (char ch : c.getName().toCharArray()) {
            if (Character.isUpperCase(ch)) {
                out.append('_');
            }
            out.append(Character.toLowerCase(ch));
        }
        return out.toString();
    }

    private static Object read(RecordComponent c, Record r) {
        try {
            return c.getAccessor().invoke(r);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read " + c.getName(), e);
        }
    }
}
