package io.metadb.analytics;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * A result as column names and rows of plain values (Long, Double, String, Boolean,
 * Instant, byte[] or null): what the CLI prints and a server sends, for a report or a
 * query alike. Immutable.
 */
public record Tabular(List<String> columns, List<List<Object>> rows) {
    public Tabular {
        columns = List.copyOf(columns);
        rows = rows.stream().map(java.util.Collections::unmodifiableList).toList();
    }

    /** A report's rows: one column per row component; a METRICS report's single row as metric/value pairs. */
    static <P, R extends Record> Tabular of(Request<P, R> request, Collection<R> records) {
        RecordComponent[] components = request.report().rowType().getRecordComponents();
        List<List<Object>> rows = new ArrayList<>();
        if (request.report().shape() == Report.Shape.METRICS) {
            for (R r : records) {
                for (RecordComponent c : components) {
                    List<Object> row = new ArrayList<>(2);
                    row.add(columnName(c));
                    row.add(read(c, r));
                    rows.add(row);
                }
            }
            return new Tabular(List.of("metric", "value"), rows);
        }
        return new Tabular(request.columns(), of(request.report().rowType(), records).rows());
    }

    /** Records as rows: one column per component (its {@link Column} name, else snake_case). */
    public static <R extends Record> Tabular of(Class<R> type, Collection<? extends R> records) {
        RecordComponent[] components = type.getRecordComponents();
        List<String> columns = new ArrayList<>();
        for (RecordComponent c : components) {
            columns.add(columnName(c));
        }
        List<List<Object>> rows = new ArrayList<>();
        for (R r : records) {
            List<Object> row = new ArrayList<>(components.length);
            for (RecordComponent c : components) {
                row.add(read(c, r));
            }
            rows.add(row);
        }
        return new Tabular(columns, rows);
    }

    /** A component's column: its {@link Column} name, else its name in snake_case. */
    static String columnName(RecordComponent c) {
        Column column = c.getAnnotation(Column.class);
        if (column != null) {
            return column.value();
        }
        StringBuilder out = new StringBuilder();
        for (char ch : c.getName().toCharArray()) {
            if (Character.isUpperCase(ch)) {
                out.append('_');
            }
            out.append(Character.toLowerCase(ch));
        }
        return out.toString();
    }

    private static Object read(RecordComponent c, Record r) {
        try {
            java.lang.reflect.Method accessor = c.getAccessor();
            if (!accessor.canAccess(r)) {
                accessor.trySetAccessible(); // a report's own row type need not be public
            }
            return accessor.invoke(r);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read " + c.getName(), e);
        }
    }
}
