package io.metadb.dao;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.metadb.dao.internal.JsonTables;
import io.metadb.dao.internal.JsonTables.JsonTable;
import io.metadb.dao.internal.PayloadSpec;
import io.metadb.generated.DefaultSchema;
import java.util.ArrayList;
import java.util.List;
import org.jooq.Field;
import org.jooq.Table;
import org.junit.jupiter.api.Test;

/**
 * The payload records repeat the keys the changelogs define: this keeps the two in step
 * (names, order, types and required-ness against the generated columns).
 */
class PayloadsMatchSchemaTest {
    @Test
    void everyJsonRowTableHasARecordWhoseKeysAreItsGeneratedColumns() {
        List<String> jsonTables = DefaultSchema.DEFAULT_SCHEMA.getTables().stream()
                .filter(t -> t.field("row_json") != null).map(Table::getName).sorted().toList();
        assertThat(JsonTables.all()).extracting(JsonTable::name).containsExactlyInAnyOrderElementsOf(jsonTables);
        assertThat(jsonTables).hasSize(24);

        for (JsonTable t : JsonTables.all()) {
            List<String> columns = new ArrayList<>();
            for (Field<?> f : t.table().fields()) {
                if (!List.of("id", "ts", "row_json").contains(f.getName())) {
                    columns.add(f.getName() + " " + f.getType().getSimpleName() + (f.getDataType().nullable() ? "?" : ""));
                }
            }
            List<String> keys = new ArrayList<>();
            for (PayloadSpec.Key k : t.spec().keys()) {
                if (k.kind() == PayloadSpec.Kind.ARRAY) {
                    assertThat(t.name() + "." + k.name()).isEqualTo("cli_invocations.args"); // the one key without a column
                    continue;
                }
                String type = switch (k.kind()) {
                    case TEXT -> "String";
                    case INTEGER -> "Long";
                    case REAL -> "Double";
                    case BOOLEAN -> "Boolean";
                    case ARRAY -> throw new AssertionError();
                };
                keys.add(k.name() + " " + type + (k.required() ? "" : "?"));
            }
            assertThat(keys).as(t.name()).containsExactlyElementsOf(columns);
        }
    }

    @Test
    void theRegistryCannotBeChangedByACaller() {
        // Issue 10 §4: all() once returned the live map's values; removeIf took ticks out of
        // the registry for every later caller.
        assertThatThrownBy(() -> JsonTables.all().removeIf(t -> t.name().equals("ticks")))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThat(JsonTables.byName("ticks").name()).isEqualTo("ticks");
    }
}
