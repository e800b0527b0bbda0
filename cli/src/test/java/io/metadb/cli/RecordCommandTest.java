package io.metadb.cli;

import static io.metadb.cli.InProcess.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.metadb.cli.InProcess.Run;
import io.metadb.migrations.testing.MigratedDb;
import io.metadb.migrations.testing.MigratedDbExtension;
import io.metadb.migrations.testing.Sql;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code metadb record} in-process (issue 23): HTTPie's {@code key=value} / {@code key:=JSON},
 * validated and answered as a one-line ingest, and {@code --idempotency-key} on record and
 * ingest alike.
 */
@ExtendWith(MigratedDbExtension.class)
class RecordCommandTest {
    private static final String NOW = "2026-04-20T12:00:00.000Z";

    @Test
    void oneRowFromKeyValuesIsWrittenAsAOneLineIngestWouldBe(@MigratedDb Path db) {
        Run r = run("--db", db.toString(), "--now", NOW, "record", "ticks", "agent=agent8", "kind=heartbeat", "status=ok",
                "duration_ms:=12", "note=a=b:=c", "tags:=[\"x\", 1]", "extra:=null");
        assertThat(r.err()).isEmpty();
        assertThat(r.code()).isZero();
        assertThat(r.out()).matches("wrote 1 row to ticks \\(id \\d+\\)\n");
        assertThat(Sql.rows(db, "SELECT ts, agent, kind, status, duration_ms, row_json FROM ticks").get(0))
                .containsExactly(NOW, "agent8", "heartbeat", "ok", "12", "{\"agent\":\"agent8\",\"kind\":\"heartbeat\","
                        + "\"status\":\"ok\",\"duration_ms\":12,\"note\":\"a=b:=c\",\"tags\":[\"x\",1],\"extra\":null}");
        // ts= goes to the envelope, as in ingest.
        Run dated = run("--db", db.toString(), "record", "tests", "suite=cli", "name=help", "status=pass", "duration_ms:=3",
                "ts=2026-04-20T13:05:09.123Z");
        assertThat(dated.code()).as(dated.err()).isZero();
        assertThat(Sql.value(db, "SELECT ts FROM tests")).isEqualTo("2026-04-20T13:05:09.123Z");
        assertThat(Sql.value(db, "SELECT row_json FROM tests")).doesNotContain("ts");
    }

    @Test
    void badArgumentsAndBadRowsAreOneLineAndWriteNothing(@MigratedDb Path db) {
        String[][] cases = {
            {"agent=a", "kind=k", "status=ok", "duration_ms=12"},
            {"agent=a", "kind=k", "status=maybe", "duration_ms:=12"},
            {"agent=a", "kind=k", "status=ok"},
            {"agent=a", "kind=k", "status=ok", "duration_ms:=12x"},
            {"agent=a", "kind=k", "status=ok", "duration_ms:=1 2"},
            {"agent=a", "kind=k", "status=ok", "duration_ms:="},
            {"agent=a", "agent=b", "kind=k", "status=ok", "duration_ms:=1"},
            {"agent", "kind=k", "status=ok", "duration_ms:=1"},
            {"=a", "kind=k", "status=ok", "duration_ms:=1"},
        };
        String[] expected = {
            "metadb: ticks.duration_ms: must be an integer, was string \"12\"",
            "metadb: ticks.status: must be one of [fail, ok], was 'maybe'",
            "metadb: ticks.duration_ms: missing required key",
            "metadb: duration_ms:=12x: not valid JSON",
            "metadb: duration_ms:=1 2: not one JSON value",
            "metadb: duration_ms:= needs a JSON value",
            "metadb: agent: given twice",
            "metadb: 'agent': expected key=value (a string) or key:=JSON",
            "metadb: '=a': the key before '=' is empty",
        };
        for (int i = 0; i < cases.length; i++) {
            String[] args = new String[cases[i].length + 4];
            args[0] = "--db";
            args[1] = db.toString();
            args[2] = "record";
            args[3] = "ticks";
            System.arraycopy(cases[i], 0, args, 4, cases[i].length);
            Run r = run(args);
            assertThat(r.code()).as(String.join(" ", cases[i])).isEqualTo(2);
            assertThat(r.out()).isEmpty();
            assertThat(r.err()).as(String.join(" ", cases[i])).startsWith(expected[i]).hasLineCount(1);
        }
        Run unknown = run("--db", db.toString(), "record", "tick", "agent=a");
        assertThat(unknown.err()).startsWith("metadb: unknown table 'tick'; JSON-row tables are: messages,");
        assertThat(Sql.value(db, "SELECT count(*) FROM ticks")).isEqualTo("0");
    }

    @Test
    void aRetryUnderTheSameKeyWritesNothingAndPrintsTheFirstAnswer(@MigratedDb Path db) throws Exception {
        String[] record = {"--db", db.toString(), "record", "ticks", "agent=a", "kind=k", "status=ok", "duration_ms:=1",
            "--idempotency-key", "retry-1"};
        Run first = run(record);
        Run again = run(record);
        assertThat(first.code()).as(first.err()).isZero();
        assertThat(again.code()).isZero();
        assertThat(again.out()).isEqualTo(first.out());
        assertThat(again.err()).isEqualTo("metadb: already written under idempotency key retry-1; nothing written again\n");
        // The same key for other rows: refused, nothing written.
        Run other = run("--db", db.toString(), "record", "ticks", "agent=b", "kind=k", "status=ok", "duration_ms:=1",
                "--idempotency-key", "retry-1");
        assertThat(other.code()).isEqualTo(2);
        assertThat(other.err()).isEqualTo("metadb: idempotency key retry-1 was used for a different request;"
                + " nothing was written (use a new key for new rows)\n");
        // ingest takes keys too; its request is the file's bytes.
        Path in = Files.writeString(db.resolveSibling("in.jsonl"), "{\"agent\":\"c\",\"kind\":\"k\",\"status\":\"ok\","
                + "\"duration_ms\":1}\n{\"agent\":\"d\",\"kind\":\"k\",\"status\":\"ok\",\"duration_ms\":1}\n");
        Run ingested = run("--db", db.toString(), "ingest", "ticks", in.toString(), "--idempotency-key", "file-1");
        Run reingested = run("--db", db.toString(), "ingest", "--idempotency-key", "file-1", "ticks", in.toString());
        assertThat(ingested.out()).startsWith("wrote 2 rows to ticks");
        assertThat(reingested.out()).isEqualTo(ingested.out());
        assertThat(Sql.value(db, "SELECT count(*) FROM ticks")).isEqualTo("3");
        Run badKey = run("--db", db.toString(), "record", "ticks", "agent=a", "kind=k", "status=ok", "duration_ms:=1",
                "--idempotency-key", "has space");
        assertThat(badKey.err()).isEqualTo("metadb: an idempotency key is visible ASCII characters only (no spaces)\n");
    }
}
