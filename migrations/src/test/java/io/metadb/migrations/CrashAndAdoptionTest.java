package io.metadb.migrations;

import io.metadb.core.SchemaVersion;

import static org.assertj.core.api.Assertions.assertThat;

import io.metadb.migrations.testing.ChildJvm;
import io.metadb.migrations.testing.Sql;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Migration check (e), with real processes: kill -9 mid-migration, and adopting a file made without Liquibase. */
class CrashAndAdoptionTest {
    @TempDir
    Path dir;

    @Test
    void aLockRowLeftByAKilledEarlierMetadbIsReleasedByTheNextOpenItself() throws Exception {
        // Migrations now commit their lock row with everything else, so a kill leaves none
        // (KilledMigrationTest). A file an earlier metadb left locked must still open.
        Path db = dir.resolve("meta.db");
        Migrations.upgradeTo(db, 5);
        Sql.exec(db, "UPDATE DATABASECHANGELOGLOCK SET locked = 1, lockgranted = '2026-04-20 12:00:00.000',"
                + " lockedby = 'killed (10.0.0.1)' WHERE id = 1");

        String result;
        try (ChildJvm again = ChildJvm.start(MigrateMain.class, db.toString())) {
            result = MigrateMain.result(again);
            assertThat(again.waitFor(60)).isZero();
        }

        // staleLockCleared: the open released the dead migration's lock itself rather than
        // waiting out Liquibase's lock timeout (what happened, not how long it took).
        assertThat(result).isEqualTo("MigrationResult[fromVersion=5, toVersion=12, changesetsRun=32, adopted=false,"
                + " staleLockCleared=true, repaired=false]");
        assertThat(Sql.value(db, "SELECT value FROM meta WHERE key = 'schema_version'")).isEqualTo(String.valueOf(SchemaVersion.HEAD));
        assertThat(Sql.value(db, "SELECT locked FROM DATABASECHANGELOGLOCK WHERE id = 1")).isIn("0", "false");
        assertThat(Sql.value(db, "PRAGMA integrity_check")).isEqualTo("ok");
    }

    @Test
    void aFileCreatedWithoutLiquibaseIsAdoptedAtItsVersionKeepingEveryRow() throws Exception {
        Path direct = dir.resolve("direct.db");
        Migrations.apply(direct);
        Path db = dir.resolve("legacy.db");
        Migrations.upgradeTo(db, 6);
        Sql.exec(db, "DROP TABLE DATABASECHANGELOG", "DROP TABLE DATABASECHANGELOGLOCK");
        Map<String, List<List<String>>> before = MigrationPathsTest.fillEveryTable(db);

        String result;
        try (ChildJvm child = ChildJvm.start(MigrateMain.class, db.toString())) {
            result = MigrateMain.result(child);
            assertThat(child.waitFor(60)).isZero();
        }

        assertThat(result).isEqualTo("MigrationResult[fromVersion=6, toVersion=12, changesetsRun=28, adopted=true, staleLockCleared=false,"
                + " repaired=false]");
        before.forEach((table, rows) -> assertThat(Sql.asWideAs(Sql.rows(db, "SELECT * FROM " + table
                + (table.equals("meta") ? " WHERE key <> 'schema_version'" : "") + " ORDER BY rowid"), rows)).as(table)
                .isEqualTo(rows));
        assertThat(Sql.normalizedSchema(db)).isEqualTo(Sql.normalizedSchema(direct));
        assertThat(Sql.value(db, "SELECT count(*) FROM DATABASECHANGELOG")).isEqualTo(String.valueOf(Migrations.HEAD_CHANGESETS));
    }
}
