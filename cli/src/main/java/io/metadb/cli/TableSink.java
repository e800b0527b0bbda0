package io.metadb.cli;

import static io.metadb.cli.Output.MAX_TEXT;
import static io.metadb.cli.Output.TABLE_BLOCK_ROWS;
import static io.metadb.cli.Output.align;
import static io.metadb.cli.Output.cell;
import static io.metadb.cli.Output.decimalsOf;
import static io.metadb.cli.Output.text;

import java.io.PrintWriter;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * The aligned table, laid out a block of {@link Output#TABLE_BLOCK_ROWS} rows at a time: a
 * result of one block (every report's) is aligned as a whole; a longer one keeps the
 * first block's alignment and widens columns as later blocks need.
 */
final class TableSink extends CheckedSink {
    private final boolean totalLine;
    private List<String> columns;
    private final List<List<Object>> block = new ArrayList<>();
    private boolean headerDone;
    private boolean[] numeric;
    private int[] decimals;
    private int[] width;
    private BigDecimal[] sums;
    private boolean[] real;
    private boolean anyRow;

    TableSink(PrintWriter out, boolean totalLine) {
        super(out);
        this.totalLine = totalLine;
    }

    @Override
    public void columns(List<String> names) {
        columns = List.copyOf(names);
        int n = columns.size();
        decimals = new int[n];
        width = new int[n];
        sums = new BigDecimal[n];
        real = new boolean[n];
        for (int i = 0; i < n; i++) {
            width[i] = columns.get(i).length();
            sums[i] = BigDecimal.ZERO;
        }
    }

    @Override
    public void row(List<Object> values) {
        anyRow = true;
        block.add(shortened(values));
        if (totalLine) {
            for (int i = 0; i < values.size(); i++) {
                if (values.get(i) instanceof Double d) {
                    sums[i] = sums[i].add(BigDecimal.valueOf(d));
                    real[i] = true;
                } else if (values.get(i) instanceof Number v) {
                    sums[i] = sums[i].add(BigDecimal.valueOf(v.longValue()));
                }
            }
        }
        if (block.size() == TABLE_BLOCK_ROWS) {
            printBlock(false);
        }
        counted();
    }

    @Override
    void finish() {
        printBlock(true);
    }

    private void printBlock(boolean last) {
        int n = columns.size();
        if (!headerDone) {
            // Right-aligned: a column of numbers and nulls with at least one number (a column
            // of nulls alone is left-aligned, as text is).
            numeric = new boolean[n];
            boolean[] anyNumber = new boolean[n];
            for (int i = 0; i < n; i++) {
                numeric[i] = !block.isEmpty();
            }
            for (List<Object> row : block) {
                for (int i = 0; i < n; i++) {
                    Object v = row.get(i);
                    numeric[i] &= v == null || v instanceof Number;
                    anyNumber[i] |= v instanceof Number;
                }
            }
            for (int i = 0; i < n; i++) {
                numeric[i] &= anyNumber[i];
            }
        }
        for (List<Object> row : block) {
            for (int i = 0; i < n; i++) {
                if (row.get(i) instanceof Double d && Double.isFinite(d)) {
                    decimals[i] = Math.max(decimals[i], decimalsOf(d));
                }
            }
        }
        List<String[]> cells = new ArrayList<>(block.size() + 1);
        for (List<Object> row : block) {
            String[] line = new String[n];
            for (int i = 0; i < n; i++) {
                line[i] = cell(row.get(i), columns.get(i), decimals[i]);
            }
            cells.add(line);
        }
        if (last && totalLine && anyRow) {
            cells.add(totals());
        }
        for (String[] line : cells) {
            for (int i = 0; i < n; i++) {
                width[i] = Math.max(width[i], line[i].length());
            }
        }
        if (!headerDone) {
            out.println(align(columns.toArray(String[]::new), width, numeric));
            headerDone = true;
        }
        for (String[] line : cells) {
            out.println(align(line, width, numeric));
        }
        block.clear();
    }

    /**
     * The row with text cut to what a cell can show (escaping only lengthens text, so
     * {@link #MAX_TEXT} + 1 characters decide the cell): a block of long payloads stays small.
     */
    private static List<Object> shortened(List<Object> values) {
        List<Object> row = new ArrayList<>(values.size());
        for (Object v : values) {
            String t = v instanceof String s ? s : v instanceof byte[] ? text(v) : null;
            row.add(t != null && t.length() > MAX_TEXT + 1 ? t.substring(0, MAX_TEXT + 1) : t != null ? t : v);
        }
        return row;
    }

    /** The total line: "total" first, the sum of each numeric column, blank elsewhere. */
    private String[] totals() {
        String[] line = new String[columns.size()];
        for (int i = 0; i < line.length; i++) {
            if (i == 0 || !numeric[i]) {
                line[i] = i == 0 ? "total" : "";
            } else {
                line[i] = real[i] ? cell(sums[i].doubleValue(), columns.get(i), decimals[i])
                        : cell(sums[i].longValueExact(), columns.get(i), 0);
            }
        }
        return line;
    }
}
