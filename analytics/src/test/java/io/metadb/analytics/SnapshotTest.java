package io.metadb.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.metadb.dao.MetaDb;
import io.metadb.dao.demo.Demo;
import io.metadb.generated.DefaultSchema;
import io.metadb.migrations.Migrations;
import io.metadb.migrations.testing.ChildJvm;
import io.metadb.migrations.testing.Sql;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;
import org.jooq.Table;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotTest {
    @TempDir
    Path dir;

    @Test
    void aSnapshotHoldsEveryRowOfEveryTable() {
        Path file = dir.resolve("meta.db");
        try (MetaDb db = MetaDb.open(file)) {
            new Demo(db, 3, Instant.parse("2026-04-20T12:00:00.000Z"), 0.02).run();
        }
        try (Snapshot whole = Snapshot.of(file)) {
            for (Table<?> t : DefaultSchema.DEFAULT_SCHEMA.getTables()) {
                assertThat(whole.dsl().fetchCount(t)).as(t.getName())
                        .isEqualTo(Integer.parseInt(Sql.value(file, "SELECT count(*) FROM " + t.getName())));
            }
        }
        try (Snapshot partial = Snapshot.of(file, Set.of(io.metadb.generated.Tables.TOKEN_USAGE),
                Instant.parse("2026-04-19T12:00:00.000Z"))) {
            assertThat(partial.dsl().fetchCount(io.metadb.generated.Tables.TOKEN_USAGE)).isEqualTo(Integer.parseInt(
                    Sql.value(file, "SELECT count(*) FROM token_usage WHERE ts >= '2026-04-19T12:00:00.000Z'")));
        }
    }

    @Test
    void snapshotsTakenWhileAnotherProcessWritesAreConsistent() throws Exception {
        Path file = dir.resolve("meta.db");
        Migrations.apply(file);
        try (ChildJvm writer = ChildJvm.start(BatchWriterMain.class, file.toString())) {
            writer.awaitLine("COMMITTED");
            int nonEmpty = 0;
            for (int i = 0; i < 15; i++) {
                for (boolean whole : new boolean[] {true, false}) {
                    try (Snapshot s = whole ? Snapshot.of(file) : Snapshot.of(file, Set.of(io.metadb.generated.Tables.TICKS))) {
                        int rows = s.dsl().fetchCount(io.metadb.generated.Tables.TICKS);
                        // Each 200-row transaction is all in or all out.
                        assertThat(rows % BatchWriterMain.BATCH).as("rows in snapshot " + i).isZero();
                        nonEmpty += rows > 0 ? 1 : 0;
                    }
                }
            }
            assertThat(nonEmpty).isEqualTo(30);
        }
    }

    @Test
    void aMissingOrForeignFileIsAClearError() throws Exception {
        assertThatThrownBy(() -> Snapshot.of(dir.resolve("absent.db")))
                .isInstanceOf(Snapshot.SnapshotException.class).hasMessageStartingWith("no database at ");
        Path text = dir.resolve("notes.txt");
        Files.writeString(text, "not a database");
        assertThatThrownBy(() -> Snapshot.of(text)).isInstanceOf(Snapshot.SnapshotException.class);
        Path empty = dir.resolve("empty.db");
        Sql.exec(empty, "CREATE TABLE x (y)");
        assertThatThrownBy(() -> Snapshot.of(empty)).isInstanceOf(Snapshot.SnapshotException.class)
                .hasMessageContaining("is not a metadb database");
    }
}
