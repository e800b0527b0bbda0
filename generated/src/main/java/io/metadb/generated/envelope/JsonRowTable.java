package io.metadb.generated.envelope;

import org.jooq.Field;

/**
 * A JSON-row table (SPEC §2.2): the envelope {@code id, ts, row_json} and one generated
 * column per payload key. codegen.xml makes every table but the fixed and rollup ones
 * implement it; GeneratedSchemaTest checks that exactly the tables with a {@code row_json}
 * column do. Immutable.
 */
public interface JsonRowTable extends RowTable {
    /** The payload as stored. */
    @SuppressWarnings("unchecked")
    default Field<String> rowJson() {
        return (Field<String>) table().field(Envelope.ROW_JSON);
    }
}
