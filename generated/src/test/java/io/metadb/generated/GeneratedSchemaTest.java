package io.metadb.generated;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import io.metadb.generated.envelope.Envelope;
import io.metadb.generated.envelope.JsonRowTable;
import io.metadb.generated.envelope.RowTable;
import io.metadb.generated.envelope.RowTables;
import org.jooq.Field;
import org.jooq.Table;
import org.jooq.UniqueKey;
import org.junit.jupiter.api.Test;

/**
 * Cross-checks the generated classes against the SQLite file they were generated from:
 * jOOQ's SQLite codegen can silently drop keys or columns when it fails to read a table,
 * so every table, column (with nullability) and primary key of the file must be present.
 */
class GeneratedSchemaTest {
    private static final Path CODEGEN_DB = Path.of("target", "codegen.db");

    @Test
    void everyTableColumnAndPrimaryKeyOfTheMigratedFileIsGenerated() throws Exception {
        assertThat(CODEGEN_DB).exists();
        Map<String, Table<?>> generated = DefaultSchema.DEFAULT_SCHEMA.getTables().stream()
                .collect(Collectors.toMap(Table::getName, t -> t));
        Map<String, List<String[]>> fileColumns = new LinkedHashMap<>();
        Map<String, List<String>> filePks = new LinkedHashMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + CODEGEN_DB);
             Statement s = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'"
                    + " AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'DATABASECHANGELOG%' ORDER BY name")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            for (String table : tables) {
                List<String[]> cols = new ArrayList<>();
                List<String> pk = new ArrayList<>();
                try (ResultSet rs = s.executeQuery("SELECT name, \"notnull\", pk FROM pragma_table_xinfo('" + table + "') ORDER BY cid")) {
                    while (rs.next()) {
                        cols.add(new String[] {rs.getString(1), rs.getString(2)});
                        if (rs.getInt(3) > 0) {
                            pk.add(rs.getString(1));
                        }
                    }
                }
                fileColumns.put(table, cols);
                filePks.put(table, pk);
            }
        }
        assertThat(generated.keySet()).containsExactlyInAnyOrderElementsOf(fileColumns.keySet());
        assertThat(fileColumns).hasSize(32);
        for (var entry : fileColumns.entrySet()) {
            Table<?> table = generated.get(entry.getKey());
            List<String> names = new ArrayList<>();
            for (String[] col : entry.getValue()) {
                names.add(col[0]);
                Field<?> field = table.field(col[0]);
                assertThat(field).as(entry.getKey() + "." + col[0]).isNotNull();
                boolean notNull = "1".equals(col[1]);
                assertThat(field.getDataType().nullable()).as(entry.getKey() + "." + col[0] + " nullable")
                        .isEqualTo(!notNull);
            }
            assertThat(table.fields()).extracting(Field::getName).containsExactlyElementsOf(names);
            UniqueKey<?> pk = table.getPrimaryKey();
            assertThat(pk).as(entry.getKey() + " primary key").isNotNull();
            assertThat(pk.getFields()).extracting(Field::getName)
                    .containsExactlyElementsOf(filePks.get(entry.getKey()));
        }
        assertThat(Files.readString(Path.of("target", "codegen.log"))).doesNotContain("Cannot parse or interpret sql");
    }

    /**
     * codegen.xml names the tables that are not JSON-row tables; this keeps that list true:
     * exactly the tables with a row_json column are JsonRowTables, and the other tables with an
     * id and a ts (events) are RowTables. Their accessors are the tables' own fields.
     */
    @Test
    void theEnvelopeInterfacesMarkExactlyTheTablesWithThoseColumns() {
        for (Table<?> t : DefaultSchema.DEFAULT_SCHEMA.getTables()) {
            boolean hasJson = t.field(Envelope.ROW_JSON) != null;
            boolean hasIdAndTs = t.field(Envelope.ID) != null && t.field(Envelope.TS) != null;
            assertThat(t instanceof JsonRowTable).as(t.getName()).isEqualTo(hasJson);
            assertThat(t instanceof RowTable).as(t.getName()).isEqualTo(hasIdAndTs);
            if (t instanceof RowTable r) {
                assertThat(r.id()).isSameAs(t.field(Envelope.ID));
                assertThat(r.ts()).isSameAs(t.field(Envelope.TS));
                assertThat(r.ts().getType()).isEqualTo(java.time.Instant.class);
                assertThat(r.agent()).isSameAs(t.field(Envelope.AGENT));
            }
        }
        assertThat(RowTables.jsonRowTables()).hasSize(24).contains((JsonRowTable) Tables.MESSAGES);
        assertThat(RowTables.rowTables()).hasSize(25).contains((RowTable) Tables.EVENTS);
        assertThat(((JsonRowTable) Tables.CRASHES.as("latest")).ts().getQualifiedName().toString()).isEqualTo("\"latest\".\"ts\"");
        assertThat(((RowTable) Tables.EVENTS).agent()).isNull();
    }
}
