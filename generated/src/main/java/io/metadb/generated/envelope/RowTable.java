package io.metadb.generated.envelope;

import io.metadb.generated.convert.Timestamps;
import java.time.Instant;
import org.jooq.Field;
import org.jooq.Table;

/**
 * A generated table whose rows have an {@code id} and a {@code ts}: every JSON-row table and
 * {@code events} (codegen.xml makes their classes implement it). Reports that list or count
 * rows of any table go through these accessors. Implementations are jOOQ tables: immutable.
 */
public interface RowTable {
    /** This table as a jOOQ table (an alias stays an alias). */
    default Table<?> table() {
        return (Table<?>) this;
    }

    /** The table's name. */
    default String name() {
        return table().getName();
    }

    /** The row's id. */
    @SuppressWarnings("unchecked")
    default Field<Long> id() {
        return (Field<Long>) table().field(Envelope.ID);
    }

    /** The row's timestamp. */
    @SuppressWarnings("unchecked")
    default Field<Instant> ts() {
        return (Field<Instant>) table().field(Envelope.TS);
    }

    /** The timestamp as the stored text (for day prefixes and binding stored text). */
    default Field<String> tsText() {
        return Timestamps.asText(ts());
    }

    /** The agent column, or null if the table has none. */
    @SuppressWarnings("unchecked")
    default Field<String> agent() {
        return (Field<String>) table().field(Envelope.AGENT);
    }
}
