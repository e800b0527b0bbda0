package io.metadb.migrations;

import static org.assertj.core.api.Assertions.assertThat;

import io.metadb.core.SchemaVersion;
import io.metadb.migrations.internal.ChangelogCheck;
import io.metadb.migrations.testing.ChildJvm;
import io.metadb.migrations.testing.Sql;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 10 §1, with real processes: a migration killed anywhere leaves the file at a released
 * schema version (the one it started from, or head if the kill came after the commit), with
 * every row, and the next open migrates it. Before migrations were one transaction, a kill
 * between a changeset's DDL and its history row left a table no later migration could create.
 */
class KilledMigrationTest {
    /** Schema (normalised) and history length of each released version, made once. */
    private static final Map<Integer, Reference> REFERENCES = new ConcurrentHashMap<>();

    private record Reference(List<String> schema, int changesets) {}

    @TempDir
    static Path shared;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "from v{0}")
    @ValueSource(ints = {0, 1, 5, 10})
    void killedAfterAnyChangesetTheFileIsAtItsStartingVersionAndOpensAgain(int start) throws Exception {
        List<String> pending = ChangelogCheck.parse(Migrations.CHANGELOG, "sqlite").stream()
                .filter(c -> c.version() > start)
                .map(c -> c.changeSet().getId()).toList();
        // The first changeset, one inside a version, and the last (its tag: the kill comes
        // after every changeset ran and was recorded, before the commit).
        List<String> killPoints = List.of(pending.get(0), pending.get(pending.size() / 2), pending.get(pending.size() - 1));
        for (String point : killPoints) {
            Path db = dir.resolve("v" + start + "-" + point + ".db");
            Map<String, List<List<String>>> rows = fileAt(start, db);
            try (ChildJvm child = ChildJvm.start(MigrateMain.class, db.toString(), point)) {
                child.awaitLine("PAUSED");
                child.kill();
            }
            assertAtReleasedVersion(db, start, "killed after " + point);
            assertRowsKept(db, rows);

            MigrationResult again = Migrations.apply(db);

            assertThat(again.toVersion()).as(point).isEqualTo(SchemaVersion.HEAD);
            assertAtReleasedVersion(db, SchemaVersion.HEAD, "reopened after " + point);
            assertRowsKept(db, rows);
        }
    }

    @Test
    void killedAtAnyMomentTheFileIsAtAReleasedVersionWithEveryRowAndOpensAgain() throws Exception {
        // The reproduction: a v1 file with 20k ticks, `migrate` killed at a moment;
        // here at a spread of moments from its first changeset (~200 ms before it ends on this
        // machine) to past its end.
        Path template = dir.resolve("template.db");
        Migrations.upgradeTo(template, 1);
        Sql.exec(template, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)"
                + " INSERT INTO ticks (id, ts, row_json) SELECT i, printf('2026-04-%02dT12:00:00.000Z', 1 + i % 28),"
                + " json_object('agent', 'agent' || (i % 7), 'kind', 'loop', 'status', 'ok', 'duration_ms', i) FROM n");
        List<Integer> versionsSeen = new ArrayList<>();
        for (int delayMs : new int[] {0, 20, 50, 100, 150, 200, 300, 600}) {
            Path db = dir.resolve("timed-" + delayMs + ".db");
            Files.copy(template, db);
            try (ChildJvm child = ChildJvm.start(MigrateMain.class, db.toString())) {
                String line;
                do {
                    line = child.readLine();
                } while (line != null && !line.startsWith("RAN "));
                assertThat(line).as("the child ran a changeset").isNotNull();
                Thread.sleep(delayMs);
                child.kill();
            }
            int version = Integer.parseInt(Sql.value(db, "SELECT value FROM meta WHERE key = 'schema_version'"));
            versionsSeen.add(version);
            assertThat(version).as("killed at %d ms", delayMs).isIn(1, SchemaVersion.HEAD);
            assertAtReleasedVersion(db, version, "killed at " + delayMs + " ms");
            assertThat(Sql.value(db, "SELECT count(*) || ' ' || total(duration_ms) FROM ticks"))
                    .isEqualTo("20000 200010000.0");

            Migrations.apply(db);

            assertAtReleasedVersion(db, SchemaVersion.HEAD, "reopened after a kill at " + delayMs + " ms");
            assertThat(Sql.value(db, "SELECT count(*) FROM ticks")).isEqualTo("20000");
        }
        // The spread reached both sides of the commit, or it tested less than it claims.
        assertThat(versionsSeen).contains(1);
    }

    /** A file at {@code version} (none at 0) with rows in every table, copied from a template made once. */
    private static Map<String, List<List<String>>> fileAt(int version, Path db) throws Exception {
        if (version > 0) {
            Path template = shared.resolve("template-v" + version + ".db");
            synchronized (KilledMigrationTest.class) {
                if (!Files.exists(template)) {
                    Migrations.upgradeTo(template, version);
                    MigrationPathsTest.fillEveryTable(template);
                }
            }
            Files.copy(template, db);
        }
        return rowsOf(db);
    }

    private static Map<String, List<List<String>>> rowsOf(Path db) {
        Map<String, List<List<String>>> rows = new java.util.LinkedHashMap<>();
        if (Files.exists(db)) {
            for (String table : Sql.tables(db)) {
                if (!table.equals("meta")) {
                    rows.put(table, Sql.rows(db, "SELECT * FROM " + table + " ORDER BY rowid"));
                }
            }
        }
        return rows;
    }

    private static void assertRowsKept(Path db, Map<String, List<List<String>>> rows) {
        rows.forEach((table, expected) -> assertThat(Sql.asWideAs(Sql.rows(db, "SELECT * FROM " + table
                + " ORDER BY rowid"), expected)).as(table).isEqualTo(expected));
    }

    /** The file's schema and history are exactly those of released version {@code version}. */
    private static void assertAtReleasedVersion(Path db, int version, String when) {
        Reference expected = REFERENCES.computeIfAbsent(version, KilledMigrationTest::reference);
        assertThat(Sql.normalizedSchema(db)).as(when).isEqualTo(expected.schema());
        boolean history = Sql.rows(db, "SELECT name FROM sqlite_master WHERE name = 'DATABASECHANGELOG'").size() == 1;
        int recorded = history ? Integer.parseInt(Sql.value(db, "SELECT count(*) FROM DATABASECHANGELOG")) : 0;
        assertThat(recorded).as(when + ": changesets recorded").isEqualTo(expected.changesets());
        if (history) {
            assertThat(Sql.value(db, "SELECT coalesce(max(locked), 0) FROM DATABASECHANGELOGLOCK")).as(when)
                    .isIn("0", "false");
        }
        assertThat(Sql.value(db, "PRAGMA integrity_check")).as(when).isEqualTo("ok");
    }

    private static Reference reference(int version) {
        if (version == 0) {
            return new Reference(List.of(), 0);
        }
        try {
            Path db = Files.createTempDirectory(shared, "reference").resolve("v" + version + ".db");
            Migrations.upgradeTo(db, version);
            return new Reference(Sql.normalizedSchema(db), Integer.parseInt(Sql.value(db, "SELECT count(*) FROM DATABASECHANGELOG")));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
