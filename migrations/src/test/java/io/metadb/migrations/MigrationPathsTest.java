package io.metadb.migrations;

import io.metadb.core.SchemaVersion;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.metadb.generated.DefaultSchema;
import io.metadb.migrations.testing.Sql;
import io.metadb.migrations.testing.TableFill;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jooq.Table;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Migration checks (a) and (b): empty to head, and every tagged version to head. */
class MigrationPathsTest {
    @TempDir
    Path dir;

    @Test
    void emptyFileToHead() {
        Path db = dir.resolve("meta.db");
        MigrationResult result = Migrations.apply(db);

        assertThat(result).isEqualTo(new MigrationResult(0, SchemaVersion.HEAD, Migrations.HEAD_CHANGESETS, false, false, false));
        assertThat(Sql.value(db, "SELECT value FROM meta WHERE key = 'schema_version'")).isEqualTo(String.valueOf(SchemaVersion.HEAD));
        assertThat(Sql.value(db, "PRAGMA journal_mode")).isEqualTo("wal");
        assertThat(Sql.tables(db)).containsExactlyInAnyOrderElementsOf(
                DefaultSchema.DEFAULT_SCHEMA.getTables().stream().map(Table::getName).toList());
        assertThat(Sql.value(db, "SELECT count(*) FROM DATABASECHANGELOG")).isEqualTo(String.valueOf(Migrations.HEAD_CHANGESETS));
        assertThat(Sql.rows(db, "SELECT tag FROM DATABASECHANGELOG WHERE tag IS NOT NULL ORDER BY orderexecuted"))
                .extracting(r -> r.get(0)).containsExactly("v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9", "v10", "v11", "v12");
        // Every JSON-row table: ts index, json_valid check, stored generated columns.
        List<String> jsonTables = Sql.rows(db, "SELECT m.name FROM sqlite_master m WHERE m.type = 'table'"
                + " AND EXISTS (SELECT 1 FROM pragma_table_xinfo(m.name) WHERE name = 'row_json')").stream()
                .map(r -> r.get(0)).toList();
        assertThat(jsonTables).hasSize(24);
        for (String t : jsonTables) {
            assertThat(Sql.value(db, "SELECT count(*) FROM pragma_index_list('" + t + "') l"
                    + " WHERE (SELECT group_concat(name) FROM pragma_index_info(l.name)) = 'ts'")).as(t).isEqualTo("1");
            assertThat(Sql.value(db, "SELECT count(*) FROM pragma_table_xinfo('" + t + "') WHERE hidden = 3"))
                    .as(t).isNotEqualTo("0");
            assertThatThrownBy(() -> Sql.exec(db, "INSERT INTO " + t + " (id, ts, row_json) VALUES (1, 'x', 'not json')"))
                    .hasMessageMatching("(?s).*(CHECK constraint failed|malformed JSON).*");
            assertThat(Sql.value(db, "SELECT count(*) FROM " + t)).isEqualTo("0");
        }
        assertThat(Sql.rows(db, "SELECT name, type FROM pragma_table_xinfo('token_usage') WHERE hidden = 3"))
                .extracting(r -> r.get(0) + " " + r.get(1))
                .containsExactly("agent TEXT", "session_id TEXT", "provider TEXT", "model TEXT", "input_tokens INTEGER",
                        "output_tokens INTEGER", "cache_read_tokens INTEGER", "cache_write_tokens INTEGER", "cost_usd REAL");
        // Added in v12, so VIRTUAL (SQLite cannot add a STORED column to a table).
        assertThat(Sql.rows(db, "SELECT name, type FROM pragma_table_xinfo('token_usage') WHERE hidden = 2"))
                .extracting(r -> r.get(0) + " " + r.get(1)).containsExactly("duration_ms INTEGER");
    }

    @Test
    void applyingTwiceChangesNothing() {
        Path db = dir.resolve("meta.db");
        Migrations.apply(db);
        List<String> schema = Sql.normalizedSchema(db);
        List<List<String>> history = Sql.rows(db, "SELECT * FROM DATABASECHANGELOG ORDER BY orderexecuted");

        MigrationResult again = Migrations.apply(db);

        assertThat(again).isEqualTo(new MigrationResult(SchemaVersion.HEAD, SchemaVersion.HEAD, 0, false, false, false));
        assertThat(Sql.normalizedSchema(db)).isEqualTo(schema);
        assertThat(Sql.rows(db, "SELECT * FROM DATABASECHANGELOG ORDER BY orderexecuted")).isEqualTo(history);
    }

    @ParameterizedTest(name = "v{0} -> head")
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11})
    void everyTaggedVersionUpgradesToHeadKeepingRowsAndReachingTheSameSchema(int version) {
        Path direct = dir.resolve("direct.db");
        Migrations.apply(direct);
        Path db = dir.resolve("v" + version + ".db");

        Migrations.upgradeTo(db, version);
        assertThat(Sql.value(db, "SELECT value FROM meta WHERE key = 'schema_version'")).isEqualTo(String.valueOf(version));
        Map<String, List<List<String>>> before = fillEveryTable(db);
        MigrationResult result = Migrations.apply(db);

        assertThat(result.fromVersion()).isEqualTo(version);
        assertThat(result.toVersion()).isEqualTo(SchemaVersion.HEAD);
        for (var e : before.entrySet()) {
            assertThat(e.getValue()).as(e.getKey()).isNotEmpty();
            assertThat(Sql.asWideAs(Sql.rows(db, selectAll(e.getKey())), e.getValue())).as(e.getKey()).isEqualTo(e.getValue());
        }
        assertThat(Sql.normalizedSchema(db)).isEqualTo(Sql.normalizedSchema(direct));
    }

    @Test
    void refusesAFileNewerThanTheLibrary() {
        Path db = dir.resolve("meta.db");
        Migrations.apply(db);
        Sql.exec(db, "UPDATE meta SET value = '" + (SchemaVersion.HEAD + 1) + "' WHERE key = 'schema_version'");

        assertThatThrownBy(() -> Migrations.apply(db))
                .isInstanceOf(SchemaTooNewException.class)
                .hasMessageContaining("schema version " + (SchemaVersion.HEAD + 1))
                .hasMessageContaining("schema version " + SchemaVersion.HEAD);
        assertThat(Sql.value(db, "SELECT value FROM meta WHERE key = 'schema_version'")).isEqualTo(String.valueOf(SchemaVersion.HEAD + 1));
    }

    /** Inserts two rows into every table the file has, with a value in every writable column. */
    static Map<String, List<List<String>>> fillEveryTable(Path db) {
        Map<String, List<List<String>>> rows = new LinkedHashMap<>();
        for (String table : Sql.tables(db)) {
            List<TableFill.Column> cols = Sql.rows(db, "SELECT name, type, hidden FROM pragma_table_xinfo('" + table
                    + "')").stream().map(c -> new TableFill.Column(c.get(0), c.get(1), !c.get(2).equals("0"))).toList();
            List<String> statements = TableFill.inserts(table, cols);
            Sql.exec(db, statements.toArray(String[]::new));
            rows.put(table, Sql.rows(db, selectAll(table)));
        }
        return rows;
    }

    /** Every row of a table; meta's schema_version is left out (migrating must change it). */
    private static String selectAll(String table) {
        return "SELECT * FROM " + table + (table.equals("meta") ? " WHERE key <> 'schema_version'" : "") + " ORDER BY rowid";
    }
}
