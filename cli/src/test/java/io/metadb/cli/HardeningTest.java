package io.metadb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.metadb.cli.InProcess.Run;
import io.metadb.dao.MetaDb;
import io.metadb.payload.Tick;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 21, the findings an in-process command shows (each test fails on the code before the
 * fix): arguments never expanded from files, what one statement may build, human output that
 * cannot drive a terminal, {@code demo --replace} of files that are not metadb's, unknown keys
 * kept as given, streamed ingest with a line bound, one-line errors with the right exit code.
 */
class HardeningTest {
    private static final String NOW = "2026-04-20T12:00:00.000Z";

    @TempDir
    Path dir;

    private static Run run(String... args) {
        return InProcess.run(args);
    }

    private Run runWithStdin(byte[] stdin, String... args) {
        InputStream saved = System.in;
        try {
            System.setIn(new ByteArrayInputStream(stdin));
            return run(args);
        } finally {
            System.setIn(saved);
        }
    }

    private Path db() {
        Path db = dir.resolve("t.db");
        try (MetaDb metaDb = MetaDb.open(db)) {
            metaDb.dao(Tick.class).record(Instant.parse("2026-04-20T11:00:00.000Z"), new Tick("agent1", "poll", "ok", 5));
        }
        return db;
    }

    @Test
    void anArgumentIsNeverReadFromAFile() throws Exception {
        Path db = db();
        Path secret = dir.resolve("secret.txt");
        Files.writeString(secret, "TOP-SECRET-LINE\n");
        Path other = dir.resolve("other.db");
        Path redirect = dir.resolve("redirect.txt");
        Files.writeString(redirect, "--db\n" + other + "\n");
        Run query = run("--db", db.toString(), "query", "@" + secret);
        assertThat(query.code()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(query.err()).isEqualTo("metadb: query: unrecognized token: \"@\"\n").doesNotContain("TOP-SECRET");
        Run agent = run("--db", db.toString(), "--now", NOW, "agent", "@" + secret, "--json");
        assertThat(agent.out() + agent.err()).doesNotContain("TOP-SECRET");
        assertThat(agent.err()).contains("nothing about '@" + secret + "'");
        Run now = run("--db", db.toString(), "--now", "@" + secret, "summary");
        assertThat(now.code()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(now.err()).doesNotContain("TOP-SECRET").startsWith("metadb: ");
        Run moved = run("@" + redirect, "--db", db.toString(), "summary");
        assertThat(moved.code()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(other).as("an @file naming another database is not followed").doesNotExist();
    }

    @Test
    void oneStatementBuildsNoValueBeyondTheBoundAndFailsAsAFailure() {
        Path db = db();
        long start = System.nanoTime();
        Run huge = run("--db", db.toString(), "--timeout", "2s", "query",
                "SELECT length(printf('%.*c', 999999999, 'x')) + length(printf('%.*c', 999999999, 'y'))");
        long ms = (System.nanoTime() - start) / 1_000_000;
        System.out.println("hardening: a 1 GB printf refused in " + ms + " ms (it ran 31.8 s before the bound)");
        assertThat(huge.code()).isEqualTo(Main.EXIT_FAILURE);
        assertThat(huge.err()).isEqualTo("metadb: query: a value would be over 2 MiB (metadb's bound on one string or"
                + " blob): string or blob too big\n");
        Run blob = run("--db", db.toString(), "query", "SELECT zeroblob(300000000)");
        assertThat(blob.code()).as("too big is a failure, not bad input").isEqualTo(Main.EXIT_FAILURE);
        assertThat(blob.err().lines().count()).isOne();
        Run big = run("--db", db.toString(), "query", "SELECT printf('%.*c', 200000000, 'x')");
        assertThat(big.code()).isEqualTo(Main.EXIT_FAILURE);
        assertThat(big.err()).doesNotContain("OutOfMemoryError").doesNotContain("\tat ");
        // Within the bound a value is whole; a row of many such values is refused before it is held.
        Run fits = run("--db", db.toString(), "query", "SELECT length(printf('%.*c', 2000000, 'x')) AS n", "--csv");
        assertThat(fits).isEqualTo(new Run(0, "n\r\n2000000\r\n", ""));
        StringBuilder wide = new StringBuilder("SELECT ");
        for (int i = 0; i < 9; i++) {
            wide.append(i == 0 ? "" : ", ").append("printf('%.*c', 2000000, 'x') AS c").append(i);
        }
        Run row = run("--db", db.toString(), "query", wide.toString(), "--csv");
        assertThat(row.code()).isEqualTo(Main.EXIT_FAILURE);
        assertThat(row.err()).isEqualTo("metadb: query: a row of the result is over 16 MiB (metadb's bound on one row);"
                + " select fewer or shorter columns\n");
        StringBuilder many = new StringBuilder("SELECT 1");
        for (int i = 0; i < 64; i++) {
            many.append(", ").append(i);
        }
        Run columns = run("--db", db.toString(), "query", many.toString());
        assertThat(columns.code()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(columns.err()).isEqualTo("metadb: query: too many columns in result set\n");
    }

    @Test
    void controlCharactersAreEscapedInHumanOutputOnlyAndLongTextIsCutBetweenCharacters() {
        Path db = dir.resolve("c.db");
        String evil = "evil\u001b[2J\u001b[H\u001b]0;title\u0007\r\nline\u009b\u2028";
        try (MetaDb metaDb = MetaDb.open(db)) {
            metaDb.dao(Tick.class).record(Instant.parse("2026-04-20T11:00:00.000Z"), new Tick(evil, "poll", "ok", 5));
        }
        Run table = run("--db", db.toString(), "query", "SELECT agent FROM ticks");
        assertThat(table.out()).isEqualTo("agent\nevil\\x1b[2J\\x1b[H\\x1b]0;title\\x07\\r\\nline\\x9b\\u2028\n");
        Run json = run("--db", db.toString(), "query", "SELECT agent FROM ticks", "--json");
        assertThat(json.out()).contains("\\u001B[2J").doesNotContain("\\x1b");
        Run hint = run("--db", db.toString(), "--now", NOW, "agent", "nobody\u001b[31m");
        assertThat(hint.err()).isEqualTo("metadb: nothing about 'nobody\\x1b[31m'; known agents: evil\\x1b[2J\\x1b[H"
                + "\\x1b]0;title\\x07\\r\\nline\\x9b\\u2028\n");
        Run error = run("--db", db.toString(), "recent", "--table", "x\u001b[2J");
        assertThat(error.code()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(error.err()).contains("x\\x1b[2J").doesNotContain("\u001b");
        Run usage = run("--db", db.toString(), "bogus\u001b]0;t\u0007");
        assertThat(usage.err()).isEqualTo("metadb: unknown command 'bogus\\x1b]0;t\\x07' (see: metadb help)\n");
        // 59 characters, then "…": an emoji (two chars) at the cut stays whole or goes whole.
        String emoji = "e".repeat(58) + "\uD83D\uDE00" + "tail";
        Run cut = run("--db", db.toString(), "query", "SELECT '" + emoji + "' AS t");
        assertThat(cut.out()).isEqualTo("t\n" + "e".repeat(58) + "\u2026\n");
    }

    @Test
    void demoReplacesOnlyAMetadbDatabase() throws Exception {
        Path text = dir.resolve("notes.db");
        Files.writeString(text, "my notes\n");
        Run refused = run("--db", text.toString(), "demo", "--replace", "--rows-scale", "0.01");
        assertThat(refused.code()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(refused.err()).isEqualTo("metadb: --replace replaces only a metadb database: " + text
                + " is not a metadb database (not a SQLite file at all); the file was not changed (see: metadb demo --help)\n");
        assertThat(Files.readString(text)).isEqualTo("my notes\n");
        Path foreign = dir.resolve("foreign.db");
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + foreign)) {
            c.createStatement().execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)");
            c.createStatement().execute("INSERT INTO invoices VALUES (1, 9.5)");
        }
        byte[] before = Files.readAllBytes(foreign);
        Run other = run("--db", foreign.toString(), "demo", "--replace", "--rows-scale", "0.01");
        assertThat(other.code()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(other.err()).contains("it is not a metadb database (it has tables invoices but no metadb schema version)");
        assertThat(Files.readAllBytes(foreign)).isEqualTo(before);
        // A metadb database with someone's rows: --replace refuses, --force says what it removed.
        Path ours = db();
        Run kept = run("--db", ours.toString(), "demo", "--replace", "--rows-scale", "0.01");
        assertThat(kept.code()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(kept.err()).isEqualTo("metadb: " + ours + " holds 1 row (ticks 1), not demo data; pass --force to"
                + " delete them\n");
        assertThat(run("--db", ours.toString(), "query", "SELECT agent FROM ticks").out()).isEqualTo("agent\nagent1\n");
        Run forced = run("--db", ours.toString(), "demo", "--force", "--rows-scale", "0.01");
        assertThat(forced.code()).as(forced.err()).isZero();
        assertThat(forced.err()).isEqualTo("metadb: removing " + ours + ": 1 row (ticks 1)\n");
        // What demo wrote it replaces with --replace alone, and an empty database too; rows
        // added to a demo's make it someone's again.
        Run again = run("--db", ours.toString(), "demo", "--replace", "--rows-scale", "0.01", "--seed", "8");
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.err()).isEmpty();
        Run tick = runWithStdin("{\"agent\":\"a\",\"kind\":\"k\",\"status\":\"ok\",\"duration_ms\":1}\n"
                .getBytes(StandardCharsets.UTF_8), "--db", ours.toString(), "ingest", "ticks", "-");
        assertThat(tick.code()).as(tick.err()).isZero();
        Run grown = run("--db", ours.toString(), "demo", "--replace", "--rows-scale", "0.01");
        assertThat(grown.code()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(grown.err()).contains(", not only the demo's; pass --force to delete them");
        Path empty = dir.resolve("empty.db");
        assertThat(run("--db", empty.toString(), "migrate").code()).isZero();
        assertThat(run("--db", empty.toString(), "demo", "--replace", "--rows-scale", "0.01").code()).isZero();
    }

    @Test
    void unknownKeysAreKeptExactlyAsGiven() {
        Path db = db();
        String line = "{\"agent\":\"a\",\"kind\":\"k\",\"status\":\"ok\",\"duration_ms\":1,\"x\":1e999999,\"tiny\":1e-400,"
                + "\"n\":[1.50,{\"y\":-2E+3}],\"big\":123456789012345678901234567890}\n";
        Run ingest = runWithStdin(line.getBytes(StandardCharsets.UTF_8), "--db", db.toString(), "ingest", "ticks", "-");
        assertThat(ingest.code()).as(ingest.err()).isZero();
        Run stored = run("--db", db.toString(), "query", "SELECT row_json FROM ticks ORDER BY id DESC LIMIT 1", "--csv");
        assertThat(stored.out()).isEqualTo("row_json\r\n\"" + line.strip().replace("\"", "\"\"") + "\"\r\n");
    }

    @Test
    void ingestStreamsAndStopsAtALineLongerThanTheBound() {
        Path db = db();
        byte[] zeros = new byte[5 * 1024 * 1024]; // what /dev/zero gives: no newline, ever
        Run zero = runWithStdin(zeros, "--db", db.toString(), "ingest", "ticks", "-");
        assertThat(zero.code()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(zero.err()).isEqualTo("metadb: line 1: longer than 2 MiB (a payload is at most 1 MiB); stopped reading"
                + " there\nmetadb: nothing was written\n");
        Run devZero = run("--db", db.toString(), "ingest", "ticks", "/dev/zero");
        assertThat(devZero).isEqualTo(zero);
        String good = "{\"agent\":\"a\",\"kind\":\"k\",\"status\":\"ok\",\"duration_ms\":1}\n";
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 20_000; i++) {
            many.append(i == 12_345 ? "{\"agent\":1}\n" : good); // a bad line past the first chunk of 8,192
        }
        Run bad = runWithStdin(many.toString().getBytes(StandardCharsets.UTF_8), "--db", db.toString(), "ingest", "ticks", "-");
        assertThat(bad.code()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(bad.err()).startsWith("metadb: line 12346: ");
        Run count = run("--db", db.toString(), "query", "SELECT count(*) AS n FROM ticks", "--csv");
        assertThat(count.out()).as("nothing was written").isEqualTo("n\r\n1\r\n");
        Run ok = runWithStdin(many.toString().replace("{\"agent\":1}\n", good).getBytes(StandardCharsets.UTF_8),
                "--db", db.toString(), "ingest", "ticks", "-");
        assertThat(ok.code()).as(ok.err()).isZero();
        assertThat(run("--db", db.toString(), "query", "SELECT count(*) AS n FROM ticks", "--csv").out())
                .isEqualTo("n\r\n20001\r\n");
    }
}
