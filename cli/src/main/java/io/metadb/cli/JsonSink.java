package io.metadb.cli;

import static io.metadb.cli.Output.JSON;
import static io.metadb.cli.Output.text;

import com.fasterxml.jackson.core.JsonGenerator;
import io.metadb.cli.Output.ReaderGoneException;
import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.util.List;

/** {@code --json}: one array; {@code --nl}: one object per line and no array. */
final class JsonSink extends CheckedSink {
    private final boolean lines;
    private final JsonGenerator g;
    private List<String> columns;
    private boolean any;

    JsonSink(PrintWriter out, boolean lines) {
        super(out);
        this.lines = lines;
        try {
            g = JSON.createGenerator(out);
            if (lines) {
                g.setRootValueSeparator(new com.fasterxml.jackson.core.io.SerializedString("\n"));
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void columns(List<String> names) {
        columns = List.copyOf(names);
        if (!lines) {
            write(JsonGenerator::writeStartArray);
        }
    }

    private interface Write {
        void to(JsonGenerator g) throws IOException;
    }

    private void write(Write w) {
        try {
            w.to(g);
        } catch (IOException e) {
            throw new ReaderGoneException(); // a PrintWriter does not throw; kept for the contract
        }
    }

    @Override
    public void row(List<Object> values) {
        any = true;
        write(g -> {
            g.writeStartObject();
            for (int i = 0; i < columns.size(); i++) {
                g.writeFieldName(columns.get(i));
                Object v = values.get(i);
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
        });
        counted();
    }

    @Override
    void check() {
        write(JsonGenerator::flush);
        super.check();
    }

    @Override
    void finish() {
        write(g -> {
            if (!lines) {
                g.writeEndArray();
            }
            g.flush();
        });
        if (!lines || any) {
            out.println();
        }
    }
}
