package io.metadb.migrations.internal;

import io.metadb.core.SchemaVersion;
import io.metadb.core.SqliteFiles;
import io.metadb.migrations.MigrationException;
import io.metadb.migrations.Migrations;
import io.metadb.migrations.internal.ChangelogCheck.VersionedChangeSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.sqlite.SQLiteConfig;

/**
 * What a file's schema is, compared with what metadb's changesets make: refuses files that
 * are not metadb's before anything touches them, and tells a half-recorded changeset (left
 * by an earlier metadb killed between a changeset's DDL and its history row) from a table
 * someone else made. Stateless.
 */
public final class FileShape {
    private static final String NOTHING_CHANGED = "; the file was not changed";

    private FileShape() {}

    /** The first 16 bytes of every SQLite database file. */
    private static final byte[] SQLITE_HEADER = "SQLite format 3\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** See {@link io.metadb.migrations.Migrations#requireMetadbOrAbsent}. */
    public static void requireMetadbOrAbsent(Path db) {
        try {
            if (!Files.exists(db) || Files.isRegularFile(db) && Files.size(db) == 0) {
                return;
            }
            if (!Files.isRegularFile(db)) {
                throw new MigrationException(db + " is not a file; the file was not changed");
            }
            byte[] head;
            try (java.io.InputStream in = Files.newInputStream(db)) {
                head = in.readNBytes(SQLITE_HEADER.length);
            }
            if (!java.util.Arrays.equals(head, SQLITE_HEADER)) {
                throw new MigrationException(db + " is not a metadb database (not a SQLite file at all)" + NOTHING_CHANGED);
            }
        } catch (java.io.IOException e) {
            throw new MigrationException("cannot read " + db + ": " + e.getMessage(), e);
        }
        refuseForeign(db);
    }

    /**
     * Refuses a file that has tables but neither a metadb schema version nor a metadb
     * Liquibase history (another application's database, or a metadb file whose {@code meta}
     * was lost): migrating it would add metadb's tables beside tables it did not make. Reads
     * through a read-only connection, so the file, its journal mode included, is untouched.
     *
     * @throws MigrationException naming the file and some of its tables
     */
    public static void refuseForeign(Path db) {
        if (!Files.isRegularFile(db)) {
            return;
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setBusyTimeout(SqliteFiles.DEFAULT_BUSY_TIMEOUT_MS);
        Properties props = config.toProperties();
        List<String> tables;
        List<String> authors;
        int version;
        // Plain JDBC: this runs on every open, and jOOQ's first use in a JVM costs 0.85 s.
        try (Connection c = new org.sqlite.JDBC().connect(SqliteFiles.url(db), props)) {
            tables = strings(c, "SELECT name FROM sqlite_master WHERE type = 'table'"
                    + " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE 'DATABASECHANGELOG%' ORDER BY name");
            boolean history = !strings(c, "SELECT name FROM sqlite_master WHERE name = '" + LiquibaseRunner.HISTORY_TABLE
                    + "'").isEmpty();
            authors = history ? strings(c, "SELECT DISTINCT AUTHOR FROM " + LiquibaseRunner.HISTORY_TABLE) : List.of();
            version = SchemaVersion.read(c, "main");
        } catch (SQLException | RuntimeException e) {
            // Not readable this way (not a database, or locked): the migration reports it.
            return;
        }
        List<String> foreignAuthors = authors.stream().filter(a -> !ChangelogCheck.AUTHOR.equals(a)).toList();
        if (!foreignAuthors.isEmpty()) {
            throw new MigrationException("cannot migrate " + db + ": it is not a metadb database (its Liquibase history"
                    + " has changesets by " + String.join(", ", foreignAuthors) + ")" + NOTHING_CHANGED);
        }
        if (version == 0 && authors.isEmpty() && !tables.isEmpty()) {
            throw new MigrationException("cannot migrate " + db + ": it is not a metadb database (it has tables "
                    + names(tables) + " but no metadb schema version)" + NOTHING_CHANGED);
        }
    }

    /**
     * Called after a migration failed and was rolled back: returns if the file holds exactly
     * what the changesets it recorded make plus the next one (applied, not recorded), so
     * recording that changeset repairs it; otherwise throws the clearest error it can.
     *
     * @param before the file's schema version
     * @param hasHistory whether the file has Liquibase's history table
     * @param failed the migration's own failure, thrown when the file's shape explains nothing
     */
    public static void halfRecordedChangeset(Path db, DSLContext dsl, int before, boolean hasHistory,
            MigrationException failed) {
        List<VersionedChangeSet> ours = ChangelogCheck.parse(Migrations.CHANGELOG, "sqlite");
        int recorded = recordedCount(db, dsl, ours, before, hasHistory);
        if (recorded >= ours.size()) {
            throw failed;
        }
        Map<String, String> file = schema(dsl);
        Map<String, String> previous;
        Map<String, String> next;
        try (LiquibaseRunner scratch = LiquibaseRunner.scratch()) {
            scratch.updateCount(recorded);
            previous = schema(scratch.dsl());
            scratch.updateCount(1);
            next = schema(scratch.dsl());
        }
        if (file.equals(next) && !next.equals(previous)) {
            return;
        }
        if (file.equals(previous)) {
            throw failed;
        }
        VersionedChangeSet pending = ours.get(recorded);
        List<String> clashing = new ArrayList<>();
        file.forEach((name, sql) -> {
            if (!sql.equals(previous.get(name)) && next.containsKey(name)) {
                clashing.add(name);
            }
        });
        if (!clashing.isEmpty()) {
            throw new MigrationException("cannot migrate " + db + ": " + names(clashing) + " already exists with another"
                    + " shape than changeset " + pending.changeSet().getId() + " (schema v" + pending.version()
                    + ") creates" + NOTHING_CHANGED);
        }
        // Objects missing from the file: someone dropped what metadb made.
        List<String> missing = previous.keySet().stream().filter(n -> !file.containsKey(n)).toList();
        if (!missing.isEmpty()) {
            throw new MigrationException("cannot migrate " + db + ": " + names(missing) + " of schema v" + before
                    + " is missing" + NOTHING_CHANGED);
        }
        // Only additions metadb does not know (harmless): they explain nothing.
        throw failed;
    }

    /** How many of our changesets the file records as run, refusing a history that is not a prefix of ours. */
    private static int recordedCount(Path db, DSLContext dsl, List<VersionedChangeSet> ours, int before,
            boolean hasHistory) {
        if (!hasHistory) {
            // Adopted at `before`: everything up to its tag counts as run.
            int count = 0;
            while (count < ours.size() && ours.get(count).version() <= before) {
                count++;
            }
            return count;
        }
        List<String> ids = dsl.select(DSL.field(DSL.name("ID"), String.class), DSL.field(DSL.name("AUTHOR"), String.class))
                .from(DSL.table(DSL.name(LiquibaseRunner.HISTORY_TABLE)))
                .orderBy(DSL.field(DSL.name("ORDEREXECUTED")))
                .fetch(r -> r.value2() + ":" + r.value1());
        for (int i = 0; i < ids.size(); i++) {
            String expected = i < ours.size()
                    ? ours.get(i).changeSet().getAuthor() + ":" + ours.get(i).changeSet().getId() : null;
            if (!ids.get(i).equals(expected)) {
                throw new MigrationException("cannot migrate " + db + ": its migration history has " + ids.get(i)
                        + " where metadb's changelog has " + (expected == null ? "nothing" : expected)
                        + NOTHING_CHANGED);
            }
        }
        return ids.size();
    }

    /** The schema objects of a database (not SQLite's, not Liquibase's): name → SQL as stored. */
    private static Map<String, String> schema(DSLContext dsl) {
        Map<String, String> out = new LinkedHashMap<>();
        dsl.resultQuery("SELECT type || ' ' || name, coalesce(sql, '') FROM sqlite_master"
                        + " WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND tbl_name NOT LIKE 'DATABASECHANGELOG%'"
                        + " ORDER BY type, name")
                .fetch()
                .forEach(r -> out.put(r.get(0, String.class), r.get(1, String.class)));
        return out;
    }

    /** The first column of a query's rows. */
    private static List<String> strings(Connection c, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (java.sql.Statement s = c.createStatement(); java.sql.ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private static String names(List<String> names) {
        List<String> shown = names.size() > 5 ? names.subList(0, 5) : names;
        return String.join(", ", shown) + (names.size() > 5 ? " and " + (names.size() - 5) + " more" : "");
    }
}
