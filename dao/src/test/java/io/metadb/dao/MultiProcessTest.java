package io.metadb.dao;

import static org.assertj.core.api.Assertions.assertThat;

import io.metadb.payload.Tick;
import io.metadb.migrations.Migrations;
import io.metadb.migrations.testing.ChildJvm;
import io.metadb.migrations.testing.Sql;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several real processes on one file, and a writer killed with -9 mid-batch. */
class MultiProcessTest {
    @TempDir
    Path dir;

    @Test
    void fourProcessesWriteOneFileWithoutErrorsLossOrDuplicateIds() throws Exception {
        Path db = dir.resolve("meta.db");
        Migrations.apply(db);
        int rowsEach = 3_000;
        List<ChildJvm> children = new ArrayList<>();
        List<List<long[]>> committed = new ArrayList<>();
        for (int p = 0; p < 4; p++) {
            children.add(ChildJvm.start(WriterMain.class, db.toString(), "agent" + p, String.valueOf(rowsEach)));
        }
        for (ChildJvm child : children) {
            List<long[]> ranges = new ArrayList<>();
            String line;
            while ((line = child.readLine()) != null && !line.equals("DONE")) {
                String[] parts = line.split(" ");
                ranges.add(new long[] {Long.parseLong(parts[1]), Long.parseLong(parts[2])});
            }
            assertThat(line).isEqualTo("DONE");
            assertThat(child.waitFor(120)).isZero();
            child.close();
            committed.add(ranges);
        }

        assertThat(Sql.value(db, "SELECT count(*) FROM ticks")).isEqualTo(String.valueOf(4 * rowsEach));
        for (int p = 0; p < 4; p++) {
            assertThat(Sql.value(db, "SELECT count(*) FROM ticks WHERE agent = 'agent" + p + "'")).isEqualTo(String.valueOf(rowsEach));
            long reported = committed.get(p).stream().mapToLong(r -> r[1] - r[0] + 1).sum();
            assertThat(reported).isEqualTo(rowsEach);
            for (long[] r : committed.get(p)) {
                assertThat(Sql.value(db, "SELECT count(*) FROM ticks WHERE agent = 'agent" + p + "' AND id BETWEEN "
                        + r[0] + " AND " + r[1])).isEqualTo(String.valueOf(r[1] - r[0] + 1));
            }
        }
        assertThat(Long.parseLong(Sql.value(db, "SELECT id FROM ids WHERE name = 'ticks'")))
                .isGreaterThanOrEqualTo(Long.parseLong(Sql.value(db, "SELECT max(id) FROM ticks")));
        assertThat(Sql.value(db, "PRAGMA integrity_check")).isEqualTo("ok");
    }

    @Test
    void aWriterKilledMidBatchLosesNothingCommittedAndIdsAreNeverReused() throws Exception {
        Path db = dir.resolve("meta.db");
        Migrations.apply(db);
        List<long[]> committed = new ArrayList<>();
        try (ChildJvm child = ChildJvm.start(WriterMain.class, db.toString(), "victim", "-1")) {
            while (committed.size() < 2_000) {
                String[] parts = child.readLine().split(" ");
                committed.add(new long[] {Long.parseLong(parts[1]), Long.parseLong(parts[2])});
            }
            child.kill();
        }

        assertThat(Sql.value(db, "PRAGMA integrity_check")).isEqualTo("ok");
        for (long[] r : committed) {
            assertThat(Sql.value(db, "SELECT count(*) FROM ticks WHERE id BETWEEN " + r[0] + " AND " + r[1]))
                    .isEqualTo(String.valueOf(r[1] - r[0] + 1));
        }
        long maxId = Long.parseLong(Sql.value(db, "SELECT max(id) FROM ticks"));
        long leased = Long.parseLong(Sql.value(db, "SELECT id FROM ids WHERE name = 'ticks'"));
        assertThat(leased).isGreaterThanOrEqualTo(maxId);

        try (MetaDb again = MetaDb.open(db)) {
            long id = again.dao(Tick.class).record(new Tick("after", "k", "ok", 1)).join();
            assertThat(id).isGreaterThan(leased);
        }
        assertThat(Sql.value(db, "SELECT count(*) FROM ticks WHERE agent = 'after'")).isEqualTo("1");
    }
}
