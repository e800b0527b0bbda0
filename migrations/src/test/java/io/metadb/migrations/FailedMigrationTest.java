package io.metadb.migrations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.metadb.core.SchemaVersion;
import io.metadb.migrations.internal.ChangelogCheck;
import io.metadb.migrations.internal.ChangelogCheck.VersionedChangeSet;
import io.metadb.migrations.testing.Sql;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import liquibase.change.AbstractSQLChange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 10 §1: a file that an earlier metadb left with a changeset applied but not recorded is
 * repaired; a file whose shape is not metadb's is refused in one line and left as it was.
 */
class FailedMigrationTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "the first changeset after v{0}")
    @ValueSource(ints = {1, 4, 10})
    void aChangesetAppliedButNotRecordedIsRecordedAndTheMigrationGoesOn(int version) {
        Path db = dir.resolve("half.db");
        Migrations.upgradeTo(db, version);
        Map<String, List<List<String>>> rows = MigrationPathsTest.fillEveryTable(db);
        VersionedChangeSet next = ChangelogCheck.parse(Migrations.CHANGELOG, "sqlite").stream()
                .filter(c -> c.version() > version).findFirst().orElseThrow();
        // What an earlier metadb left when killed between a changeset's commit and its history row.
        Sql.exec(db, statements(next));
        assertThatThrownBy(() -> Sql.exec(db, statements(next))).as("the changeset cannot run twice")
                .hasMessageContaining("already exists");

        MigrationResult result = Migrations.apply(db);

        assertThat(result.repaired()).isTrue();
        assertThat(result.toVersion()).isEqualTo(SchemaVersion.HEAD);
        Path direct = dir.resolve("direct.db");
        Migrations.apply(direct);
        assertThat(Sql.normalizedSchema(db)).isEqualTo(Sql.normalizedSchema(direct));
        rows.forEach((table, expected) -> assertThat(Sql.asWideAs(Sql.rows(db, "SELECT * FROM " + table
                + " ORDER BY rowid"), expected))
                .as(table).filteredOn(r -> !table.equals("meta") || !r.get(0).equals("schema_version"))
                .isEqualTo(expected.stream().filter(r -> !table.equals("meta") || !r.get(0).equals("schema_version")).toList()));
        // Recorded with the released checksum, like every other changeset.
        assertThat(Sql.rows(db, "SELECT id, md5sum FROM DATABASECHANGELOG ORDER BY orderexecuted"))
                .isEqualTo(Sql.rows(direct, "SELECT id, md5sum FROM DATABASECHANGELOG ORDER BY orderexecuted"));
    }

    @Test
    void aTableWithAnotherShapeThanTheChangesetMakesIsNamedAndTheFileIsLeftAsItWas() throws Exception {
        Path db = dir.resolve("clash.db");
        Migrations.upgradeTo(db, 1);
        MigrationPathsTest.fillEveryTable(db);
        Sql.exec(db, "CREATE TABLE workspaces (id INTEGER PRIMARY KEY, note TEXT)", "INSERT INTO workspaces VALUES (1, 'mine')");
        State before = State.of(db);

        assertThatThrownBy(() -> Migrations.apply(db))
                .isInstanceOf(MigrationException.class)
                .hasMessage("cannot migrate " + db + ": table workspaces already exists with another shape than"
                        + " changeset workspaces (schema v2) creates; the file was not changed");
        assertThat(State.of(db)).isEqualTo(before);
    }

    @Test
    void aTableMetadbDoesNotKnowBesideItsOwnDoesNotStopAMigration() throws Exception {
        Path db = dir.resolve("extra.db");
        Migrations.upgradeTo(db, 1);
        // An operator's own table beside metadb's is harmless: only a metadb file with no
        // schema version at all is refused as foreign.
        Sql.exec(db, "CREATE TABLE my_notes (id INTEGER PRIMARY KEY)");

        assertThat(Migrations.apply(db).toVersion()).isEqualTo(SchemaVersion.HEAD);
        assertThat(Sql.tables(db)).contains("my_notes", "workspaces");
    }

    @Test
    void aForeignFileWithAMetadbTableNameIsRefusedInOneLineAndLeftByteForByte() throws Exception {
        Path db = dir.resolve("foreign.db");
        // Another application's database, in the default rollback-journal mode.
        Sql.exec(db, "CREATE TABLE ticks (id INTEGER PRIMARY KEY, what TEXT)", "INSERT INTO ticks VALUES (1, 'tock')",
                "CREATE TABLE people (name TEXT)");
        byte[] bytes = Files.readAllBytes(db);
        List<Path> siblings = siblings(db);

        assertThatThrownBy(() -> Migrations.apply(db))
                .isInstanceOf(MigrationException.class)
                .hasMessage("cannot migrate " + db + ": it is not a metadb database (it has tables people, ticks but no"
                        + " metadb schema version); the file was not changed");

        assertThat(Files.readAllBytes(db)).isEqualTo(bytes);
        assertThat(siblings(db)).isEqualTo(siblings);
        assertThat(Sql.value(db, "PRAGMA journal_mode")).isEqualTo("delete");
    }

    @Test
    void aFileWithAnotherProjectsLiquibaseHistoryIsRefused() throws Exception {
        Path db = dir.resolve("theirs.db");
        Sql.exec(db, "CREATE TABLE DATABASECHANGELOG (ID TEXT, AUTHOR TEXT, FILENAME TEXT, ORDEREXECUTED INT)",
                "INSERT INTO DATABASECHANGELOG VALUES ('create-orders', 'shop', 'shop.xml', 1)",
                "CREATE TABLE orders (id INTEGER PRIMARY KEY)");
        byte[] bytes = Files.readAllBytes(db);

        assertThatThrownBy(() -> Migrations.apply(db))
                .isInstanceOf(MigrationException.class)
                .hasMessage("cannot migrate " + db + ": it is not a metadb database (its Liquibase history has"
                        + " changesets by shop); the file was not changed");
        assertThat(Files.readAllBytes(db)).isEqualTo(bytes);
    }

    @Test
    void aNewFileIsStillCreatedAndAnEmptyFileAdopted() throws Exception {
        Path empty = dir.resolve("empty.db");
        Files.createFile(empty);

        assertThat(Migrations.apply(empty).toVersion()).isEqualTo(SchemaVersion.HEAD);
        assertThat(Migrations.apply(dir.resolve("new.db")).toVersion()).isEqualTo(SchemaVersion.HEAD);
    }

    /** The statements of a changeset, as Liquibase would run them. */
    private static String[] statements(VersionedChangeSet changeSet) {
        return changeSet.changeSet().getChanges().stream()
                .map(c -> ((AbstractSQLChange) c).getSql())
                .flatMap(sql -> Arrays.stream(sql.split(";")))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .toArray(String[]::new);
    }

    private List<Path> siblings(Path db) throws Exception {
        try (var files = Files.list(db.getParent())) {
            return files.sorted().toList();
        }
    }

    /** Everything a reader sees in a file: schema, history, every row, the journal mode, a digest of the rows. */
    private record State(List<String> schema, List<List<String>> history, String journal, String digest) {
        static State of(Path db) throws Exception {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (String table : Sql.tables(db)) {
                md.update(Sql.rows(db, "SELECT * FROM " + table + " ORDER BY rowid").toString().getBytes());
            }
            return new State(Sql.normalizedSchema(db), Sql.rows(db, "SELECT * FROM DATABASECHANGELOG ORDER BY orderexecuted"),
                    Sql.value(db, "PRAGMA journal_mode"), HexFormat.of().formatHex(md.digest()));
        }
    }
}
