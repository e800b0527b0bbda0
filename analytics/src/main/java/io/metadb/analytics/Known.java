package io.metadb.analytics;

import static io.metadb.generated.Tables.COMMUNICATION_EVENTS;
import static io.metadb.generated.Tables.EVENTS;
import static io.metadb.generated.Tables.MESSAGES;
import static io.metadb.generated.Tables.SOURCE_CURSORS;

import io.metadb.generated.envelope.RowTable;
import io.metadb.generated.envelope.RowTables;
import java.util.ArrayList;
import java.util.List;
import org.jooq.Field;
import org.jooq.Record1;
import org.jooq.Select;
import org.jooq.impl.DSL;

/**
 * Names a file knows, for telling an operator what exists when a report about one name is
 * empty ({@code metadb agent nobody}): every agent, or every channel. Immutable.
 */
public enum Known {
    /** Every non-null agent of any table. */
    AGENTS("agents"),
    /** Every channel: events' sources, communication events' and messages' channels, cursors' sources. */
    CHANNELS("channels");

    private final String plural;

    Known(String plural) {
        this.plural = plural;
    }

    /** "agents", "channels". */
    public String plural() {
        return plural;
    }

    /** The columns holding the names. */
    private List<Field<String>> columns() {
        List<Field<String>> out = new ArrayList<>();
        if (this == AGENTS) {
            for (RowTable t : RowTables.rowTables()) {
                if (t.agent() != null) {
                    out.add(t.agent());
                }
            }
        } else {
            out.addAll(List.of(EVENTS.SOURCE, COMMUNICATION_EVENTS.CHANNEL, MESSAGES.CHANNEL, SOURCE_CURSORS.SOURCE));
        }
        return out;
    }

    /** What a snapshot must copy: the name columns only. */
    List<TableCopy> reads() {
        return columns().stream().map(f -> TableCopy.of(tableOf(f)).columns(f)).toList();
    }

    /** The distinct names, sorted. */
    List<String> names(Snapshot snapshot) {
        Select<Record1<String>> union = null;
        for (Field<String> f : columns()) {
            Select<Record1<String>> part = DSL.selectDistinct(f).from(tableOf(f)).where(f.isNotNull());
            union = union == null ? part : union.union(part);
        }
        return snapshot.dsl().fetch(union).getValues(0, String.class).stream().sorted().toList();
    }

    private static org.jooq.Table<?> tableOf(Field<String> f) {
        return ((org.jooq.TableField<?, ?>) f).getTable();
    }
}
