package io.metadb.cli;

import static io.metadb.cli.Output.csvLine;

import java.io.PrintWriter;
import java.util.List;

final class CsvSink extends CheckedSink {
    private int n;

    CsvSink(PrintWriter out) {
        super(out);
    }

    @Override
    public void columns(List<String> names) {
        n = names.size();
        csvLine(names, out);
    }

    @Override
    public void row(List<Object> values) {
        csvLine(values, out);
        counted();
    }

    @Override
    void finish() {
        // nothing after the last line
    }
}
