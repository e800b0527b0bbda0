package io.metadb.dao;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.metadb.core.Engine;
import io.metadb.core.Location;
import io.metadb.migrations.testing.MigratedDbExtension;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Writes under an idempotency key (SPEC §3, issue 23) on both engines: a repeat writes nothing
 * and is answered as the first, in a later batch, in the same batch, after the handle was
 * closed and opened again; the same key with another request is refused alone; old keys are
 * forgotten on request.
 */
@ExtendWith(MigratedDbExtension.class)
class IdempotentIngestTest {
    private static final Instant NOW = Instant.parse("2026-04-20T13:05:09.123Z");

    @TempDir
    Path dir;

    private static JsonIngest.Prepared ticks(String... agents) throws Exception {
        StringBuilder lines = new StringBuilder();
        for (String a : agents) {
            lines.append("{\"agent\":\"").append(a).append("\",\"kind\":\"k\",\"status\":\"ok\",\"duration_ms\":1}\n");
        }
        return JsonIngest.prepare("ticks", new ByteArrayInputStream(lines.toString().getBytes(StandardCharsets.UTF_8)), NOW);
    }

    private static long count(Location db, String table) {
        try (var c = db.engine().connect(db)) {
            return db.engine().dsl(c).fetchCount(DSL.table(DSL.name(table)));
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aRepeatWritesNothingAndIsAnsweredAsTheFirstEvenAfterAReopen(Engine engine) throws Exception {
        Location db = MigratedDbExtension.migrated(engine, dir);
        Ingested first;
        try (MetaDb meta = MetaDb.open(db, MetaDbOptions.defaults())) {
            first = meta.ingest(ticks("a", "b"), IdempotencyKey.of("k1", "sha-1")).join();
            Ingested again = meta.ingest(ticks("a", "b"), IdempotencyKey.of("k1", "sha-1")).join();
            assertThat(first.replayed()).isFalse();
            assertThat(first.rows()).isEqualTo(2);
            assertThat(again).isEqualTo(new Ingested(first.ids(), 2, true));
        }
        try (MetaDb meta = MetaDb.open(db, MetaDbOptions.defaults())) {
            Ingested later = meta.ingest(ticks("a", "b"), IdempotencyKey.of("k1", "sha-1")).join();
            assertThat(later).isEqualTo(new Ingested(first.ids(), 2, true));
            // Another key: written.
            assertThat(meta.ingest(ticks("c"), IdempotencyKey.of("k2", "sha-2")).join().replayed()).isFalse();
        }
        assertThat(count(db, "ticks")).isEqualTo(3);
        assertThat(count(db, "idempotency_keys")).isEqualTo(2);
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void repeatsInOneBatchWriteOnceAndAReusedKeyIsRefusedAlone(Engine engine) throws Exception {
        Location db = MigratedDbExtension.migrated(engine, dir);
        try (MetaDb meta = MetaDb.open(db, MetaDbOptions.defaults())) {
            // Queued together while the writer is held up by a slow write: one batch.
            CompletableFuture<Object> slow = meta.writer().submit(tx -> {
                sleep(300);
                return null;
            });
            List<CompletableFuture<Ingested>> writes = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                writes.add(meta.ingest(ticks("x"), IdempotencyKey.of("same", "sha-x")));
            }
            CompletableFuture<Ingested> reused = meta.ingest(ticks("y"), IdempotencyKey.of("same", "sha-y"));
            CompletableFuture<Ingested> other = meta.ingest(ticks("z"), null);
            slow.join();
            List<Ingested> done = writes.stream().map(CompletableFuture::join).toList();
            assertThat(done.get(0).replayed()).isFalse();
            assertThat(done.subList(1, 5)).allSatisfy(d -> assertThat(d).isEqualTo(new Ingested(done.get(0).ids(), 1, true)));
            assertThatThrownBy(reused::join).isInstanceOf(CompletionException.class)
                    .hasCauseInstanceOf(IdempotencyKey.ReusedException.class)
                    .hasMessageContaining("idempotency key same was used for a different request; nothing was written");
            assertThat(other.join().rows()).isEqualTo(1);
        }
        assertThat(count(db, "ticks")).isEqualTo(2);
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void keysOlderThanAskedAreForgotten(Engine engine) throws Exception {
        Location db = MigratedDbExtension.migrated(engine, dir);
        try (MetaDb meta = MetaDb.open(db, MetaDbOptions.defaults())) {
            meta.ingest(ticks("a"), IdempotencyKey.of("old", "sha")).join();
            assertThat(meta.forgetIdempotencyKeys(Duration.ofHours(48)).join()).isZero();
            Thread.sleep(20);
            assertThat(meta.forgetIdempotencyKeys(Duration.ofMillis(10)).join()).isEqualTo(1);
            // Forgotten: the same key writes again.
            assertThat(meta.ingest(ticks("a"), IdempotencyKey.of("old", "sha")).join().replayed()).isFalse();
        }
        assertThat(count(db, "ticks")).isEqualTo(2);
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aKeyIsVisibleAsciiOfAtMost255Characters(Engine engine) {
        assertThatThrownBy(() -> IdempotencyKey.of("", "sha")).hasMessageContaining("1 to 255 characters");
        assertThatThrownBy(() -> IdempotencyKey.of("a b", "sha")).hasMessageContaining("visible ASCII");
        assertThatThrownBy(() -> IdempotencyKey.of("x".repeat(256), "sha")).hasMessageContaining("1 to 255");
        assertThat(IdempotencyKey.of("x".repeat(255), "sha").key()).hasSize(255);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
