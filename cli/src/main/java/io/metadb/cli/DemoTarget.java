package io.metadb.cli;

import static io.metadb.generated.Tables.IDS;
import static io.metadb.generated.Tables.META;

import io.metadb.core.Location;
import io.metadb.generated.DefaultSchema;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.jooq.DSLContext;
import org.jooq.Table;

/**
 * What a database {@code demo} is asked to replace holds: its rows per metadb table (the
 * id leases and {@code meta} aside) and whether {@code demo} wrote exactly those. A demo
 * records in {@code meta} (key {@value #KEY}) how many rows it wrote; a file whose rows are
 * still that many is the demo's, one with none is empty, anything else holds someone's rows.
 */
record DemoTarget(Map<String, Long> rows, Long demoRows) {
    static final String KEY = "demo";

    /** Reads what the metadb database on {@code c} holds (only the tables it has). */
    static DemoTarget of(Location db, Connection c) throws SQLException {
        DSLContext dsl = db.engine().dsl(c);
        Set<String> present = new HashSet<>();
        try (ResultSet rs = c.getMetaData().getTables(null, c.getSchema(), "%", new String[] {"TABLE"})) {
            while (rs.next()) {
                present.add(rs.getString("TABLE_NAME"));
            }
        }
        Map<String, Long> rows = new LinkedHashMap<>();
        for (Table<?> t : DefaultSchema.DEFAULT_SCHEMA.getTables()) {
            if (present.contains(t.getName()) && !t.equals(META) && !t.equals(IDS)) {
                long n = dsl.fetchCount(t);
                if (n > 0) {
                    rows.put(t.getName(), n);
                }
            }
        }
        String mark = present.contains(META.getName())
                ? dsl.select(META.VALUE).from(META).where(META.KEY.eq(KEY)).fetchOne(META.VALUE) : null;
        return new DemoTarget(rows, mark == null ? null : demoRows(mark));
    }

    /** Records in {@code meta} that demo wrote the rows the database on {@code c} now holds. */
    static void mark(Location db, Connection c, long seed, double scale) throws SQLException {
        long total = of(db, c).total();
        String value = "{\"seed\":" + seed + ",\"rows_scale\":" + scale + ",\"rows\":" + total + "}";
        DSLContext dsl = db.engine().dsl(c);
        dsl.insertInto(META, META.KEY, META.VALUE).values(KEY, value).onDuplicateKeyUpdate().set(META.VALUE, value).execute();
    }

    long total() {
        return rows.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Whether replacing it loses nothing: no rows, or exactly the rows a demo wrote. */
    boolean disposable() {
        return total() == 0 || demoRows != null && demoRows == total();
    }

    /** "1,234 rows (cli_invocations 1,000, ticks 234)", largest tables first, at most five named. */
    String describe() {
        String tables = rows.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(5)
                .map(e -> e.getKey() + " " + String.format("%,d", e.getValue())).collect(Collectors.joining(", "));
        String more = rows.size() > 5 ? ", …" : "";
        return String.format("%,d", total()) + (total() == 1 ? " row" : " rows") + " (" + tables + more + ")";
    }

    private static Long demoRows(String mark) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"rows\":(\\d+)").matcher(mark);
        return m.find() ? Long.parseLong(m.group(1)) : null;
    }
}
