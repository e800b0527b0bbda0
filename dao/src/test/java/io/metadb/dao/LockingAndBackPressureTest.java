package io.metadb.dao;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.metadb.payload.Tick;
import io.metadb.migrations.testing.ChildJvm;
import io.metadb.migrations.testing.MigratedDb;
import io.metadb.migrations.testing.Sql;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LockingAndBackPressureTest {
    @TempDir
    Path dir;

    @Test
    void aLockHeldByAnotherProcessPastTheBusyTimeoutFailsTheWriteWithAClearError(@MigratedDb Path file) throws Exception {
        try (MetaDb db = MetaDb.open(file, MetaDbOptions.builder().busyTimeoutMs(300).build())) {
            CompletableFuture<Long> write;
            try (ChildJvm holder = ChildJvm.start(LockHolderMain.class, file.toString())) {
                holder.awaitLine("LOCKED");
                write = db.dao(Tick.class).record(new Tick("a", "k", "ok", 1));
                assertThatThrownBy(write::join).isInstanceOf(CompletionException.class)
                        .cause().isInstanceOf(MetaDbLockedException.class)
                        .hasMessageContaining(file.toString() + " is locked by another process")
                        .hasMessageContaining("lsof " + file.toAbsolutePath());
                // What happened, not how long it took: the other process still holds the lock
                // (it answers), and nothing of the write reached the file.
                holder.send("PING");
                holder.awaitLine("PONG");
                assertThat(Sql.value(file, "SELECT count(*) FROM ticks")).isEqualTo("0");
            }
            // The holder is gone: the next write goes through, nothing of the failed one was written.
            assertThat(db.dao(Tick.class).record(new Tick("b", "k", "ok", 2)).join()).isPositive();
        }
        assertThat(Sql.rows(file, "SELECT agent FROM ticks")).containsExactly(List.of("b"));
    }

    /**
     * A write that waited out the busy timeout is the only wait: closing the handle while the
     * other process still holds the lock does not wait a second timeout (it took 20 s for a
     * 10 s timeout). A hang check: close must return within a fraction of the timeout.
     */
    @Test
    void closingWhileAnotherProcessHoldsTheLockDoesNotWaitAgain(@MigratedDb Path file) throws Exception {
        int busyTimeoutMs = 3_000;
        try (ChildJvm holder = ChildJvm.start(LockHolderMain.class, file.toString())) {
            holder.awaitLine("LOCKED");
            MetaDb db = MetaDb.open(file, MetaDbOptions.builder().busyTimeoutMs(busyTimeoutMs).build());
            assertThatThrownBy(() -> db.dao(Tick.class).record(new Tick("a", "k", "ok", 1)).join())
                    .cause().isInstanceOf(MetaDbLockedException.class).hasMessageContaining("waited " + busyTimeoutMs + " ms");
            org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofMillis(busyTimeoutMs / 2), db::close);
            holder.send("PING");
            holder.awaitLine("PONG"); // it held the lock throughout
        }
    }

    @Test
    void aFullQueueBlocksCallersAndDropsNothing() {
        Path file = dir.resolve("meta.db");
        try (MetaDb db = MetaDb.open(file, MetaDbOptions.builder().queueCapacity(2).maxBatchRows(3).build())) {
            List<CompletableFuture<Long>> futures = new ArrayList<>();
            for (int i = 0; i < 3_000; i++) {
                futures.add(db.dao(Tick.class).record(new Tick("a", "k", "ok", i)));
            }
            futures.forEach(CompletableFuture::join);
            assertThat(db.commits()).isGreaterThanOrEqualTo(1_000); // at most 3 rows per transaction
        }
        assertThat(Sql.value(file, "SELECT count(*) FROM ticks")).isEqualTo("3000");
        assertThat(Sql.value(file, "SELECT count(DISTINCT duration_ms) FROM ticks")).isEqualTo("3000");
    }

}
