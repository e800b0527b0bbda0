package io.metadb.analytics.internal;

import io.metadb.analytics.report.Activity;
import io.metadb.generated.envelope.RowTable;
import java.util.List;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.OrderField;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/** Rows of any table as {@link Activity} lines ({@code recent}, {@code audit}). Stateless. */
public final class Activities {
    private Activities() {}

    /** The rows of {@code t} matching {@code where}, in {@code order}; at most {@code limit} (null: all). */
    public static List<Activity> of(DSLContext dsl, RowTable t, Condition where, List<? extends OrderField<?>> order,
            Integer limit) {
        Field<String> agent = t.agent() != null ? t.agent() : DSL.inline(null, SQLDataType.VARCHAR);
        var query = dsl.select(t.ts(), t.id(), agent, ActivitySummaries.of(t.table()))
                .from(t.table()).where(where).orderBy(order);
        String name = t.name();
        return (limit == null ? query.fetch() : query.limit(limit).fetch())
                .map(r -> new Activity(r.value1(), name, r.value2(), r.value3(), r.value4()));
    }
}
