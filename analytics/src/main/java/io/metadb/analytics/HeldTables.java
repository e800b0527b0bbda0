package io.metadb.analytics;

import static io.metadb.analytics.ResidentCopies.HOURS;
import static io.metadb.analytics.ResidentCopies.ID;
import static io.metadb.analytics.ResidentCopies.TS;

import io.metadb.analytics.HourFingerprints.Fingerprint;
import io.metadb.analytics.HourFingerprints.Hours;
import io.metadb.core.Identifiers;
import io.metadb.generated.convert.Timestamps;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jooq.Field;
import org.jooq.Table;

/** The tables {@link ResidentCopies} holds in memory: created, refilled hour by hour, dropped. Stateless. */
final class HeldTables {
    private HeldTables() {}

    /**
     * Copies again the hours of {@code table} that changed in the file ({@code changed}: their
     * fingerprints now); a table not held yet is created with {@code columns}.
     */
    static void update(Connection memory, Map<String, Hours> windowed, Table<?> table, List<String> columns,
            Map<Instant, Fingerprint> changed) throws SQLException {
        String name = table.getName();
        Hours hours = windowed.get(name);
        if (hours == null) {
            dropTable(memory, name);
            createHourly(memory, table, columns);
            hours = new Hours(columns);
            windowed.put(name, hours);
        }
        String list = String.join(", ", hours.columns);
        String t = name(table);
        try (PreparedStatement delete = memory.prepareStatement("DELETE FROM main." + t + HOURS);
             PreparedStatement insert = memory.prepareStatement("INSERT INTO main." + t + " (" + list + ") SELECT " + list
                     + " FROM src." + t + HOURS + " ORDER BY " + TS + ", " + ID)) {
            for (Map.Entry<Instant, Fingerprint> e : changed.entrySet()) {
                Fingerprint had = hours.held.get(e.getKey());
                String from = Timestamps.format(e.getKey());
                String to = Timestamps.format(e.getKey().plus(Duration.ofHours(1)));
                if (had != null && had.rows() > 0) {
                    delete.setString(1, from);
                    delete.setString(2, to);
                    delete.executeUpdate();
                }
                if (e.getValue().rows() > 0) {
                    insert.setString(1, from);
                    insert.setString(2, to);
                    insert.executeUpdate();
                }
                hours.held.put(e.getKey(), e.getValue());
            }
        }
    }

    /** Drops every held hour that none of {@code needed} (hours by table) is. */
    static void dropHoursBut(Connection memory, Map<String, Hours> windowed, Map<String, Set<Instant>> needed)
            throws SQLException {
        for (Map.Entry<String, Hours> e : windowed.entrySet()) {
            Set<Instant> keep = needed.getOrDefault(e.getKey(), Set.of());
            String t = quoted(e.getKey());
            try (PreparedStatement delete = memory.prepareStatement("DELETE FROM main." + t + HOURS)) {
                for (Instant h : new ArrayList<>(e.getValue().held.keySet())) {
                    if (!keep.contains(h)) {
                        delete.setString(1, Timestamps.format(h));
                        delete.setString(2, Timestamps.format(h.plus(Duration.ofHours(1))));
                        delete.executeUpdate();
                        e.getValue().held.remove(h);
                    }
                }
            }
        }
    }

    /**
     * Creates the in-memory table of a windowed copy: {@code columns} (quoted), each declared
     * as in the file (so values keep the same types as in a fresh copy), keyed and ordered by
     * (ts, id).
     */
    private static void createHourly(Connection memory, Table<?> table, List<String> columns) throws SQLException {
        Map<String, String> declared = new HashMap<>();
        try (PreparedStatement p = memory.prepareStatement("SELECT name, type FROM pragma_table_xinfo(?, 'src')")) {
            p.setString(1, table.getName());
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    declared.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        List<String> defs = new ArrayList<>();
        for (Field<?> f : TableCopy.of(table).columns()) {
            String n = quoted(f);
            if (columns.contains(n)) {
                defs.add(n + " " + Objects.requireNonNullElse(declared.get(f.getName()), ""));
            }
        }
        try (Statement s = memory.createStatement()) {
            s.execute("CREATE TABLE main." + name(table) + " (" + String.join(", ", defs) + ", PRIMARY KEY (" + TS + ", " + ID
                    + ")) WITHOUT ROWID");
        }
    }

    static String quoted(Field<?> f) {
        return quoted(f.getName());
    }

    static String quoted(String name) {
        return Identifiers.quote(name);
    }

    static List<String> quoted(List<Field<?>> fields) {
        return fields.stream().map(HeldTables::quoted).toList();
    }

    /** Copies every row of {@code table} (every column but {@code row_json}) again. */
    static void copyWhole(Connection memory, Map<String, Hours> windowed, Table<?> table) throws SQLException {
        String name = table.getName();
        dropTable(memory, name);
        windowed.remove(name);
        try (Statement s = memory.createStatement()) {
            s.execute("CREATE TABLE main." + name(table) + " AS SELECT " + String.join(", ", quoted(TableCopy.of(table).columns()))
                    + " FROM src." + name(table));
        }
    }

    static void dropTable(Connection memory, String name) throws SQLException {
        try (Statement s = memory.createStatement()) {
            s.execute("DROP TABLE IF EXISTS main." + quoted(name));
        }
    }

    static String name(Table<?> table) {
        return quoted(table.getName());
    }
}
