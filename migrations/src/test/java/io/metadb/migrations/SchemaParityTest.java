package io.metadb.migrations;

import static org.assertj.core.api.Assertions.assertThat;

import io.metadb.core.Location;
import io.metadb.migrations.testing.PgCluster;
import io.metadb.migrations.testing.PgSql;
import io.metadb.migrations.testing.Sql;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SQLite and PostgreSQL changesets make the same schema: table by table, column by
 * column (name, type class, nullability, generated from which payload key), primary keys and
 * every index with its columns. The jOOQ classes generated from the SQLite file are the
 * typed API of both engines because of this test.
 */
class SchemaParityTest {
    private static final Pattern SQLITE_KEY = Pattern.compile(
            "(\\w+) \\w+(?: NOT NULL)? GENERATED ALWAYS AS \\(json_extract\\(row_json, '\\$\\.(\\w+)'\\)\\)");
    private static final Pattern PG_KEY = Pattern.compile("->> '(\\w+)'");

    @TempDir
    Path dir;

    @Test
    void bothEnginesHaveTheSameTablesColumnsKeysAndIndexes() {
        Path file = dir.resolve("meta.db");
        Migrations.apply(file);
        String url = PgCluster.shared().newDatabase();
        Migrations.apply(Location.parse(url));

        Map<String, List<String>> sqlite = sqliteSchema(file);
        Map<String, List<String>> pg = pgSchema(url);

        assertThat(sqlite).hasSize(io.metadb.generated.DefaultSchema.DEFAULT_SCHEMA.getTables().size());
        assertThat(pg.keySet()).isEqualTo(sqlite.keySet());
        for (String table : sqlite.keySet()) {
            assertThat(pg.get(table)).as(table).isEqualTo(sqlite.get(table));
        }
        // The comparison is not vacuous: a generated column, its key and its type are in it.
        assertThat(sqlite.get("token_usage")).contains("column cost_usd real not null generated from cost_usd",
                "index token_usage_model_ts (model, ts)", "primary key (id)");
        assertThat(sqlite.get("mcp_tool_calls")).contains("column ok boolean not null generated from ok");
    }

    private static Map<String, List<String>> sqliteSchema(Path db) {
        Map<String, List<String>> out = new TreeMap<>();
        for (String table : Sql.tables(db)) {
            if (table.startsWith("DATABASECHANGELOG")) {
                continue;
            }
            String ddl = Sql.value(db, "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = '" + table + "'");
            // (A column added later is appended to the DDL's last line: matched anywhere in it.)
            Map<String, String> keys = new LinkedHashMap<>();
            Matcher m = SQLITE_KEY.matcher(ddl);
            while (m.find()) {
                keys.put(m.group(1), m.group(2));
            }
            List<String> lines = new ArrayList<>();
            List<String> pk = new ArrayList<>();
            for (List<String> c : Sql.rows(db, "SELECT name, type, \"notnull\", pk, hidden FROM pragma_table_xinfo('"
                    + table + "') ORDER BY cid")) {
                boolean key = !c.get(3).equals("0");
                if (key) {
                    pk.add(c.get(0));
                }
                lines.add(column(c.get(0), typeClass(c.get(1)), c.get(2).equals("1") || key,
                        c.get(4).equals("3") || c.get(4).equals("2") ? keys.get(c.get(0)) : null));
            }
            lines.add("primary key (" + String.join(", ", pk) + ")");
            for (List<String> i : Sql.rows(db, "SELECT l.name, (SELECT group_concat(name, ', ') FROM"
                    + " (SELECT name FROM pragma_index_info(l.name) ORDER BY seqno)) FROM pragma_index_list('" + table
                    + "') l WHERE l.origin = 'c' ORDER BY l.name")) {
                lines.add("index " + i.get(0) + " (" + i.get(1) + ")");
            }
            out.put(table, lines);
        }
        return out;
    }

    private static Map<String, List<String>> pgSchema(String url) {
        Map<String, List<String>> out = new TreeMap<>();
        for (String table : PgSql.tables(url)) {
            List<String> lines = new ArrayList<>();
            for (List<String> c : PgSql.rows(url, "SELECT column_name, data_type, is_nullable, generation_expression"
                    + " FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = '"
                    + table + "' ORDER BY ordinal_position")) {
                String key = null;
                if (c.get(3) != null) {
                    Matcher m = PG_KEY.matcher(c.get(3));
                    key = m.find() ? m.group(1) : "?" + c.get(3);
                }
                lines.add(column(c.get(0), typeClass(c.get(1)), c.get(2).equals("NO"), key));
            }
            List<String> pk = PgSql.rows(url, "SELECT a.attname FROM pg_index i JOIN pg_attribute a"
                    + " ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) WHERE i.indisprimary"
                    + " AND i.indrelid = '" + table + "'::regclass ORDER BY array_position(i.indkey, a.attnum)")
                    .stream().map(r -> r.get(0)).toList();
            lines.add("primary key (" + String.join(", ", pk) + ")");
            for (List<String> i : PgSql.rows(url, "SELECT c.relname, (SELECT string_agg(a.attname, ', ' ORDER BY"
                    + " array_position(x.indkey, a.attnum)) FROM pg_attribute a WHERE a.attrelid = x.indrelid"
                    + " AND a.attnum = ANY(x.indkey)) FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid"
                    + " WHERE x.indrelid = '" + table + "'::regclass AND NOT x.indisprimary ORDER BY c.relname")) {
                lines.add("index " + i.get(0) + " (" + i.get(1) + ")");
            }
            out.put(table, lines);
        }
        return out;
    }

    private static String column(String name, String type, boolean notNull, String key) {
        return "column " + name + " " + type + (notNull ? " not null" : "") + (key == null ? "" : " generated from " + key);
    }

    /** SQLite's declared types and PostgreSQL's data types, as the type classes jOOQ maps them to. */
    private static String typeClass(String declared) {
        return switch (declared.toLowerCase(java.util.Locale.ROOT)) {
            case "text" -> "text";
            case "integer", "bigint" -> "integer";
            case "real", "double precision" -> "real";
            case "boolean" -> "boolean";
            default -> "unknown type " + declared;
        };
    }
}
