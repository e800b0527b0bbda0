package io.metadb.generated.envelope;

import io.metadb.generated.DefaultSchema;
import java.util.ArrayList;
import java.util.List;
import org.jooq.Table;

/** The generated tables by kind, in name order. Immutable lists; thread-safe. */
public final class RowTables {
    private static final List<JsonRowTable> JSON_ROW = build(JsonRowTable.class);
    private static final List<RowTable> ROW = build(RowTable.class);

    private RowTables() {}

    /** Every JSON-row table. */
    public static List<JsonRowTable> jsonRowTables() {
        return JSON_ROW;
    }

    /** Every table with an id and a ts: the JSON-row tables and {@code events}. */
    public static List<RowTable> rowTables() {
        return ROW;
    }

    private static <T> List<T> build(Class<T> kind) {
        List<T> out = new ArrayList<>();
        for (Table<?> t : DefaultSchema.DEFAULT_SCHEMA.getTables()) {
            if (kind.isInstance(t)) {
                out.add(kind.cast(t));
            }
        }
        return List.copyOf(out);
    }
}
