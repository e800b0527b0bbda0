package io.metadb.cli;

import io.metadb.core.BadInputException;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonFactory;
import io.metadb.analytics.RowSink;
import io.metadb.analytics.Tabular;
import io.metadb.generated.convert.Timestamps;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.time.Instant;
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
    static final JsonFactory JSON = new JsonFactory()
            .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET).disable(JsonGenerator.Feature.FLUSH_PASSED_TO_STREAM);
    /** Rows between checks that the reader is still there (and flushes to it). */
    static final int CHECK_EVERY_ROWS = 256;
    /** Rows the aligned table lays out at once: its memory bound for a result of any size. */
    static final int TABLE_BLOCK_ROWS = 1_000;

    private Output() {}

    /** The format the flags select. */
    static Format format(boolean json, boolean csv, boolean nl) {
        if ((json ? 1 : 0) + (csv ? 1 : 0) + (nl ? 1 : 0) > 1) {
            throw new BadInputException("--json, --csv and --nl exclude each other");
        }
        return json ? Format.JSON : csv ? Format.CSV : nl ? Format.NL : Format.TABLE;
    }

    /** Prints {@code result} in {@code format}. */
    static void print(Tabular result, Format format, PrintWriter out) {
        print(result, format, out, false);
    }

    /** Prints {@code result} in {@code format}; the aligned table ends with a total line if {@code totalLine}. */
    static void print(Tabular result, Format format, PrintWriter out, boolean totalLine) {
        RowSink sink = sink(format, out, totalLine);
        sink.columns(result.columns());
        result.rows().forEach(sink::row);
        sink.end();
    }

    /**
     * A sink printing rows in {@code format} as they come: the first rows reach {@code out} at
     * once and nothing is held but the aligned table's current block. Once {@code out} can no
     * longer be written (the reader went away: a closed pipe or connection), it throws
     * {@link ReaderGoneException}, which stops the run.
     */
    static RowSink sink(Format format, PrintWriter out, boolean totalLine) {
        return switch (format) {
            case JSON -> new JsonSink(out, false);
            case NL -> new JsonSink(out, true);
            case CSV -> new CsvSink(out);
            default -> new TableSink(out, totalLine);
        };
    }

    /** The reader of the output went away; the command stops quietly (exit {@link Main#EXIT_READER_GONE}). */
    static final class ReaderGoneException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ReaderGoneException() {
            super("the reader of the output went away", null, false, false);
        }
    }

    /** A cell of the aligned table: at most this many characters of text, then "…". */
    static final int MAX_TEXT = 60;
    /** How the aligned table shows null (the text "-" stays "-"). */
    static final String NULL = "\u2205";
    /** The largest number of decimals the aligned table shows (JSON and CSV keep every digit). */
    private static final int MAX_DECIMALS = 6;

    /**
     * A cell of the aligned table. Money (a column named {@code cost_usd} or ending in
     * {@code _usd}) shows as dollars and cents, with more digits only under a cent
     * ({@code $745.28}, {@code $0.0042}); a duration (a column ending in {@code _ms}) as whole
     * milliseconds; other numbers with thousands separators and the column's decimals.
     */
    static String cell(Object v, String column, int decimals) {
        if (v == null) {
            return NULL;
        }
        if ((v instanceof Double || v instanceof Long || v instanceof Integer) && isMoney(column)
                && Double.isFinite(((Number) v).doubleValue())) {
            return money(((Number) v).doubleValue());
        }
        if (v instanceof Double d && Double.isFinite(d) && column.endsWith("_ms")) {
            return grouped(BigDecimal.valueOf(d).setScale(0, java.math.RoundingMode.HALF_UP).toPlainString());
        }
        if (v instanceof Double d) {
            return Double.isFinite(d)
                    ? grouped(BigDecimal.valueOf(d).setScale(decimals, java.math.RoundingMode.HALF_EVEN).toPlainString())
                    : d.toString();
        }
        if (v instanceof Long || v instanceof Integer) {
            return column.equals("id") ? v.toString() : grouped(v.toString());
        }
        String text = printable(text(v).replace("\\", "\\\\"));
        if (text.length() <= MAX_TEXT) {
            return text;
        }
        int cut = MAX_TEXT - 1;
        if (Character.isHighSurrogate(text.charAt(cut - 1))) {
            cut--; // never half a character (an emoji is two chars)
        }
        return text.substring(0, cut) + "\u2026";
    }

    /** {@code text} as one shell word in a hint: as it is when it needs no quoting, else in single quotes. */
    static String shellWord(String text) {
        return text.matches("[A-Za-z0-9_./:@%+=,-]+") ? printable(text) : "'" + printable(text).replace("'", "'\\''") + "'";
    }

    /** Whether the aligned table shows {@code column} as money. */
    static boolean isMoney(String column) {
        return column.equals("cost_usd") || column.endsWith("_usd");
    }

    /** Dollars and cents (half up); under a cent, two significant digits ({@code $0.0042}); {@code -$1.50}. */
    static String money(double usd) {
        BigDecimal abs = BigDecimal.valueOf(Math.abs(usd));
        BigDecimal cents = abs.setScale(2, java.math.RoundingMode.HALF_UP);
        String digits = cents.signum() != 0 || abs.signum() == 0 ? grouped(cents.toPlainString())
                : abs.round(new java.math.MathContext(2, java.math.RoundingMode.HALF_UP)).toPlainString();
        return (usd < 0 && !digits.matches("[0.,]*") ? "-$" : "$") + digits;
    }

    /**
     * Text safe to show on a terminal: every control character (C0, DEL, C1) and the line and
     * paragraph separators escaped ({@code \n}, {@code \t}, {@code \r}, else {@code \x1b},
     * {@code \u2028}), so that a name chosen by whoever wrote a row cannot move the cursor,
     * clear the screen or retitle the window. Human output only: JSON, CSV and NL stay exact.
     */
    static String printable(String s) {
        int i = 0;
        while (i < s.length() && !escaped(s.charAt(i))) {
            i++;
        }
        if (i == s.length()) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length() + 8).append(s, 0, i);
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!escaped(c)) {
                b.append(c);
                continue;
            }
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> b.append(c < 0x100 ? String.format("\\x%02x", (int) c) : String.format("\\u%04x", (int) c));
            }
        }
        return b.toString();
    }

    private static boolean escaped(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029';
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
    static int decimalsOf(double d) {
        return Math.max(0, BigDecimal.valueOf(d).setScale(MAX_DECIMALS, java.math.RoundingMode.HALF_EVEN)
                .stripTrailingZeros().scale());
    }

    static String align(String[] cells, int[] width, boolean[] numeric) {
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

    /** One CSV record (RFC 4180), written straight to {@code out}: no line is built first. */
    static void csvLine(List<?> values, PrintWriter out) {
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            Object v = values.get(i);
            if (v instanceof Long n) {
                out.write(Long.toString(n));
            } else if (v != null) {
                String s = text(v);
                if (needsQuotes(s)) {
                    out.write('"');
                    int from = 0;
                    for (int q = s.indexOf('"'); q >= 0; q = s.indexOf('"', from)) {
                        out.write(s, from, q + 1 - from);
                        out.write('"');
                        from = q + 1;
                    }
                    out.write(s, from, s.length() - from);
                    out.write('"');
                } else {
                    out.write(s);
                }
            }
        }
        out.write("\r\n");
    }

    private static boolean needsQuotes(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ',' || c == '"' || c == '\n' || c == '\r') {
                return true;
            }
        }
        return false;
    }

    /**
     * A double as a plain decimal, no exponent, no trailing zeros ({@code 3}, {@code 0.25},
     * {@code 120}, {@code 0.0001}). Most values take the fast path: {@link Double#toString}
     * without an exponent is already that, but for a trailing ".0" (an export of a million
     * rows spends seconds in BigDecimal otherwise).
     */
    static String plain(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return Double.toString(d);
        }
        String s = Double.toString(d);
        if (s.indexOf('E') < 0) {
            if (s.endsWith(".0")) {
                s = s.substring(0, s.length() - 2);
            }
            return s.equals("-0") ? "0" : s;
        }
        return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }

    /** Text of a value: stored timestamp format, plain decimals (no exponent). */
    static String text(Object v) {
        if (v instanceof Instant i) {
            return Timestamps.format(i);
        }
        if (v instanceof Double d) {
            return plain(d);
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
