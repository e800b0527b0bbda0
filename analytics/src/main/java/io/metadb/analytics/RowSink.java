package io.metadb.analytics;

import java.util.List;

/**
 * Where a streamed result goes, row by row ({@link ReadOnlyQuery#stream}): the column names
 * once, then each row as it is read, then the end. A sink may stop the run by throwing (a
 * reader that went away); the statement is then closed and nothing more is read. Rows are
 * handed over one at a time and not kept: a sink that keeps them owns that memory. Values
 * are Long, Double, String, byte[] or null, as in {@link Tabular}.
 */
public interface RowSink {
    /** The result's column names, before any row. */
    void columns(List<String> names);

    /** One row; the list is the sink's to keep. */
    void row(List<Object> values);

    /** After the last row. */
    void end();
}
