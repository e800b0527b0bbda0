package io.metadb.cli;

import static io.metadb.cli.Output.CHECK_EVERY_ROWS;

import io.metadb.analytics.RowSink;
import io.metadb.cli.Output.ReaderGoneException;
import java.io.PrintWriter;

/** Counts rows and, every so often (and after the first), checks that {@code out} is still read. */
abstract class CheckedSink implements RowSink {
    final PrintWriter out;
    private long rows;

    CheckedSink(PrintWriter out) {
        this.out = out;
    }

    final void counted() {
        rows++;
        if (rows == 1 || rows % CHECK_EVERY_ROWS == 0) {
            check();
        }
    }

    /** Flushes and fails if the reader is gone. */
    void check() {
        if (out.checkError()) { // flushes first
            throw new ReaderGoneException();
        }
    }

    @Override
    public void end() {
        finish();
        check();
    }

    abstract void finish();
}
