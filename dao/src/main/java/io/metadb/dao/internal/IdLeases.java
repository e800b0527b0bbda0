package io.metadb.dao.internal;

import static io.metadb.generated.Tables.IDS;

import io.metadb.dao.MetaDbOptions;
import java.util.HashMap;
import java.util.Map;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Table;
import org.jooq.impl.DSL;

/**
 * Blocks of ids leased from {@code ids}, one per table, spent from memory. A lease is one
 * {@code ids} update inside the writer's transaction; if that transaction rolls back, the
 * leases taken in it are forgotten ({@link #rollback()}), so an id is never handed out
 * twice and never reused after a crash. Block size doubles while leases run dry within a
 * second and halves when they last longer. Owned by the writer thread; not thread-safe.
 */
final class IdLeases {
    private static final long FAST_LEASE_NANOS = 1_000_000_000L;

    private static final class Lease {
        long next;
        long end; // exclusive
        int size;
        long leasedAtNanos;

        Lease copy() {
            Lease l = new Lease();
            l.next = next;
            l.end = end;
            l.size = size;
            l.leasedAtNanos = leasedAtNanos;
            return l;
        }
    }

    private final int minLeaseSize;
    private Map<String, Lease> leases = new HashMap<>();
    private Map<String, Lease> atBegin = Map.of();
    private volatile long leaseCount; // written by the writer thread only, read by any

    IdLeases(int minLeaseSize) {
        this.minLeaseSize = minLeaseSize;
    }

    /** Marks the start of a transaction. */
    void begin() {
        Map<String, Lease> copy = new HashMap<>();
        leases.forEach((k, v) -> copy.put(k, v.copy()));
        atBegin = copy;
    }

    /** The transaction rolled back: forget leases and spending since {@link #begin()}. */
    void rollback() {
        leases = new HashMap<>(atBegin);
    }

    /** Leases taken since this handle opened (for tests and benchmarks). */
    long leaseCount() {
        return leaseCount;
    }

    /** The first of {@code n} contiguous fresh ids for {@code table}. */
    long take(DSLContext dsl, Table<?> table, Field<Long> idField, int n) {
        String name = table.getName();
        Lease lease = leases.computeIfAbsent(name, k -> new Lease());
        if (lease.end - lease.next < n) {
            lease(dsl, table, idField, n, lease);
        }
        long first = lease.next;
        lease.next += n;
        return first;
    }

    private void lease(DSLContext dsl, Table<?> table, Field<Long> idField, int n, Lease lease) {
        long now = System.nanoTime();
        int size = lease.size == 0 ? minLeaseSize
                : now - lease.leasedAtNanos < FAST_LEASE_NANOS ? Math.min(lease.size * 2, MetaDbOptions.MAX_LEASE_SIZE)
                : Math.max(lease.size / 2, minLeaseSize);
        long count = Math.max(size, n);
        long last = reserve(dsl, table.getName(), table, idField, count);
        lease.next = last - count + 1;
        lease.end = last + 1;
        lease.size = size;
        lease.leasedAtNanos = now;
        leaseCount++;
    }

    /**
     * Advances {@code ids.name} by {@code count} and returns the new highest id. It never
     * goes below the table's own highest id, so rows written without {@code ids} (an
     * adopted file) cannot collide with leased ids.
     */
    private static long reserve(DSLContext dsl, String name, Table<?> table, Field<Long> idField, long count) {
        Field<Long> highestRow = highestRow(table, idField);
        Long last = advance(dsl, name, table, idField, count).fetchOne(IDS.ID);
        if (last == null) {
            // First lease for this table. Another process may insert the row at the same
            // moment (PostgreSQL: both saw none); then this insert does nothing and the
            // update, now finding the row, leases after the other's block.
            last = dsl.insertInto(IDS, IDS.NAME, IDS.ID)
                    .values(DSL.val(name), highestRow.plus(count))
                    .onConflictDoNothing()
                    .returning(IDS.ID)
                    .fetchOne(IDS.ID);
            if (last == null) {
                last = advance(dsl, name, table, idField, count).fetchOne(IDS.ID);
            }
        }
        return last;
    }

    private static Field<Long> highestRow(Table<?> table, Field<Long> idField) {
        return DSL.field(DSL.select(DSL.coalesce(DSL.max(idField), 0L)).from(table));
    }

    /** The statement that advances {@code ids.name} by {@code count}, returning the new highest id. */
    private static org.jooq.UpdateResultStep<io.metadb.generated.tables.records.IdsRecord> advance(DSLContext dsl,
            String name, Table<?> table, Field<Long> idField, long count) {
        return dsl.update(IDS).set(IDS.ID, DSL.greatest(IDS.ID, highestRow(table, idField)).plus(count))
                .where(IDS.NAME.eq(name)).returning(IDS.ID);
    }

    /** Renders (runs nothing) the lease statement of {@code table}: loads the classes a first lease needs. */
    static String render(DSLContext dsl, Table<?> table, Field<Long> idField) {
        return dsl.render(advance(dsl, table.getName(), table, idField, 1));
    }
}
