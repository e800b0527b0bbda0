package io.metadb.dao;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.metadb.payload.CliInvocation;
import io.metadb.payload.Message;
import io.metadb.payload.Tick;
import io.metadb.payload.TokenUsage;
import io.metadb.migrations.testing.Sql;
import java.io.BufferedReader;
import java.io.StringReader;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetaDbTest {
    private static final Instant T0 = Instant.parse("2026-04-20T13:05:09.123Z");

    @TempDir
    Path dir;

    @Test
    void recordWritesTheEnvelopeAndTheTypedColumnsAndLeasesIdsInBlocks() {
        Path file = dir.resolve("meta.db");
        try (MetaDb db = MetaDb.open(file)) {
            long id = db.dao(Tick.class).record(T0, new Tick("agent8", "heartbeat", "ok", 12)).join();
            IdRange more = db.dao(Tick.class).recordAll(List.of(new Tick("agent8", "poll", "fail", 30),
                    new Tick("agent9", "poll", "ok", 5))).join();
            assertThat(id).isEqualTo(1);
            assertThat(more).isEqualTo(new IdRange(2, 3));
            assertThat(db.idLeases()).isEqualTo(1);
        }
        assertThat(Sql.rows(file, "SELECT id, ts, agent, kind, status, duration_ms, row_json FROM ticks ORDER BY id").get(0))
                .containsExactly("1", "2026-04-20T13:05:09.123Z", "agent8", "heartbeat", "ok", "12",
                        "{\"agent\":\"agent8\",\"kind\":\"heartbeat\",\"status\":\"ok\",\"duration_ms\":12}");
        assertThat(Sql.value(file, "SELECT count(*) FROM ticks WHERE agent = 'agent8'")).isEqualTo("2");
        // One lease of the minimum block size, so ids stays ahead of every id written.
        assertThat(Sql.value(file, "SELECT id FROM ids WHERE name = 'ticks'")).isEqualTo("64");
    }

    @Test
    void optionalKeysAreLeftOutAndArraysKept() {
        Path file = dir.resolve("meta.db");
        try (MetaDb db = MetaDb.open(file)) {
            db.dao(CliInvocation.class).record(T0, new CliInvocation("a", "git", List.of("status", "-s"), 0, 40, null)).join();
            db.dao(TokenUsage.class).record(T0, new TokenUsage("a", null, "anthropic", "m1", 10, 20, 5L, null, 0.25)).join();
        }
        assertThat(Sql.value(file, "SELECT row_json FROM cli_invocations"))
                .isEqualTo("{\"agent\":\"a\",\"command\":\"git\",\"args\":[\"status\",\"-s\"],\"exit_code\":0,\"duration_ms\":40}");
        assertThat(Sql.rows(file, "SELECT session_id, cache_read_tokens, cache_write_tokens, cost_usd FROM token_usage").get(0))
                .containsExactly(null, "5", null, "0.25");
    }

    @Test
    void badInputThrowsBeforeQueueingAndWritesNothing() {
        Path file = dir.resolve("meta.db");
        try (MetaDb db = MetaDb.open(file)) {
            var ticks = db.dao(Tick.class);
            assertThatThrownBy(() -> ticks.record(new Tick(null, "k", "ok", 1)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("ticks.agent: missing required key");
            // Every missing key at once (issue 26), so one fix does.
            assertThatThrownBy(() -> ticks.record(new Tick(null, null, null, 1)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("ticks: missing required keys agent, kind, status");
            assertThatThrownBy(() -> ticks.record(new Tick("a", "k", "okay", 1)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("ticks.status: must be one of [fail, ok], was 'okay'");
            assertThatThrownBy(() -> ticks.recordAll(List.of(new Tick("a", "k", "ok", 1), new Tick("a", null, "ok", 1))))
                    .hasMessage("ticks.kind: missing required key");
            assertThatThrownBy(() -> ticks.record(Instant.parse("+10000-01-01T00:00:00Z"), new Tick("a", "k", "ok", 1)))
                    .hasMessageContaining("outside years 0000..9999");
            String big = "x".repeat(1024 * 1024);
            assertThatThrownBy(() -> db.dao(Message.class).record(new Message("a", "c", "in", "s", "r", big, null)))
                    .hasMessageContaining("over the limit of 1048576 bytes");
            assertThatThrownBy(() -> db.dao(TokenUsage.class).record(new TokenUsage("a", null, "p", "m", 1, 1, null, null, Double.NaN)))
                    .hasMessage("token_usage.cost_usd: must be a finite number, was NaN");
            db.flush();
        }
        assertThat(Sql.value(file, "SELECT count(*) FROM ticks")).isEqualTo("0");
        assertThat(Sql.value(file, "SELECT count(*) FROM messages")).isEqualTo("0");
        assertThat(Sql.value(file, "SELECT count(*) FROM ids")).isEqualTo("0");
    }

    @Test
    void ingestValidatesEveryLineFirstAndKeepsUnknownKeys() throws Exception {
        Path file = dir.resolve("meta.db");
        String good = "{\"agent\":\"a\",\"kind\":\"k\",\"status\":\"ok\",\"duration_ms\":3,\"ts\":\"2026-04-20T13:05:09.123Z\",\"zone\":\"eu\"}\n"
                + "\n{\"agent\":\"b\",\"kind\":\"k\",\"status\":\"fail\",\"duration_ms\":4}\n";
        try (MetaDb db = MetaDb.open(file)) {
            JsonIngest.Prepared rows = JsonIngest.prepare("ticks", new BufferedReader(new StringReader(good)), T0.plusSeconds(60));
            assertThat(db.ingest(rows).join()).isEqualTo(new IdRange(1, 2));

            for (String[] bad : new String[][] {
                    {"{\"agent\":\"a\",\"kind\":\"k\",\"status\":\"ok\"}", "line 2: ticks.duration_ms: missing required key"},
                    {"{\"agent\":\"a\",\"kind\":\"k\",\"status\":\"ok\",\"duration_ms\":\"3\"}", "line 2: ticks.duration_ms: must be an integer, was string \"3\""},
                    {"{\"agent\":\"a\",\"kind\":\"k\",\"status\":\"ok\",\"duration_ms\":3,\"ts\":\"yesterday\"}", "line 2: ts: 'yesterday' is not an ISO-8601 timestamp like 2026-04-20T13:05:09.123Z"},
                    {"[1,2]", "line 2: not a JSON object"},
                    {"{\"agent\":", "line 2: not valid JSON: Unexpected end-of-input"}}) {
                String input = "{\"agent\":\"a\",\"kind\":\"k\",\"status\":\"ok\",\"duration_ms\":3}\n" + bad[0] + "\n";
                assertThatThrownBy(() -> JsonIngest.prepare("ticks", new BufferedReader(new StringReader(input)), T0))
                        .isInstanceOf(JsonIngest.BadLineException.class).hasMessageStartingWith(bad[1]);
            }
            assertThatThrownBy(() -> JsonIngest.prepare("tickz", new BufferedReader(new StringReader(good)), T0))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("unknown table 'tickz'; JSON-row tables are: messages,");
        }
        assertThat(Sql.rows(file, "SELECT id, ts, agent, json_extract(row_json, '$.zone') FROM ticks ORDER BY id"))
                .containsExactly(List.of("1", "2026-04-20T13:05:09.123Z", "a", "eu"),
                        java.util.Arrays.asList("2", "2026-04-20T13:06:09.123Z", "b", null));
    }

    @Test
    void eventsAndCursors() {
        Path file = dir.resolve("meta.db");
        try (MetaDb db = MetaDb.open(file)) {
            long e1 = db.events().enqueue("imessage", "reply", "{\"text\":\"hi\"}").join();
            long e2 = db.events().enqueue("imessage", "reply", "{\"text\":\"yo\"}").join();
            assertThat(db.events().markDelivered(e1).join()).isTrue();
            assertThat(db.events().markFailed(e2, "timeout").join()).isTrue();
            assertThat(db.events().markFailed(e2, "refused").join()).isTrue();
            assertThat(db.events().markDelivered(999).join()).isFalse();
            assertThatThrownBy(() -> db.events().enqueue("imessage", "reply", "{not json"))
                    .hasMessageStartingWith("events.payload_json: not valid JSON");

            var cursors = db.sourceCursors();
            assertThat(cursors.advance("imessage", null, "c1").join()).isTrue();
            assertThat(cursors.advance("imessage", null, "c0").join()).isFalse();
            assertThat(cursors.advance("imessage", "c1", "c2").join()).isTrue();
            assertThat(cursors.advance("imessage", "c1", "stale").join()).isFalse();
            assertThat(cursors.get("imessage")).contains("c2");
            assertThat(cursors.get("email")).isEmpty();
        }
        assertThat(Sql.rows(file, "SELECT id, status, attempts, delivered_ts IS NOT NULL, last_error FROM events ORDER BY id"))
                .containsExactly(java.util.Arrays.asList("1", "delivered", "0", "1", null), List.of("2", "failed", "2", "0", "refused"));
    }

    @Test
    void theWalStaysBoundedAndALongReaderOnlyDelaysTheReset() throws Exception {
        Path file = dir.resolve("meta.db");
        Path wal = dir.resolve("meta.db-wal");
        long limit = 8L * 1024 * 1024;
        String body = "x".repeat(2_000);
        try (MetaDb db = MetaDb.open(file, MetaDbOptions.builder().walCheckpointBytes(limit).build())) {
            var messages = db.dao(Message.class);
            long maxWal = 0;
            for (int i = 0; i < 400; i++) { // ~40 MB through the WAL
                List<Message> batch = new ArrayList<>();
                for (int j = 0; j < 50; j++) {
                    batch.add(new Message("a", "c", "in", "s", "r", body, null));
                }
                messages.recordAll(batch).join();
                maxWal = Math.max(maxWal, java.nio.file.Files.size(wal));
            }
            // Bounded by the limit plus the transaction that crossed it.
            assertThat(maxWal).as("WAL bytes while writing 40 MB").isLessThan(limit + 1024 * 1024);

            // A reader holding a snapshot keeps the log from being reset; once it ends, it is.
            try (java.sql.Connection reader = java.sql.DriverManager.getConnection("jdbc:sqlite:" + file)) {
                reader.setAutoCommit(false);
                try (var st = reader.createStatement(); var rs = st.executeQuery("SELECT count(*) FROM messages")) {
                    rs.next();
                    for (int i = 0; i < 100; i++) {
                        List<Message> batch = new ArrayList<>();
                        for (int j = 0; j < 50; j++) {
                            batch.add(new Message("a", "c", "in", "s", "r", body, null));
                        }
                        messages.recordAll(batch).join();
                    }
                    assertThat(java.nio.file.Files.size(wal)).as("WAL bytes while a reader holds a snapshot")
                            .isGreaterThan(limit);
                }
                reader.commit();
            }
            Thread.sleep(1_100); // the writer retries a checkpoint that met a reader after a second
            for (int i = 0; i < 40; i++) {
                List<Message> batch = new ArrayList<>();
                for (int j = 0; j < 50; j++) {
                    batch.add(new Message("a", "c", "in", "s", "r", body, null));
                }
                messages.recordAll(batch).join();
            }
            assertThat(java.nio.file.Files.size(wal)).as("WAL bytes after the reader ended").isLessThan(limit + 1024 * 1024);
        }
        assertThat(Sql.value(file, "SELECT count(*) FROM messages")).isEqualTo(String.valueOf(400 * 50 + 100 * 50 + 40 * 50));
    }

    @Test
    void aFailingWriteFailsOnlyItsOwnFuture() {
        Path file = dir.resolve("meta.db");
        try (MetaDb db = MetaDb.open(file)) {
            List<CompletableFuture<?>> futures = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                futures.add(db.dao(Tick.class).record(new Tick("a", "k", "ok", i)));
                if (i == 25) {
                    // A write that SQLite rejects inside the shared transaction.
                    futures.add(db.writer().submit(tx -> tx.dsl().execute("INSERT INTO no_such_table VALUES (1)")));
                }
            }
            int failed = 0;
            for (CompletableFuture<?> f : futures) {
                try {
                    f.join();
                } catch (CompletionException e) {
                    failed++;
                }
            }
            assertThat(failed).isEqualTo(1);
        }
        assertThat(Sql.value(file, "SELECT count(*) FROM ticks")).isEqualTo("50");
    }
}
