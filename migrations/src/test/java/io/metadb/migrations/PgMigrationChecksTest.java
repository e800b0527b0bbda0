package io.metadb.migrations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.metadb.core.Location;
import io.metadb.core.SchemaVersion;
import io.metadb.migrations.internal.ChangelogCheck;
import io.metadb.migrations.testing.ChildJvm;
import io.metadb.migrations.testing.PgCluster;
import io.metadb.migrations.testing.PgSql;
import io.metadb.migrations.testing.Sql;
import io.metadb.migrations.testing.TableFill;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The migration checks of issue 2 on PostgreSQL, against a real server the tests start: empty
 * to head, every tag to head with rows intact, a database newer than the library or not
 * metadb's refused, a migration killed (-9, a real process) after any changeset leaves the
 * database at the version it started from and the next open migrates it. The additive lint
 * and the frozen checksums cover both engines' changesets ({@link ChangelogRulesTest}).
 */
class PgMigrationChecksTest {
    private static final List<String> TAGS = List.of("v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9", "v10", "v11", "v12");

    @Test
    void emptyDatabaseToHeadAndAgainChangesNothing() {
        String url = PgCluster.shared().newDatabase();
        Location db = Location.parse(url);

        MigrationResult result = Migrations.apply(db);

        assertThat(result).isEqualTo(new MigrationResult(0, SchemaVersion.HEAD, Migrations.HEAD_CHANGESETS, false, false, false));
        assertThat(Migrations.schemaVersion(db)).isEqualTo(SchemaVersion.HEAD);
        assertThat(PgSql.value(url, "SELECT count(*) FROM databasechangelog")).isEqualTo(String.valueOf(Migrations.HEAD_CHANGESETS));
        assertThat(PgSql.rows(url, "SELECT tag FROM databasechangelog WHERE tag IS NOT NULL ORDER BY orderexecuted"))
                .extracting(r -> r.get(0)).containsExactlyElementsOf(TAGS);
        assertThat(PgSql.tables(url)).containsExactlyInAnyOrderElementsOf(
                io.metadb.generated.DefaultSchema.DEFAULT_SCHEMA.getTables().stream().map(t -> t.getName()).toList());
        List<String> jsonTables = PgSql.rows(url, "SELECT table_name FROM information_schema.columns"
                + " WHERE table_schema = current_schema() AND column_name = 'row_json'").stream().map(r -> r.get(0)).toList();
        assertThat(jsonTables).hasSize(24);
        for (String t : jsonTables) {
            assertThatThrownBy(() -> PgSql.exec(url, "INSERT INTO " + t + " (id, ts, row_json) VALUES (1, 'x', 'not json')"))
                    .as(t).hasMessageContaining("invalid input syntax for type json");
            assertThat(PgSql.value(url, "SELECT count(*) FROM information_schema.columns WHERE table_schema ="
                    + " current_schema() AND table_name = '" + t + "' AND is_generated = 'ALWAYS'")).as(t).isNotEqualTo("0");
        }
        List<String> schema = PgSql.normalizedSchema(url);
        List<List<String>> history = PgSql.rows(url, "SELECT id, author, filename, md5sum, tag FROM databasechangelog"
                + " ORDER BY orderexecuted");

        assertThat(Migrations.apply(db)).isEqualTo(new MigrationResult(SchemaVersion.HEAD, SchemaVersion.HEAD, 0, false, false, false));
        assertThat(PgSql.normalizedSchema(url)).isEqualTo(schema);
        assertThat(PgSql.rows(url, "SELECT id, author, filename, md5sum, tag FROM databasechangelog"
                + " ORDER BY orderexecuted")).isEqualTo(history);
    }

    @ParameterizedTest(name = "v{0} -> head")
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11})
    void everyTaggedVersionUpgradesToHeadKeepingRowsAndReachingTheSameSchema(int version) {
        String direct = PgCluster.shared().newDatabase();
        Migrations.apply(Location.parse(direct));
        String url = PgCluster.shared().newDatabase();
        Location db = Location.parse(url);

        Migrations.upgradeTo(db, version);
        assertThat(Migrations.schemaVersion(db)).isEqualTo(version);
        assertThat(PgSql.value(url, "SELECT count(*) FROM databasechangelog WHERE tag IS NOT NULL")).isEqualTo(
                String.valueOf(version));
        Map<String, List<List<String>>> before = fillEveryTable(url);
        MigrationResult result = Migrations.apply(db);

        assertThat(result.fromVersion()).isEqualTo(version);
        assertThat(result.toVersion()).isEqualTo(SchemaVersion.HEAD);
        for (var e : before.entrySet()) {
            assertThat(e.getValue()).as(e.getKey()).isNotEmpty();
            assertThat(Sql.asWideAs(PgSql.rows(url, selectAll(e.getKey())), e.getValue())).as(e.getKey()).isEqualTo(e.getValue());
        }
        assertThat(PgSql.normalizedSchema(url)).isEqualTo(PgSql.normalizedSchema(direct));
    }

    @Test
    void refusesADatabaseNewerThanTheLibraryAndOneThatIsNotMetadbs() {
        String url = PgCluster.shared().newDatabase();
        Migrations.apply(Location.parse(url));
        PgSql.exec(url, "UPDATE meta SET value = '" + (SchemaVersion.HEAD + 1) + "' WHERE key = 'schema_version'");

        assertThatThrownBy(() -> Migrations.apply(Location.parse(url)))
                .isInstanceOf(SchemaTooNewException.class)
                .hasMessageContaining("schema version " + (SchemaVersion.HEAD + 1)).hasMessageContaining("schema version " + SchemaVersion.HEAD);
        assertThat(PgSql.value(url, "SELECT value FROM meta WHERE key = 'schema_version'")).isEqualTo(String.valueOf(SchemaVersion.HEAD + 1));

        String foreign = PgCluster.shared().newDatabase();
        PgSql.exec(foreign, "CREATE TABLE orders (id bigint PRIMARY KEY)", "INSERT INTO orders VALUES (1)");
        assertThatThrownBy(() -> Migrations.apply(Location.parse(foreign)))
                .isInstanceOf(MigrationException.class)
                .hasMessageContaining("it is not a metadb database (it has tables orders but no metadb schema version)")
                .hasMessageNotContaining(PgCluster.shared().password() == null ? "\u0000" : PgCluster.shared().password());
        assertThat(PgSql.tables(foreign)).containsExactly("orders");
    }

    @ParameterizedTest(name = "from v{0}")
    @ValueSource(ints = {0, 5, 10})
    void killedAfterAnyChangesetTheDatabaseIsAtItsStartingVersionAndOpensAgain(int start) throws Exception {
        List<String> pending = ChangelogCheck.parse(Migrations.CHANGELOG, "postgresql").stream()
                .filter(c -> c.version() > start)
                .map(c -> c.changeSet().getId()).toList();
        List<String> killPoints = List.of(pending.get(0), pending.get(pending.size() / 2), pending.get(pending.size() - 1));
        for (String point : killPoints) {
            String url = PgCluster.shared().newDatabase();
            Location db = Location.parse(url);
            Map<String, List<List<String>>> rows = Map.of();
            if (start > 0) {
                Migrations.upgradeTo(db, start);
                rows = fillEveryTable(url);
            }
            List<String> schemaBefore = PgSql.normalizedSchema(url);
            try (ChildJvm child = ChildJvm.start(MigrateMain.class, url, point)) {
                child.awaitLine("PAUSED");
                child.kill();
            }
            assertThat(Migrations.schemaVersion(db)).as("killed after " + point).isEqualTo(start);
            assertThat(PgSql.normalizedSchema(url)).as("killed after " + point).isEqualTo(schemaBefore);
            for (var e : rows.entrySet()) {
                assertThat(Sql.asWideAs(PgSql.rows(url, selectAll(e.getKey())), e.getValue())).as(e.getKey()).isEqualTo(e.getValue());
            }

            MigrationResult again = Migrations.apply(db);

            assertThat(again.fromVersion()).isEqualTo(start);
            assertThat(again.toVersion()).as(point).isEqualTo(SchemaVersion.HEAD);
            for (var e : rows.entrySet()) {
                assertThat(Sql.asWideAs(PgSql.rows(url, selectAll(e.getKey())), e.getValue())).as(e.getKey()).isEqualTo(e.getValue());
            }
        }
    }

    /** Two rows in every table the database has, a value in every writable column. */
    static Map<String, List<List<String>>> fillEveryTable(String url) {
        Map<String, List<List<String>>> rows = new LinkedHashMap<>();
        for (String table : PgSql.tables(url)) {
            List<TableFill.Column> cols = PgSql.rows(url, "SELECT column_name, data_type, is_generated FROM"
                    + " information_schema.columns WHERE table_schema = current_schema() AND table_name = '" + table
                    + "' ORDER BY ordinal_position").stream()
                    .map(c -> new TableFill.Column(c.get(0), c.get(1), c.get(2).equals("ALWAYS"))).toList();
            List<String> statements = TableFill.inserts(table, cols);
            PgSql.exec(url, statements.toArray(String[]::new));
            rows.put(table, PgSql.rows(url, selectAll(table)));
        }
        return rows;
    }

    private static String selectAll(String table) {
        return "SELECT * FROM " + table + (table.equals("meta") ? " WHERE key <> 'schema_version'" : "") + " ORDER BY 1, 2";
    }
}
