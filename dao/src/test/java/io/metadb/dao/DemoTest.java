package io.metadb.dao;

import static org.assertj.core.api.Assertions.assertThat;

import io.metadb.migrations.testing.Sql;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo data: the same rows for the same seed and now. */
class DemoTest {
    @TempDir
    Path dir;

    @Test
    void theDemoIsDeterministicForASeedAndNow() {
        Instant now = Instant.parse("2026-04-20T12:00:00.000Z");
        List<List<List<List<String>>>> dumps = new ArrayList<>();
        for (String name : new String[] {"a.db", "b.db"}) {
            Path file = dir.resolve(name);
            try (MetaDb db = MetaDb.open(file)) {
                new Demo(db, 7, now, 0.02).run();
            }
            dumps.add(List.of(
                    Sql.rows(file, "SELECT id, ts, row_json FROM token_usage ORDER BY id"),
                    Sql.rows(file, "SELECT id, ts, row_json FROM clone_dispatches ORDER BY id"),
                    Sql.rows(file, "SELECT id, ts, status, attempts, last_error FROM events ORDER BY id")));
        }
        assertThat(dumps.get(0)).isEqualTo(dumps.get(1));
        assertThat(dumps.get(0).get(0)).hasSize(1_528);
    }
}
