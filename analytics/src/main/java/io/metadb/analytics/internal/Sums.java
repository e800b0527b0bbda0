package io.metadb.analytics.internal;

import java.math.BigDecimal;
import org.jooq.Field;
import org.jooq.SQLDialect;
import org.jooq.impl.CustomField;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/** Aggregates whose SQL differs between the engines, rendered by jOOQ for the one it runs on. Stateless. */
public final class Sums {
    private Sums() {}

    /**
     * {@code round(sum(value), places)}. PostgreSQL has no {@code round(double precision, int)}:
     * there the sum is cast to {@code numeric} first (SQLite rounds its REAL sum).
     */
    public static Field<BigDecimal> roundedSum(Field<Double> value, int places) {
        Field<BigDecimal> sum = DSL.sum(value);
        return CustomField.of(DSL.name("rounded_sum"), SQLDataType.NUMERIC, ctx -> ctx.visit(
                ctx.family() == SQLDialect.POSTGRES ? DSL.round(sum.cast(SQLDataType.NUMERIC), places)
                        : DSL.round(sum, places)));
    }
}
