package io.metadb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.metadb.cli.InProcess.Run;
import io.metadb.core.SchemaVersion;
import io.metadb.migrations.Migrations;
import io.metadb.migrations.testing.Sql;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** migrate says what it did; --status and --dry-run let an operator and a CI see before anything changes. */
class MigrateCommandTest {
    @TempDir
    Path dir;

    /** Changesets of schema versions after {@code version}, as Liquibase runs them on SQLite. */
    private static long changesetsAfter(int version) {
        return io.metadb.migrations.internal.ChangelogCheck.parse(Migrations.CHANGELOG, "sqlite").stream()
                .filter(c -> c.version() > version).count();
    }

    @Test
    void aMissingFileIsAllPendingAndADryRunCreatesNothing() {
        Path db = dir.resolve("new.db");
        Run status = InProcess.run("--db", db.toString(), "migrate", "--status");
        assertThat(status.code()).isEqualTo(MigrateCommand.EXIT_PENDING);
        assertThat(status.out()).startsWith(db + ": no database (migrate creates it); this metadb's is " + SchemaVersion.HEAD
                + "\npending: " + Migrations.HEAD_CHANGESETS + " changesets\n  v1  meta\n").contains("\ndrift: none\n");
        Run dry = InProcess.run("--db", db.toString(), "migrate", "--dry-run");
        assertThat(dry.code()).as(dry.err()).isZero();
        assertThat(dry.out()).startsWith("would create " + db + " at schema version " + SchemaVersion.HEAD + " ("
                + Migrations.HEAD_CHANGESETS + " changesets): ran on a copy in ").contains("; " + db + " was not changed\n");
        assertThat(db).doesNotExist();
        assertThat(dir.resolve("new.db-migrate.lock")).doesNotExist();
    }

    @Test
    void anOlderFileIsPendingADryRunRunsOnACopyAndMigrateSaysWhatItDid() throws Exception {
        Path db = dir.resolve("v7.db");
        Migrations.upgradeTo(db, 7);
        Sql.exec(db, "INSERT INTO meta (key, value) VALUES ('mine', 'kept')");
        long pending = changesetsAfter(7);

        Run status = InProcess.run("--db", db.toString(), "migrate", "--status");
        assertThat(status.code()).isEqualTo(MigrateCommand.EXIT_PENDING);
        assertThat(status.out()).startsWith(db + ": schema version 7; this metadb's is " + SchemaVersion.HEAD
                + "\npending: " + pending + " changesets\n  v8  tasks\n")
                .contains("\nchecksums: the " + changesetsAfterNone(7) + " recorded match the released ones\ndrift: none\n");
        Run json = InProcess.run("--db", db.toString(), "migrate", "--status", "--json");
        assertThat(json.out()).startsWith("{\"database\":\"" + db + "\",\"exists\":true,\"schema_version\":7,")
                .contains("\"state\":\"pending\"", "{\"id\":\"tasks\",\"version\":8}");

        byte[] before = Files.readAllBytes(db);
        Run dry = InProcess.run("--db", db.toString(), "migrate", "--dry-run");
        assertThat(dry.code()).as(dry.err()).isZero();
        assertThat(dry.out()).startsWith("would upgrade " + db + " from schema version 7 to " + SchemaVersion.HEAD + " ("
                + pending + " changesets): ran on a copy in ").contains("\n  tasks\n");
        assertThat(Files.readAllBytes(db)).as("the file itself is not touched").isEqualTo(before);
        assertThat(Migrations.schemaVersion(db)).isEqualTo(7);

        Run migrate = InProcess.run("--db", db.toString(), "migrate");
        assertThat(migrate.out()).isEqualTo("upgraded " + db + " from schema version 7 to " + SchemaVersion.HEAD + " ("
                + pending + " changesets)\n");
        assertThat(Sql.value(db, "SELECT value FROM meta WHERE key = 'mine'")).isEqualTo("kept");
        Run current = InProcess.run("--db", db.toString(), "migrate", "--status");
        assertThat(current.code()).isZero();
        assertThat(current.out()).contains("\npending: none\n", "\ndrift: none\n");
    }

    /** Changesets up to and including {@code version}: what a file at it records. */
    private static long changesetsAfterNone(int version) {
        return Migrations.HEAD_CHANGESETS - changesetsAfter(version);
    }

    @Test
    void driftAndAChecksumMismatchExitOneNamingEach() {
        Path db = dir.resolve("drift.db");
        InProcess.run("--db", db.toString(), "migrate");
        Sql.exec(db, "CREATE TABLE scratch (x)");
        Sql.exec(db, "DROP INDEX ticks_ts");
        Sql.exec(db, "UPDATE DATABASECHANGELOG SET MD5SUM = '9:0' WHERE ID = 'ticks'");
        Run status = InProcess.run("--db", db.toString(), "migrate", "--status");
        assertThat(status.code()).isEqualTo(Main.EXIT_FAILURE);
        assertThat(status.out()).contains("checksums: 1 do not match\n  changeset db/changelog/v01.sql::ticks::metadb:"
                        + " recorded checksum 9:0, released 9:",
                "drift: 2 objects the changelogs do not explain\n  table scratch: not made by metadb's changesets\n"
                        + "  index ticks_ts: made by changeset ticks, missing\n");
        Run both = InProcess.run("--db", db.toString(), "migrate", "--status", "--dry-run");
        assertThat(both.code()).isEqualTo(Main.EXIT_BAD_INPUT);
    }
}
