package io.metadb.migrations.internal;

import io.metadb.core.Location;
import io.metadb.core.PgDatabases;
import io.metadb.core.SchemaVersion;
import io.metadb.core.SqliteFiles;
import io.metadb.migrations.MigrationException;
import io.metadb.migrations.MigrationStatus;
import io.metadb.migrations.Migrations;
import io.metadb.migrations.internal.ChangelogCheck.VersionedChangeSet;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import liquibase.change.AbstractSQLChange;
import liquibase.change.Change;

/**
 * Computes a {@link MigrationStatus} by reading a database: its version, Liquibase's
 * history (compared with the released checksums) and its tables and indexes (compared, by
 * name, with those the changesets it ran create). Reads only. Stateless.
 */
public final class StatusCheck {
    private static final Pattern CREATE = Pattern.compile(
            "(?i)\\bCREATE\\s+(?:UNIQUE\\s+)?(TABLE|INDEX|VIEW|TRIGGER)\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?\"?(\\w+)\"?");
    private static final Pattern DROP = Pattern.compile(
            "(?i)\\bDROP\\s+(TABLE|INDEX|VIEW|TRIGGER)\\s+(?:IF\\s+EXISTS\\s+)?\"?(\\w+)\"?");
    private static final Pattern RENAME = Pattern.compile(
            "(?i)\\bALTER\\s+TABLE\\s+\"?(\\w+)\"?\\s+RENAME\\s+TO\\s+\"?(\\w+)\"?");

    private StatusCheck() {}

    /** A row of Liquibase's history. */
    private record Recorded(String key, String checksum) {}

    public static MigrationStatus of(Location db) {
        return switch (db.engine()) {
            case SQLITE -> sqlite(db.file());
            case POSTGRESQL -> postgres(db);
        };
    }

    private static MigrationStatus sqlite(Path file) {
        try {
            if (!Files.exists(file) || Files.isRegularFile(file) && Files.size(file) == 0) {
                return status(false, 0, List.of(), false, Map.of(), "sqlite");
            }
        } catch (IOException e) {
            throw new MigrationException("cannot read " + file + ": " + e.getMessage(), e);
        }
        FileShape.requireMetadbOrAbsent(file);
        try (Connection c = SqliteFiles.openReadOnly(file)) {
            try (Statement s = c.createStatement()) {
                s.execute("BEGIN"); // version, history and objects of one commit
            }
            return read(c, "sqlite", objects(c, "SELECT type, name FROM sqlite_master WHERE type IN ('table', 'index',"
                    + " 'view', 'trigger') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"));
        } catch (SQLException e) {
            throw new MigrationException("cannot read " + file + ": " + SqliteFiles.reason(e), e);
        }
    }

    private static MigrationStatus postgres(Location db) {
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            c.setReadOnly(true);
            String here = "n.nspname = current_schema()";
            Map<String, String> objects = objects(c, "SELECT CASE c.relkind WHEN 'i' THEN 'index' WHEN 'v' THEN 'view'"
                    + " WHEN 'm' THEN 'view' ELSE 'table' END, c.relname FROM pg_class c JOIN pg_namespace n"
                    + " ON n.oid = c.relnamespace WHERE " + here + " AND c.relkind IN ('r', 'p', 'v', 'm', 'i')"
                    // The index behind a primary key or unique constraint comes with the table.
                    + " AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = c.oid)"
                    + " UNION ALL SELECT 'trigger', t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
                    + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE " + here + " AND NOT t.tgisinternal");
            MigrationStatus status = read(c, "postgresql", objects);
            c.rollback();
            return status;
        } catch (SQLException e) {
            throw new MigrationException("cannot read " + db + ": " + PgDatabases.reason(e), e);
        }
    }

    /** Objects by lower-cased name → type, Liquibase's own left out. */
    private static Map<String, String> objects(Connection c, String sql) throws SQLException {
        Map<String, String> out = new TreeMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                String name = rs.getString(2).toLowerCase(Locale.ROOT);
                if (!name.startsWith("databasechangelog")) {
                    out.put(name, rs.getString(1));
                }
            }
        }
        return out;
    }

    private static MigrationStatus read(Connection c, String dbms, Map<String, String> objects) throws SQLException {
        int version = objects.containsKey("meta") ? SchemaVersion.read(c, null) : 0; // (a failed read would end a PostgreSQL transaction)
        boolean history = hasHistory(c);
        List<Recorded> recorded = new ArrayList<>();
        if (history) {
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT filename, id, author, md5sum FROM databasechangelog ORDER BY orderexecuted")) {
                while (rs.next()) {
                    recorded.add(new Recorded(rs.getString(1) + "::" + rs.getString(2) + "::" + rs.getString(3), rs.getString(4)));
                }
            }
        }
        return status(true, version, recorded, history, objects, dbms);
    }

    private static boolean hasHistory(Connection c) throws SQLException {
        try (ResultSet rs = c.getMetaData().getTables(null, c.getSchema(), "%", new String[] {"TABLE"})) {
            while (rs.next()) {
                if (rs.getString("TABLE_NAME").equalsIgnoreCase(LiquibaseRunner.HISTORY_TABLE)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static MigrationStatus status(boolean exists, int version, List<Recorded> recorded, boolean history,
            Map<String, String> objects, String dbms) {
        List<VersionedChangeSet> ours = ChangelogCheck.parse(Migrations.CHANGELOG, dbms);
        Map<String, String> recordedSums = new LinkedHashMap<>();
        recorded.forEach(r -> recordedSums.put(r.key(), r.checksum()));
        List<VersionedChangeSet> applied = ours.stream().filter(c -> history ? recordedSums.containsKey(c.key())
                : exists && version > 0 && c.version() <= version).toList();
        List<MigrationStatus.Pending> pending = version > SchemaVersion.HEAD ? List.of() : ours.stream()
                .filter(c -> !applied.contains(c)).map(c -> new MigrationStatus.Pending(c.changeSet().getId(), c.version()))
                .toList();
        List<String> mismatches = mismatches(recorded);
        List<String> drift = exists ? drift(applied, objects) : List.of();
        return new MigrationStatus(exists, version, SchemaVersion.HEAD, recorded.size(), pending, mismatches, drift);
    }

    /** Recorded changesets whose checksum is not the released (or, unreleased, the changelog's) one. */
    private static List<String> mismatches(List<Recorded> recorded) {
        Map<String, String> released = released();
        Map<String, String> current = recorded.isEmpty() ? Map.of() : ChangelogCheck.checksums(Migrations.CHANGELOG);
        List<String> out = new ArrayList<>();
        for (Recorded r : recorded) {
            String expected = released.containsKey(r.key()) ? released.get(r.key()) : current.get(r.key());
            if (expected == null) {
                out.add("changeset " + r.key() + ": recorded as run, not in metadb's changelog");
            } else if (r.checksum() != null && !r.checksum().equals(expected)) {
                out.add("changeset " + r.key() + ": recorded checksum " + r.checksum() + ", "
                        + (released.containsKey(r.key()) ? "released " : "the changelog's ") + expected);
            }
        }
        return out;
    }

    private static Map<String, String> released() {
        Map<String, String> out = new HashMap<>();
        try (InputStream in = StatusCheck.class.getClassLoader().getResourceAsStream(ChangelogCheck.RELEASED_CHECKSUMS)) {
            if (in == null) {
                throw new IllegalStateException(ChangelogCheck.RELEASED_CHECKSUMS + " is missing from the classpath");
            }
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    int eq = line.lastIndexOf('=');
                    out.put(line.substring(0, eq), line.substring(eq + 1).strip());
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + ChangelogCheck.RELEASED_CHECKSUMS + ": " + e.getMessage(), e);
        }
        return out;
    }

    /** Objects the applied changesets do not explain, and those they made that are gone. */
    private static List<String> drift(List<VersionedChangeSet> applied, Map<String, String> objects) {
        Map<String, String> made = new TreeMap<>(); // name → "type\tchangeset"
        for (VersionedChangeSet c : applied) {
            for (Change change : c.changeSet().getChanges()) {
                if (change instanceof AbstractSQLChange sql && sql.getSql() != null) {
                    apply(sql.getSql().replaceAll("--[^\\n]*", " "), c.changeSet().getId(), made);
                }
            }
        }
        List<String> out = new ArrayList<>();
        objects.forEach((name, type) -> {
            if (!made.containsKey(name)) {
                out.add(type + " " + name + ": not made by metadb's changesets");
            }
        });
        made.forEach((name, what) -> {
            if (!objects.containsKey(name)) {
                String[] typeAndId = what.split("\t");
                out.add(typeAndId[0] + " " + name + ": made by changeset " + typeAndId[1] + ", missing");
            }
        });
        return out;
    }

    /** Applies one changeset's statements to the objects made so far, in the order they appear. */
    private static void apply(String sql, String id, Map<String, String> made) {
        List<int[]> at = new ArrayList<>();
        List<Matcher> found = List.of(CREATE.matcher(sql), DROP.matcher(sql), RENAME.matcher(sql));
        for (int kind = 0; kind < found.size(); kind++) {
            Matcher m = found.get(kind);
            while (m.find()) {
                at.add(new int[] {m.start(), kind});
            }
        }
        at.sort((a, b) -> Integer.compare(a[0], b[0]));
        for (int[] a : at) {
            Matcher m = found.get(a[1]);
            m.find(a[0]);
            switch (a[1]) {
                case 0 -> made.put(m.group(2).toLowerCase(Locale.ROOT), m.group(1).toLowerCase(Locale.ROOT) + "\t" + id);
                case 1 -> made.remove(m.group(2).toLowerCase(Locale.ROOT));
                default -> {
                    String what = made.remove(m.group(1).toLowerCase(Locale.ROOT));
                    made.put(m.group(2).toLowerCase(Locale.ROOT), what == null ? "table\t" + id : what);
                }
            }
        }
    }
}
