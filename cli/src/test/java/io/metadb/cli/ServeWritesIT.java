package io.metadb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.metadb.cli.InProcess.Run;
import io.metadb.migrations.testing.Sql;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 23, with the installed launcher and real {@code metadb serve} processes: {@code ingest}
 * and {@code record} answer through the server's writer with the in-process path's stdout,
 * stderr and exit codes; a retry under a key writes once; a server killed (-9) at random moments
 * under writes loses nothing committed and writes nothing twice; a stopped one (SIGSTOP) makes
 * commands time out, say so and finish in-process, and nothing is written twice after it
 * resumes. Runs after package (failsafe).
 */
class ServeWritesIT {
    private static final String NOW = "2026-04-20T12:00:00.000Z";

    @TempDir
    static Path dir;

    private static Path metadb;
    private static Path cache;

    @BeforeAll
    static void install() throws Exception {
        Path home = Installed.unpack(dir);
        metadb = home.resolve("bin/metadb");
        cache = dir.resolve("cache");
    }

    private static Run run(Map<String, String> env, Path input, String... args) throws IOException, InterruptedException {
        return new Launched(metadb, cache, dir).run(env, input, args);
    }

    private static Path migrated(String name) throws Exception {
        Path db = dir.resolve(name);
        Run made = run(Map.of("METADB_NO_SERVER", "1"), null, "--db", db.toString(), "migrate");
        assertThat(made.code()).as(made.err()).isZero();
        return db;
    }

    /** Starts {@code metadb serve} on {@code db} and waits until it listens. */
    private static Process serve(Path db) throws IOException {
        return new Launched(metadb, cache, dir).serve(db);
    }

    private static long answered(Path db) throws Exception {
        Discovery d = Discovery.read(db);
        var r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + d.port() + "/-/status.json")).header("Authorization", "Bearer "
                + d.token()).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        return Long.parseLong(r.body().replaceAll(".*\"answered\":(\\d+).*\\s*", "$1"));
    }

    private static String tick(String agent) {
        return "{\"agent\":\"" + agent + "\",\"kind\":\"k\",\"status\":\"ok\",\"duration_ms\":1}\n";
    }

    @Test
    void writesThroughTheServerAnswerAsInProcessAndAreCommittedByItsWriter() throws Exception {
        Path served = migrated("served.db");
        Path alone = migrated("alone.db");
        Path good = Files.writeString(dir.resolve("good.jsonl"), tick("a") + tick("b") + tick("c"));
        Path bad = Files.writeString(dir.resolve("bad.jsonl"), tick("a") + "{\"agent\":\"b\"}\n" + "not json\n");
        String[][] commands = {
            {"record", "ticks", "agent=r", "kind=k", "status=ok", "duration_ms:=5"},
            {"record", "ticks", "agent=r", "kind=k", "status=maybe", "duration_ms:=5"},
            {"record", "tick", "agent=r"},
            {"record", "ticks", "duration_ms:=x"},
            {"ingest", "ticks", good.toString()},
            {"ingest", "ticks", bad.toString()},
            {"ingest", "ticks", dir.resolve("missing.jsonl").toString()},
            {"ingest", "ticks"},
            {"ingest", "nope", good.toString()},
            {"--now", NOW, "record", "tests", "suite=s", "name=n", "status=pass", "duration_ms:=1"},
        };
        Process server = serve(served);
        try {
            long before = answered(served);
            int servedCount = 0;
            for (String[] c : commands) {
                String[] inServed = prefixed(served, c);
                String[] inAlone = prefixed(alone, c);
                Path input = c[0].equals("ingest") && c.length == 2 ? good : null;
                Run s = run(Map.of(), input, inServed);
                Run a = run(Map.of("METADB_NO_SERVER", "1"), input, inAlone);
                // (Ids differ: the server leases one block for all its writes, each process its own.)
                assertThat(withoutIds(s.out())).as(String.join(" ", c)).isEqualTo(withoutIds(a.out()));
                assertThat(s.err()).as(String.join(" ", c)).isEqualTo(a.err());
                assertThat(s.code()).as(String.join(" ", c)).isEqualTo(a.code());
                if (!c[c.length - 1].endsWith("missing.jsonl")) {
                    servedCount++;
                }
            }
            assertThat(answered(served)).as("every write but the missing file's went through the server")
                    .isEqualTo(before + servedCount);
        } finally {
            server.destroy();
            server.waitFor(30, TimeUnit.SECONDS);
        }
        for (String table : List.of("ticks", "tests")) {
            assertThat(Sql.rows(served, "SELECT id, ts, row_json FROM " + table + " WHERE ts = '" + NOW + "' ORDER BY id"))
                    .isEqualTo(Sql.rows(alone, "SELECT id, ts, row_json FROM " + table + " WHERE ts = '" + NOW
                            + "' ORDER BY id"));
            assertThat(Sql.value(served, "SELECT count(*) FROM " + table)).isEqualTo(Sql.value(alone, "SELECT count(*) FROM "
                    + table));
        }
        assertThat(Sql.value(served, "SELECT count(*) FROM ticks")).isEqualTo("7");
    }

    /** "wrote N rows to T (ids a..b)" (or "(id a)") with the range's length for its ids. */
    private static String withoutIds(String out) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\(ids? (\\d+)(?:\\.\\.(\\d+))?\\)").matcher(out);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            long last = m.group(2) == null ? Long.parseLong(m.group(1)) : Long.parseLong(m.group(2));
            m.appendReplacement(b, "(" + (last - Long.parseLong(m.group(1)) + 1) + " ids)");
        }
        return m.appendTail(b).toString();
    }

    private static String[] prefixed(Path db, String... args) {
        String[] out = new String[args.length + 2];
        out[0] = "--db";
        out[1] = db.toString();
        System.arraycopy(args, 0, out, 2, args.length);
        return out;
    }

    @Test
    void aRetryUnderTheSameKeyWritesOnceServedOrNot() throws Exception {
        Path db = migrated("retry.db");
        Process server = serve(db);
        String[] record = {"--db", db.toString(), "record", "ticks", "agent=a", "kind=k", "status=ok", "duration_ms:=1",
            "--idempotency-key", "job-42"};
        Run first;
        Run again;
        try {
            first = run(Map.of(), null, record);
            again = run(Map.of(), null, record);
        } finally {
            server.destroy();
            server.waitFor(30, TimeUnit.SECONDS);
        }
        Run later = run(Map.of(), null, record); // no server now: in-process, the key is in the file
        assertThat(first.code()).as(first.err()).isZero();
        assertThat(again.out()).isEqualTo(first.out());
        assertThat(later.out()).isEqualTo(first.out());
        assertThat(again.err()).isEqualTo("metadb: already written under idempotency key job-42; nothing written again\n");
        assertThat(later.err()).isEqualTo(again.err());
        assertThat(Sql.value(db, "SELECT count(*) FROM ticks")).isEqualTo("1");
    }

    @Test
    void twoHundredThousandLinesStreamThroughTheServer() throws Exception {
        Path db = migrated("big.db");
        Path big = dir.resolve("big.jsonl");
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 200_000; i++) {
            lines.append("{\"agent\":\"agent").append(i % 50).append("\",\"kind\":\"poll\",\"status\":\"ok\",\"duration_ms\":")
                    .append(i % 1000).append("}\n");
        }
        Files.writeString(big, lines);
        Process server = serve(db);
        try {
            Run r = run(Map.of(), null, "--db", db.toString(), "ingest", "ticks", big.toString());
            assertThat(r.err()).isEmpty();
            assertThat(r.out()).startsWith("wrote 200,000 rows to ticks (ids ");
            assertThat(answered(db)).isEqualTo(1);
        } finally {
            server.destroy();
            server.waitFor(30, TimeUnit.SECONDS);
        }
        assertThat(Sql.value(db, "SELECT count(*) FROM ticks")).isEqualTo("200000");
    }

    /**
     * Rounds of concurrent one-row writes, each with a tag of its own; the server is killed
     * (-9) at a random moment in each round and started again. Every command either succeeded
     * and its row is there exactly once, or failed saying so; ids never repeat.
     */
    @Test
    void aServerKilledAtRandomMomentsLosesNothingCommittedAndWritesNothingTwice() throws Exception {
        Path db = migrated("killed.db");
        Random random = new Random(23);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        Map<String, Run> outcomes = new HashMap<>();
        int fallbacks = 0;
        try {
            for (int round = 0; round < 20; round++) {
                Process server = serve(db);
                List<String> tags = new ArrayList<>();
                List<Future<Run>> runs = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    String tag = "r" + round + "-" + i;
                    tags.add(tag);
                    runs.add(pool.submit(() -> run(Map.of("METADB_SERVE_TIMEOUT", "5"), null, "--db", db.toString(),
                            "record", "ticks", "agent=" + tag, "kind=k", "status=ok", "duration_ms:=1")));
                }
                Thread.sleep(random.nextInt(300));
                server.destroyForcibly();
                server.waitFor(30, TimeUnit.SECONDS);
                for (int i = 0; i < tags.size(); i++) {
                    Run r = runs.get(i).get(120, TimeUnit.SECONDS);
                    outcomes.put(tags.get(i), r);
                    if (r.err().contains("finishing in-process")) {
                        fallbacks++;
                    }
                }
            }
        } finally {
            pool.shutdownNow();
        }
        for (var e : outcomes.entrySet()) {
            String count = Sql.value(db, "SELECT count(*) FROM ticks WHERE agent = '" + e.getKey() + "'");
            Run r = e.getValue();
            if (r.code() == 0) {
                assertThat(count).as(e.getKey() + ": " + r.err()).isEqualTo("1");
                assertThat(r.out()).startsWith("wrote 1 row to ticks (id ");
            } else {
                assertThat(r.err()).as(e.getKey()).contains("metadb: ");
                assertThat(count).as(e.getKey() + ": " + r.err()).isIn("0", "1");
            }
        }
        assertThat(outcomes).hasSize(120);
        assertThat(outcomes.values()).as("commands that succeeded").filteredOn(r -> r.code() == 0).hasSizeGreaterThan(100);
        System.out.println("kill -9 rounds: 120 commands, " + fallbacks + " finished in-process after the server died");
        assertThat(Sql.value(db, "PRAGMA integrity_check")).isEqualTo("ok");
        assertThat(Sql.value(db, "SELECT count(*) - count(DISTINCT id) FROM ticks")).isEqualTo("0");
        assertThat(Long.parseLong(Sql.value(db, "SELECT id FROM ids WHERE name = 'ticks'")))
                .isGreaterThanOrEqualTo(Long.parseLong(Sql.value(db, "SELECT max(id) FROM ticks")));
    }

    @Test
    void aStoppedServerMakesCommandsTimeOutSaySoAndWriteOnceAfterItResumes() throws Exception {
        Path db = migrated("stopped.db");
        Process server = serve(db);
        try {
            Run warm = run(Map.of(), null, "--db", db.toString(), "record", "ticks", "agent=warm", "kind=k", "status=ok",
                    "duration_ms:=1");
            assertThat(warm.code()).as(warm.err()).isZero();
            new ProcessBuilder("kill", "-STOP", Long.toString(server.pid())).start().waitFor();
            long start = System.nanoTime();
            Run during = run(Map.of("METADB_SERVE_TIMEOUT", "2"), null, "--db", db.toString(), "record", "ticks",
                    "agent=during", "kind=k", "status=ok", "duration_ms:=1");
            Run read = run(Map.of("METADB_SERVE_TIMEOUT", "2"), null, "--db", db.toString(), "query",
                    "SELECT count(*) FROM ticks", "--csv");
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
            new ProcessBuilder("kill", "-CONT", Long.toString(server.pid())).start().waitFor();
            assertThat(during.code()).as(during.err()).isZero();
            assertThat(during.err()).startsWith("metadb: the server of " + db + " (pid " + server.pid()
                    + ") did not answer for 2 s (stopped or wedged?); finishing in-process under the same idempotency key");
            assertThat(read.code()).as(read.err()).isZero();
            assertThat(read.err()).contains("did not answer for 2 s (stopped or wedged?); answering in-process");
            assertThat(read.out()).isEqualTo("count(*)\r\n2\r\n");
            assertThat(seconds).as("each command waited its timeout, then ran in-process").isLessThan(60);
            // The resumed server finds the request it was sent already committed under its key.
            Thread.sleep(3000);
            Run after = run(Map.of(), null, "--db", db.toString(), "query", "SELECT count(*) FROM ticks WHERE agent = 'during'",
                    "--csv");
            assertThat(after.out()).isEqualTo("count(*)\r\n1\r\n");
        } finally {
            server.destroy();
            server.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aCommandOnAnUnservedFileStartsOneServerThatLaterCommandsAnswerThrough() throws Exception {
        Path db = migrated("self-started.db");
        Map<String, String> autostart = Map.of("METADB_SERVE_IDLE", "30s");
        // Neither with METADB_NO_SERVER=1, nor on a file that does not exist yet.
        run(Map.of("METADB_SERVE_IDLE", "30s", "METADB_NO_SERVER", "1"), null, "--db", db.toString(), "summary");
        run(autostart, null, "--db", dir.resolve("absent.db").toString(), "summary");
        Thread.sleep(3000);
        assertThat(Discovery.fileOf(db)).doesNotExist();
        assertThat(Discovery.fileOf(dir.resolve("absent.db"))).doesNotExist();
        // Two commands at once: both answer in-process, one server starts.
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<Run>> both = List.of(
                pool.submit(() -> run(autostart, null, "--db", db.toString(), "record", "ticks", "agent=a", "kind=k",
                        "status=ok", "duration_ms:=1")),
                pool.submit(() -> run(autostart, null, "--db", db.toString(), "summary", "--json")));
        for (Future<Run> f : both) {
            Run r = f.get(120, TimeUnit.SECONDS);
            assertThat(r.code()).as(r.err()).isZero();
        }
        pool.shutdown();
        Discovery d = null;
        for (int i = 0; i < 300 && d == null; i++) {
            Thread.sleep(100);
            Discovery read = Discovery.read(db);
            d = read != null && ServeCommand.answers(read) ? read : null;
        }
        assertThat(d).as("a server started in the background").isNotNull();
        Run status = run(Map.of(), null, "--db", db.toString(), "serve", "--status", "--json");
        assertThat(status.out()).contains("\"pid\":" + d.pid()).contains("\"write_token\":\"" + d.writeToken() + "\"");
        assertThat(Files.readString(db.resolveSibling(db.getFileName() + "-serve.log")))
                .as("one server started; a second start would have said so").doesNotContain("already")
                .as("a log says how to stop its server, not Ctrl-C (issue 26)").doesNotContain("Ctrl-C")
                .contains("stop with: metadb --db " + db + " serve --stop)");
        long before = answered(db);
        Run served = run(autostart, null, "--db", db.toString(), "record", "ticks", "agent=b", "kind=k", "status=ok",
                "duration_ms:=1");
        assertThat(served.code()).as(served.err()).isZero();
        assertThat(answered(db)).as("later commands answer through it").isEqualTo(before + 1);
        Run stop = run(Map.of(), null, "--db", db.toString(), "serve", "--stop");
        assertThat(stop.code()).as(stop.out()).isZero();
        assertThat(Sql.value(db, "SELECT count(*) FROM ticks")).isEqualTo("2");
    }

    private static java.net.http.HttpResponse<String> post(Discovery d, String path, String token, String type, String key,
            String body) throws Exception {
        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + d.port() + path))
                .header("Content-Type", type).POST(java.net.http.HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (key != null) {
            request.header("Idempotency-Key", key);
        }
        return java.net.http.HttpClient.newHttpClient().send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theInsertApiTakesRowsInJsonOrJsonLinesAndAnswersAfterTheCommit() throws Exception {
        Path db = migrated("insert.db");
        Process server = serve(db);
        try {
            Discovery d = Discovery.read(db);
            String w = d.writeToken();
            var one = post(d, "/ticks/-/insert", w, "application/json", null,
                    "{\"row\": {\"agent\": \"a\", \"kind\": \"k\", \"status\": \"ok\", \"duration_ms\": 1,"
                    + " \"ts\": \"2026-04-20T12:00:00.000Z\", \"big\": 1e999999}}");
            assertThat(one.statusCode()).as(one.body()).isEqualTo(201);
            assertThat(one.body()).matches("\\{\"ok\":true,\"rows\":1,\"first_id\":(\\d+),\"last_id\":\\1}\n");
            var many = post(d, "/ticks/-/insert", w, "application/json; charset=utf-8", "batch-1",
                    "{\"rows\": [" + tick("b").strip() + ", " + tick("c").strip() + "]}");
            assertThat(many.statusCode()).as(many.body()).isEqualTo(201);
            assertThat(many.body()).contains("\"rows\":2");
            var again = post(d, "/ticks/-/insert", w, "application/json", "batch-1",
                    "{\"rows\": [" + tick("b").strip() + ", " + tick("c").strip() + "]}");
            assertThat(again.statusCode()).isEqualTo(201);
            assertThat(again.body()).isEqualTo(many.body());
            assertThat(again.headers().firstValue("Idempotent-Replayed")).hasValue("true");
            var reused = post(d, "/ticks/-/insert", w, "application/json", "batch-1", "{\"rows\": [" + tick("z").strip() + "]}");
            assertThat(reused.statusCode()).isEqualTo(422);
            var lines = post(d, "/ticks/-/insert", w, "application/x-ndjson", null, tick("d") + tick("e") + tick("f"));
            assertThat(lines.statusCode()).as(lines.body()).isEqualTo(201);
            assertThat(lines.body()).contains("\"rows\":3");
            var bad = post(d, "/ticks/-/insert", w, "application/json", null, "{\"rows\": [" + tick("g").strip()
                    + ", {\"agent\": \"h\", \"kind\": \"k\", \"status\": \"maybe\", \"duration_ms\": 1}, 7]}");
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(bad.body()).isEqualTo("{\"ok\":false,\"errors\":[\"row 2: ticks.status: must be one of [fail, ok],"
                    + " was 'maybe'\",\"row 3: not a JSON object\"]}\n");
            assertThat(post(d, "/tick/-/insert", w, "application/json", null, "{\"row\": {}}").statusCode()).isEqualTo(404);
            assertThat(post(d, "/ticks/-/insert", w, "text/plain", null, tick("i")).statusCode()).isEqualTo(415);
            assertThat(post(d, "/ticks/-/insert", w, "application/json", null, "{\"items\": []}").statusCode()).isEqualTo(400);
            assertThat(post(d, "/ticks/-/insert", w, "application/json", null, "{\"rows\": [").statusCode()).isEqualTo(400);
            assertThat(post(d, "/ticks/-/insert", d.token(), "application/json", null, "{\"row\": {}}").statusCode())
                    .as("the read token does not write").isEqualTo(403);
            assertThat(post(d, "/ticks/-/insert", null, "application/json", null, "{\"row\": {}}").statusCode()).isEqualTo(401);
            // A served ingest never reads a file of the server's: the launcher sends a file's content.
            byte[] line = "ingest\0ticks\0/etc/passwd\0".getBytes(StandardCharsets.UTF_8);
            var sneaky = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + d.port() + "/-/run")).header("Authorization", "Bearer " + w)
                    .header(LauncherProtocol.ARGS_HEADER, String.valueOf(line.length))
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(line)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(sneaky.body()).doesNotContain("root:").endsWith("metadb: a served ingest reads its rows from the"
                    + " request (FILE -), not from the server's files\n").contains("x 2 ");
            String huge = tick("j").repeat(Admission.WRITE_BODY_BUDGET / tick("j").length() + 1);
            assertThat(post(d, "/ticks/-/insert", w, "application/x-ndjson", null, huge).statusCode()).isEqualTo(413);
        } finally {
            server.destroy();
            server.waitFor(30, TimeUnit.SECONDS);
        }
        assertThat(Sql.value(db, "SELECT count(*) FROM ticks")).isEqualTo("6");
        assertThat(Sql.value(db, "SELECT row_json FROM ticks WHERE agent = 'a'")).isEqualTo(
                "{\"agent\":\"a\",\"kind\":\"k\",\"status\":\"ok\",\"duration_ms\":1,\"big\":1e999999}");
    }

    @Test
    void tokensAndThePortSurviveARestartAndRotatingReplacesTheTokens() throws Exception {
        Path db = migrated("tokens.db");
        Process first = serve(db);
        Discovery d1 = Discovery.read(db);
        first.destroy();
        first.waitFor(30, TimeUnit.SECONDS);
        Path tokens = db.resolveSibling(db.getFileName() + "-serve.tokens");
        assertThat(java.nio.file.Files.getPosixFilePermissions(tokens))
                .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Process second = serve(db);
        try {
            Discovery d2 = Discovery.read(db);
            assertThat(d2.token()).isEqualTo(d1.token());
            assertThat(d2.writeToken()).isEqualTo(d1.writeToken()).isNotEqualTo(d1.token());
            assertThat(d2.port()).as("a bookmarked dashboard finds it again").isEqualTo(d1.port());
        } finally {
            second.destroy();
            second.waitFor(30, TimeUnit.SECONDS);
        }
        Run detached = run(Map.of(), null, "--db", db.toString(), "serve", "--detach");
        assertThat(detached.code()).as(detached.err()).isZero();
        try {
            Run rotated = run(Map.of(), null, "--db", db.toString(), "serve", "--rotate-tokens");
            assertThat(rotated.code()).as(rotated.err()).isZero();
            assertThat(rotated.out()).contains("new read and write tokens in " + tokens + "; clients that kept the old"
                    + " ones are refused\n").contains("serving " + db + " at http://127.0.0.1:");
            Discovery d3 = Discovery.read(db);
            assertThat(d3.token()).isNotEqualTo(d1.token());
            assertThat(d3.writeToken()).isNotEqualTo(d1.writeToken());
            var old = post(d3, "/ticks/-/insert", d1.writeToken(), "application/json", null, "{\"row\": {}}");
            assertThat(old.statusCode()).as("the old write token is refused").isEqualTo(401);
            Run served = run(Map.of(), null, "--db", db.toString(), "record", "ticks", "agent=a", "kind=k", "status=ok",
                    "duration_ms:=1");
            assertThat(served.code()).as(served.err()).isZero();
            assertThat(answered(db)).as("the launcher uses the new tokens").isEqualTo(1);
        } finally {
            run(Map.of(), null, "--db", db.toString(), "serve", "--stop");
        }
    }
}
