package io.metadb.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.metadb.core.BadInputException;
import io.metadb.dao.MetaDb;
import io.metadb.payload.Tick;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link QueryConnections}, the connections a server keeps for {@code query}: a kept
 * connection answers exactly as a fresh one would after every kind of statement before it (a
 * commit since, a refused write, bad SQL, a statement stopped by the time limit, the
 * catalogue), is reused rather than reopened, and is not used for a file replaced under it.
 * Real files, written by the DAO.
 */
class KeptReadersTest {
    private static final Duration LIMIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private QueryConnections readers;

    @AfterEach
    void close() {
        if (readers != null) {
            readers.close();
        }
    }

    private static Path withTicks(Path file, int n) {
        try (MetaDb db = MetaDb.open(file)) {
            for (int i = 0; i < n; i++) {
                db.dao(Tick.class).record(new Tick("agent" + i, "heartbeat", Tick.OK, i));
            }
            db.flush();
        }
        return file;
    }

    private List<List<Object>> rows(String sql) {
        List<List<Object>> out = new ArrayList<>();
        ReadOnlyQuery.stream(readers, sql, LIMIT, new RowSink() {
            @Override
            public void columns(List<String> names) {
                // only the rows are compared
            }

            @Override
            public void row(List<Object> values) {
                out.add(values);
            }

            @Override
            public void end() {
                // collected
            }
        });
        return out;
    }

    private long count() {
        return (Long) rows("SELECT count(*) FROM ticks").get(0).get(0);
    }

    @Test
    void aKeptConnectionSeesEveryCommitSinceItsLastStatement() {
        Path file = withTicks(dir.resolve("meta.db"), 3);
        readers = new QueryConnections(file, 2);
        assertThat(count()).isEqualTo(3);
        assertThat(readers.idle()).isEqualTo(1);
        try (MetaDb db = MetaDb.open(file)) {
            db.dao(Tick.class).record(new Tick("late", "heartbeat", Tick.OK, 1));
            db.flush();
            assertThat(count()).as("a commit made while the kept connection was idle").isEqualTo(4);
        }
        assertThat(readers.idle()).as("the same connection, not a second one").isEqualTo(1);
    }

    @Test
    void aConnectionIsLeftCleanByEveryKindOfStatement() {
        Path file = withTicks(dir.resolve("meta.db"), 2);
        readers = new QueryConnections(file, 2);
        assertThatThrownBy(() -> rows("DELETE FROM ticks")).isInstanceOf(ReadOnlyQuery.RefusedException.class);
        assertThatThrownBy(() -> rows("SELEC 1")).isInstanceOf(BadInputException.class);
        assertThatThrownBy(() -> rows("SELECT * FROM no_such_table")).isInstanceOf(BadInputException.class);
        // The catalogue is filled inside the statement's transaction: asked twice, filled twice.
        String tables = "SELECT count(*) FROM information_schema.tables WHERE table_name = 'ticks'";
        assertThat(rows(tables)).containsExactly(List.of(1L));
        assertThat(rows(tables)).containsExactly(List.of(1L));
        assertThatThrownBy(() -> ReadOnlyQuery.stream(readers,
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n",
                Duration.ofMillis(200), new RowSinkDiscard())).isInstanceOf(StatementLimit.ExceededException.class);
        assertThat(count()).isEqualTo(2);
        assertThat(readers.idle()).isEqualTo(1);
        // Still read-only after all of it: the switch is set again for each statement.
        assertThatThrownBy(() -> rows("DELETE FROM ticks")).isInstanceOf(ReadOnlyQuery.RefusedException.class);
        assertThat(count()).isEqualTo(2);
    }

    @Test
    void aFileReplacedUnderTheReadersIsReadAfresh() throws Exception {
        Path file = withTicks(dir.resolve("meta.db"), 2);
        Path other = withTicks(dir.resolve("other.db"), 5);
        readers = new QueryConnections(file, 2);
        assertThat(count()).isEqualTo(2);
        Files.move(other, file, StandardCopyOption.REPLACE_EXISTING);
        Files.deleteIfExists(dir.resolve("meta.db-wal"));
        Files.deleteIfExists(dir.resolve("meta.db-shm"));
        assertThat(count()).isEqualTo(5);
        Files.delete(file);
        assertThatThrownBy(this::count).isInstanceOf(Snapshot.SnapshotException.class).hasMessageContaining("no database");
    }

    @Test
    void closedReadersKeepNothing() {
        Path file = withTicks(dir.resolve("meta.db"), 1);
        readers = new QueryConnections(file, 2);
        assertThat(count()).isEqualTo(1);
        readers.close();
        assertThat(readers.idle()).isZero();
        assertThat(count()).as("still answers, on a connection it does not keep").isEqualTo(1);
        assertThat(readers.idle()).isZero();
    }

    private static final class RowSinkDiscard implements RowSink {
        @Override
        public void columns(List<String> names) {
            // discarded
        }

        @Override
        public void row(List<Object> values) {
            // discarded
        }

        @Override
        public void end() {
            // discarded
        }
    }
}
