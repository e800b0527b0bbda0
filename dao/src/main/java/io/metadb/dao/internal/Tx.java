package io.metadb.dao.internal;

import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Table;

/**
 * What work running inside the writer's transaction may use: jOOQ on the writer's
 * connection, and fresh ids. Valid only during that transaction, on the writer thread.
 */
public final class Tx {
    private final DSLContext dsl;
    private final IdLeases leases;

    Tx(DSLContext dsl, IdLeases leases) {
        this.dsl = dsl;
        this.leases = leases;
    }

    public DSLContext dsl() {
        return dsl;
    }

    /** The first of {@code n} contiguous fresh ids for {@code table}. */
    public long nextIds(Table<?> table, Field<Long> idField, int n) {
        return leases.take(dsl, table, idField, n);
    }
}
