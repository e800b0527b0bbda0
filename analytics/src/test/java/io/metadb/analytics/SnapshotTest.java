package io.metadb.analytics;

import io.metadb.analytics.report.HotTablesReport;
import io.metadb.core.SchemaVersion;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import static io.metadb.generated.Tables.CLI_INVOCATIONS;
import static io.metadb.generated.Tables.MESSAGES;
import static io.metadb.generated.Tables.META;
import static io.metadb.generated.Tables.TICKS;
import static io.metadb.generated.Tables.TOKEN_USAGE;

import io.metadb.analytics.TableCopy;
import io.metadb.dao.MetaDb;
import io.metadb.dao.Demo;
import io.metadb.generated.DefaultSchema;
import io.metadb.migrations.Migrations;
import io.metadb.migrations.testing.ChildJvm;
import io.metadb.migrations.testing.Sql;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
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
    void aPartialCopyKnowsHowManyRowsEachTableHadInTheFile() {
        Path file = dir.resolve("meta.db");
        Instant now = Instant.parse("2026-04-20T12:00:00.000Z");
        try (MetaDb db = MetaDb.open(file)) {
            new Demo(db, 3, now, 0.02).run();
        }
        Instant since = now.minus(java.time.Duration.ofHours(6));
        List<TableCopy> copies = List.of(
                TableCopy.of(TOKEN_USAGE).columns(TOKEN_USAGE.TS, TOKEN_USAGE.MODEL).within(since, now),
                TableCopy.of(CLI_INVOCATIONS).latest(7),
                TableCopy.of(MESSAGES).where(MESSAGES.AGENT.eq("agent1")));
        try (Snapshot s = Snapshot.copy(file, copies)) {
            for (Table<?> t : List.of(TOKEN_USAGE, CLI_INVOCATIONS, MESSAGES)) {
                assertThat(s.sourceRows(t)).as(t.getName())
                        .isEqualTo(Long.parseLong(Sql.value(file, "SELECT count(*) FROM " + t.getName())));
            }
            assertThat(s.dsl().fetchCount(TOKEN_USAGE)).isPositive().isEqualTo(Integer.parseInt(
                    Sql.value(file, "SELECT count(*) FROM token_usage WHERE ts >= '2026-04-20T06:00:00.000Z'")));
            assertThat(s.dsl().meta().getTables("token_usage").get(0).fields()).extracting(f -> f.getName())
                    .containsExactly("ts", "model");
            assertThat(s.dsl().select(CLI_INVOCATIONS.ID).from(CLI_INVOCATIONS).orderBy(CLI_INVOCATIONS.ID).fetch(CLI_INVOCATIONS.ID))
                    .isEqualTo(Sql.value(file, "SELECT group_concat(id) FROM (SELECT id FROM cli_invocations"
                            + " ORDER BY ts DESC, id DESC LIMIT 7 ) ORDER BY id").lines().findFirst().stream()
                            .flatMap(l -> java.util.Arrays.stream(l.split(","))).map(Long::parseLong).sorted().toList());
            assertThat(s.dsl().fetchCount(MESSAGES)).isPositive().isEqualTo(Integer.parseInt(
                    Sql.value(file, "SELECT count(*) FROM messages WHERE agent = 'agent1'")));
            assertThatThrownBy(() -> s.sourceRows(TICKS)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("did not copy ticks");
        }
        // orLatest adds the latest row matching its condition, and nothing to a copy of every row.
        String last = Sql.value(file, "SELECT id FROM messages WHERE agent = 'agent2' ORDER BY ts DESC, id DESC LIMIT 1").trim();
        try (Snapshot s = Snapshot.copy(file, List.of(
                TableCopy.of(MESSAGES).where(MESSAGES.AGENT.eq("agent1")).within(since, now).orLatest(MESSAGES.AGENT.eq("agent2")),
                TableCopy.of(TICKS).orLatest(TICKS.AGENT.eq("agent2"))))) {
            assertThat(s.dsl().select(MESSAGES.ID).from(MESSAGES).where(MESSAGES.AGENT.eq("agent2")).fetch(MESSAGES.ID))
                    .containsExactly(Long.parseLong(last));
            assertThat(s.dsl().fetchCount(MESSAGES, MESSAGES.AGENT.eq("agent1"))).isEqualTo(Integer.parseInt(Sql.value(file,
                    "SELECT count(*) FROM messages WHERE agent = 'agent1' AND ts >= '2026-04-20T06:00:00.000Z'")));
            assertThat(s.dsl().fetchCount(TICKS)).isEqualTo(Integer.parseInt(Sql.value(file, "SELECT count(*) FROM ticks")));
        }
    }

    @Test
    void aFileWhosePathLooksLikeAUriIsCopiedAndNothingElseIsOpened() throws Exception {
        Path odd = Files.createDirectories(dir.resolve("we ird#dir%25x?y"));
        Path file = odd.resolve("meta.db");
        try (MetaDb db = MetaDb.open(file)) {
            new Demo(db, 3, Instant.parse("2026-04-20T12:00:00.000Z"), 0.01).run();
        }
        try (Snapshot s = Snapshot.of(file, Set.of(TICKS))) {
            assertThat(s.sourceRows(TICKS)).isPositive()
                    .isEqualTo(Long.parseLong(Sql.value(file, "SELECT count(*) FROM ticks")));
        }
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("we ird#dir%25x?y");
        }
    }

    @Test
    void aFileOfAnotherSchemaVersionIsRefusedWithWhatToDo() {
        Path file = dir.resolve("old.db");
        Migrations.upgradeTo(file, 9); // before the v10 tables hot-tables reads
        for (java.util.function.Supplier<Snapshot> take : List.<java.util.function.Supplier<Snapshot>>of(
                () -> Snapshot.of(file), () -> Snapshot.copy(file, HotTablesReport.of().reads(Instant.now())))) {
            assertThatThrownBy(take::get).isInstanceOf(Snapshot.SnapshotException.class)
                    .hasMessage(file + " has schema version 9; this metadb reads version " + SchemaVersion.HEAD
                            + " (run: metadb migrate)");
        }
    }

    @Test
    void aCopyOfSomethingATableDoesNotHaveIsRefused() {
        assertThatThrownBy(() -> TableCopy.of(TOKEN_USAGE).columns(MESSAGES.BODY))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not a column of token_usage");
        assertThatThrownBy(() -> TableCopy.of(META).latest(3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot copy the latest rows of meta");
        assertThatThrownBy(() -> TableCopy.of(TICKS).latest(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Snapshot.copy(dir.resolve("any.db"), List.of(TableCopy.of(TICKS), TableCopy.of(TICKS).latest(2))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("copies each table once");
        assertThatThrownBy(() -> new TableCopy(TICKS, List.of(), org.jooq.impl.DSL.noCondition(), 0, null, null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs a column");
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

    /** Issue 26: Reports.open on a missing file fails at open, in the library's words (not the CLI's). */
    @Test
    void reportsOpenOnAMissingFileFailsAtOpen() {
        Path absent = dir.resolve("nowhere.db");
        assertThatThrownBy(() -> Reports.open(absent, Instant.now())).isInstanceOf(Snapshot.SnapshotException.class)
                .hasMessage("no database at " + absent + " (Migrations.apply(path) or MetaDb.open(path) creates one)")
                .satisfies(e -> assertThat(((Snapshot.SnapshotException) e).missingDatabase()).contains(absent));
        assertThat(absent).doesNotExist();
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
        assertThatThrownBy(() -> Snapshot.copy(text, HotTablesReport.of().reads(Instant.now())))
                .isInstanceOf(Snapshot.SnapshotException.class).hasMessageContaining("not a database");
        assertThatThrownBy(() -> Snapshot.copy(empty, HotTablesReport.of().reads(Instant.now())))
                .isInstanceOf(Snapshot.SnapshotException.class).hasMessageContaining("is not a metadb database");
    }

    /** A reader leaves no -wal/-shm behind when it was the last one; with a writer open they stay (as they must). */
    @Test
    void snapshotsLeaveNoLitter() throws Exception {
        Path file = dir.resolve("litter.db");
        Path wal = dir.resolve("litter.db-wal");
        Path shm = dir.resolve("litter.db-shm");
        try (MetaDb db = MetaDb.open(file)) {
            db.dao(io.metadb.payload.Tick.class).record(new io.metadb.payload.Tick("a", "k", "ok", 1)).join();
            Snapshot.of(file).close();
            Snapshot.copy(file, io.metadb.analytics.report.HotTablesReport.of().reads(Instant.now())).close();
            assertThat(wal).as("a writer is open").exists();
            db.dao(io.metadb.payload.Tick.class).record(new io.metadb.payload.Tick("b", "k", "ok", 2)).join();
        }
        assertThat(wal).doesNotExist();
        try (Snapshot s = Snapshot.of(file)) {
            assertThat(s.dsl().fetchCount(io.metadb.generated.Tables.TICKS)).isEqualTo(2);
        }
        assertThat(wal).doesNotExist();
        assertThat(shm).doesNotExist();
        Snapshot.copy(file, io.metadb.analytics.report.HotTablesReport.of().reads(Instant.now())).close();
        assertThat(wal).doesNotExist();
        assertThat(shm).doesNotExist();
    }
}
