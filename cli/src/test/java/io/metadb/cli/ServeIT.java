package io.metadb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.metadb.cli.InProcess.Run;
import io.metadb.analytics.Param;
import io.metadb.analytics.Report;
import io.metadb.analytics.Reports;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, with the installed launcher and a real {@code metadb serve} process: the command
 * answers through the server with the bytes, exit codes and error lines of the in-process
 * path; the HTTP API answers the same; only requests with the token get in; the lifecycle
 * (status, stale discovery files, stop) holds. Runs after package (failsafe).
 */
class ServeIT {
    private static final String NOW = "2026-04-20T12:00:00.000Z";

    @TempDir
    static Path dir;

    private static Path metadb;
    private static Path cache;
    /** The demo file every test's database is a copy of (never served itself). */
    private static Path demo;
    /** The server of the tests that only read (each compares served and in-process answers at one moment). */
    private static Served shared;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void serveADemoDatabase() throws Exception {
        Path home = Installed.unpack(dir);
        metadb = home.resolve("bin/metadb");
        cache = dir.resolve("cache");
        demo = dir.resolve("template/demo.db");
        Files.createDirectories(demo.getParent());
        Run made = run(Map.of(), "--db", demo.toString(), "--now", NOW, "demo", "--rows-scale", "0.05");
        assertThat(made.code()).as(made.err()).isZero();
        shared = Served.on(copyOfDemo("demo.db"));
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (shared != null) {
            shared.close();
        }
    }

    /** A copy of the demo file, {@code name} in the test directory: a database of one test's own. */
    private static Path copyOfDemo(String name) throws IOException {
        return Files.copy(demo, dir.resolve(name));
    }

    /** A real {@code metadb serve} process of one database, and how to ask it. */
    private static final class Served implements AutoCloseable {
        final Path db;
        Process server;
        Discovery discovery;

        private Served(Path db) {
            this.db = db;
        }

        static Served on(Path db) throws IOException {
            Served s = new Served(db);
            s.server = start(db);
            s.discovery = Discovery.read(db);
            assertThat(s.discovery).isNotNull();
            return s;
        }

        long answered() throws Exception {
            String status = get("/-/status.json", discovery.token()).body();
            return Long.parseLong(status.replaceAll(".*\"answered\":(\\d+).*\\s*", "$1"));
        }

        long running() throws Exception {
            String status = get("/-/status.json", discovery.token()).body();
            return Long.parseLong(status.replaceAll(".*\"running\":(\\d+).*\\s*", "$1"));
        }

        HttpResponse<String> get(String pathAndQuery, String token) throws Exception {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + discovery.port() + pathAndQuery));
            if (token != null) {
                request.header("Authorization", "Bearer " + token);
            }
            return HTTP.send(request.GET().build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        }

        /** {@code POST /-/run} as the launcher sends it: the command line, then {@code input}. */
        HttpResponse<String> run(String token, String input, String... args) throws Exception {
            byte[] line = (String.join("\0", args) + "\0").getBytes(StandardCharsets.UTF_8);
            byte[] in = input.getBytes(StandardCharsets.UTF_8);
            byte[] body = java.util.Arrays.copyOf(line, line.length + in.length);
            System.arraycopy(in, 0, body, line.length, in.length);
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + discovery.port() + "/-/run"))
                    .header("Authorization", "Bearer " + token).header(LauncherProtocol.ARGS_HEADER, String.valueOf(line.length))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        }

        @Override
        public void close() throws InterruptedException {
            if (server != null && server.isAlive()) {
                server.destroyForcibly();
                server.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    private static Process start(Path db) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(metadb.toString(), "--db", db.toString(), "serve").redirectErrorStream(true);
        pb.environment().put("XDG_CACHE_HOME", cache.toString());
        Process p = pb.start();
        p.getOutputStream().close();
        BufferedReader lines = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String first = lines.readLine();
        assertThat(first).as("the server's first line").startsWith("serving " + db.toAbsolutePath() + " at http://127.0.0.1:");
        return p;
    }

    private static Run run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        return new Launched(metadb, cache, dir).run(env, args);
    }

    /** Every report's examples, each with every option that has a default, in every format; and failures. */
    private static List<List<String>> cases() {
        List<List<String>> cases = new ArrayList<>();
        for (Report<?, ?> r : Reports.all()) {
            List<List<String>> lines = new ArrayList<>();
            r.examples().forEach(e -> lines.add(List.of(e.split(" "))));
            List<String> first = lines.get(0);
            for (Param<?> p : r.params()) {
                if (!p.positional() && p.defaultValue() != null && !first.contains("--" + p.name())) {
                    List<String> withDefault = new ArrayList<>(first);
                    withDefault.addAll(List.of("--" + p.name(), p.defaultValue()));
                    lines.add(withDefault);
                }
            }
            for (List<String> l : lines) {
                for (String format : new String[] {null, "--json", "--csv", "--nl"}) {
                    List<String> c = new ArrayList<>(l);
                    if (format != null) {
                        c.add(format);
                    }
                    cases.add(c);
                }
            }
        }
        for (String format : new String[] {null, "--json", "--csv"}) {
            List<String> q = new ArrayList<>(List.of("query", "SELECT model, count(*) AS n, sum(cost_usd) AS usd FROM token_usage"
                    + " GROUP BY model ORDER BY model"));
            if (format != null) {
                q.add(format);
            }
            cases.add(q);
        }
        // Errors: bad input (exit 2) and the one-line messages.
        cases.add(List.of("cost", "--by", "nope"));
        cases.add(List.of("cost", "--since", "last tuesday"));
        cases.add(List.of("cost", "--json", "--csv"));
        cases.add(List.of("agent"));
        cases.add(List.of("agent", "nobody-at-all"));
        cases.add(List.of("summary", "--no-such-option"));
        cases.add(List.of("query", "DELETE FROM meta"));
        cases.add(List.of("query", "selec 1"));
        cases.add(List.of("query", "SELECT 1; SELECT 2"));
        cases.add(List.of("query", "SELECT * FROM no_such_table"));
        return cases;
    }

    @Test
    void everyReportAndOptionGivesTheSameBytesExitCodeAndErrorsThroughTheServer() throws Exception {
        Served s = shared;
        List<List<String>> cases = cases();
        long before = s.answered();
        for (List<String> c : cases) {
            List<String> args = new ArrayList<>(List.of("--db", s.db.toString(), "--now", NOW));
            args.addAll(c);
            String[] argv = args.toArray(String[]::new);
            Run inProcess = run(Map.of("METADB_NO_SERVER", "1"), argv);
            Run served = run(Map.of(), argv);
            assertThat(served).as(String.join(" ", c)).isEqualTo(inProcess);
        }
        // Every one of them was answered by the server (not by a fallback in-process run).
        assertThat(s.answered() - before).isEqualTo(cases.size());
        assertThat(cases.size()).isGreaterThan(100);
    }

    @Test
    void theHttpApiAnswersWhatTheCommandPrints() throws Exception {
        Served s = shared;
        String token = s.discovery.token();
        HttpResponse<String> cost = s.get("/cost.json?since=7d&by=model&_now=" + NOW, token);
        assertThat(cost.statusCode()).isEqualTo(200);
        assertThat(cost.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
        assertThat(cost.body()).isEqualTo(run(Map.of("METADB_NO_SERVER", "1"), "--db", s.db.toString(), "--now", NOW, "cost",
                "--since", "7d", "--by", "model", "--json").out());
        HttpResponse<String> csv = s.get("/agent.csv?name=agent1&_now=" + NOW, token);
        assertThat(csv.body()).isEqualTo(run(Map.of("METADB_NO_SERVER", "1"), "--db", s.db.toString(), "--now", NOW, "agent",
                "agent1", "--csv").out());
        HttpResponse<String> query = s.get("/query.txt?sql=" + URLEncoder.encode("SELECT count(*) AS n FROM ticks",
                StandardCharsets.UTF_8), token);
        assertThat(query.body()).isEqualTo(run(Map.of("METADB_NO_SERVER", "1"), "--db", s.db.toString(), "query",
                "SELECT count(*) AS n FROM ticks").out());
        HttpResponse<String> bad = s.get("/cost.json?by=nope", token);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).startsWith("metadb: --by: 'nope' is not one of");
        assertThat(s.get("/cost.json?colour=red", token).statusCode()).isEqualTo(400);
        assertThat(s.get("/no-such-report.json", token).statusCode()).isEqualTo(404);
        HttpResponse<String> write = s.get("/query.json?sql=" + URLEncoder.encode("DELETE FROM meta", StandardCharsets.UTF_8), token);
        assertThat(write.statusCode()).isEqualTo(400);
        assertThat(write.body()).startsWith("metadb: query: only read-only statements");
    }

    @Test
    void onlyRequestsWithTheirTokenGetInAndEachTokenGrantsItsOwnKind() throws Exception {
        try (Served s = Served.on(copyOfDemo("onlyRequestsWithTheirTokenGetIn.db"))) {
            assertThat(s.discovery.bind()).isEqualTo("127.0.0.1");
            assertThat(Files.getPosixFilePermissions(Discovery.fileOf(s.db))).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            for (String token : new String[] {null, "", s.discovery.token().substring(1), s.discovery.token() + "0"}) {
                HttpResponse<String> refused = s.get("/summary.json", token);
                assertThat(refused.statusCode()).as("token " + token).isEqualTo(401);
                assertThat(refused.body()).doesNotContain("rows_total");
            }
            // The token travels in the Authorization header only: never the URL (logs, history).
            assertThat(s.get("/summary.json?_token=" + s.discovery.token(), null).statusCode()).isEqualTo(401);
            // The read token does not write; the write token does not read.
            String ticks = "{\"agent\":\"a\",\"kind\":\"k\",\"status\":\"ok\",\"duration_ms\":1}\n";
            assertThat(s.run(s.discovery.token(), ticks, "ingest", "ticks", "-").statusCode()).isEqualTo(403);
            assertThat(s.run(s.discovery.writeToken(), "", "summary").statusCode()).isEqualTo(403);
            assertThat(s.get("/summary.json", s.discovery.writeToken()).statusCode()).isEqualTo(403);
            // Other writes are not the server's to answer: the launcher runs them in-process.
            assertThat(s.run(s.discovery.writeToken(), "", "retention").statusCode()).isEqualTo(422);
            String rows = run(Map.of(), "--db", s.db.toString(), "query", "SELECT count(*) FROM ticks", "--csv").out();
            Path in = dir.resolve("in.jsonl");
            Files.writeString(in, ticks);
            long before = s.answered();
            Run written = run(Map.of(), "--db", s.db.toString(), "ingest", "ticks", in.toString());
            assertThat(written.code()).as(written.err()).isZero();
            assertThat(s.answered()).as("ingest went through the server").isEqualTo(before + 1);
            // The server answers what was committed when the request arrived: the write included.
            String after = run(Map.of(), "--db", s.db.toString(), "query", "SELECT count(*) FROM ticks", "--csv").out();
            assertThat(Long.parseLong(after.split("\r\n")[1])).isEqualTo(Long.parseLong(rows.split("\r\n")[1]) + 1);
        }
    }

    private static final String ENDLESS = "WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r) SELECT x FROM r";

    /** Runs {@code metadb ARGS | head -n LINES} in bash: metadb's exit code and what head printed. */
    private static Run piped(Map<String, String> env, int lines, String... args) throws Exception {
        StringBuilder line = new StringBuilder("'" + metadb + "'");
        for (String a : args) {
            line.append(" '").append(a.replace("'", "'\\''")).append('\'');
        }
        line.append(" | head -n ").append(lines).append("; exit ${PIPESTATUS[0]}");
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", line.toString()).directory(dir.toFile());
        pb.environment().put("XDG_CACHE_HOME", cache.toString());
        pb.environment().remove("METADB_NO_SERVER");
        pb.environment().putAll(env);
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void aReaderThatStopsReadingEndsTheCommandServedAndInProcess() throws Exception {
        Served s = shared;
        for (Map<String, String> env : List.of(Map.of("METADB_NO_SERVER", "1"), Map.<String, String>of())) {
            long before = s.answered();
            // An endless statement: only the reader going away (or the 10 s limit) ends it.
            Run head = piped(env, 3, "--db", s.db.toString(), "query", ENDLESS, "--csv");
            assertThat(head.out()).isEqualTo("x\r\n1\r\n2\r\n");
            assertThat(head.code()).as(env + head.err()).isEqualTo(Main.EXIT_READER_GONE);
            assertThat(head.err()).isEmpty();
            // The server stopped the statement when its reader went, well before the time limit.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (s.running() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(s.running()).isZero();
            if (env.isEmpty()) {
                // Counted when its run ended, which is once the server found nobody reading:
                // possibly just after the client, which leaves as soon as its reader does.
                assertThat(s.answered() - before).as("answered by the server").isEqualTo(1);
            }
        }
    }

    @Test
    void theFirstRowsPrintAtOnceAndARunawayStatementStopsAtItsLimit() throws Exception {
        Served s = shared;
        for (Map<String, String> env : List.of(Map.of("METADB_NO_SERVER", "1"), Map.<String, String>of())) {
            ProcessBuilder pb = new ProcessBuilder(metadb.toString(), "--db", s.db.toString(), "--timeout", "3s", "query",
                    ENDLESS, "--csv").directory(dir.toFile());
            pb.environment().put("XDG_CACHE_HOME", cache.toString());
            pb.environment().remove("METADB_NO_SERVER");
            pb.environment().putAll(env);
            Path err = Files.createTempFile(dir, "err", ".txt");
            Process p = pb.redirectError(err.toFile()).start();
            BufferedReader lines = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            assertThat(lines.readLine()).isEqualTo("x");
            assertThat(lines.readLine()).isEqualTo("1");
            assertThat(p.isAlive()).as("rows arrive while the statement still runs (" + env + ")").isTrue();
            long rows = 2;
            while (lines.readLine() != null) {
                rows++;
            }
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isEqualTo(Main.EXIT_FAILURE);
            assertThat(Files.readString(err)).isEqualTo("metadb: query: stopped after 3 s: the statement ran past its"
                    + " time limit (--timeout sets it; default 10 s)\n");
            assertThat(rows).isGreaterThan(1000);
        }
        // Through the HTTP API, an answer cut by its limit after it began streaming does not look whole.
        HttpRequest endless = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.discovery.port() + "/query.csv?_timeout=2s&sql="
                + URLEncoder.encode(ENDLESS, StandardCharsets.UTF_8))).header("Authorization", "Bearer " + s.discovery.token()).build();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> HTTP.send(endless, HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IOException.class);
        // A longer limit than the server allows (10 s) is run in-process, as asked.
        long before = s.answered();
        Run longer = run(Map.of(), "--db", s.db.toString(), "--timeout", "1m", "query", "SELECT 7 AS n", "--csv");
        assertThat(longer).isEqualTo(new Run(0, "n\r\n7\r\n", ""));
        assertThat(s.answered()).isEqualTo(before);
    }

    @Test
    void aMillionRowsAsCsvStreamTheSameBytesServedAndInProcess() throws Exception {
        Served s = shared;
        String million = "WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r WHERE x < 1000000)"
                + " SELECT x, 'row ' || x AS label, x / 7.0 AS part FROM r";
        Run inProcess = run(Map.of("METADB_NO_SERVER", "1"), "--db", s.db.toString(), "query", million, "--csv");
        long before = s.answered();
        Run served = run(Map.of(), "--db", s.db.toString(), "query", million, "--csv");
        assertThat(s.answered() - before).isEqualTo(1);
        assertThat(inProcess.code()).as(inProcess.err()).isZero();
        assertThat(inProcess.out().split("\r\n", -1)).hasSize(1_000_002); // header, rows, and after the last CRLF
        assertThat(inProcess.out()).endsWith("\r\n1000000,row 1000000,142857.142857142857\r\n".replace("142857.142857142857",
                Output.plain(1000000 / 7.0)));
        assertThat(served).isEqualTo(inProcess);
    }

    @Test
    void theServerKeepsAnsweringWhileOthersWriteRunRetentionAndMigrate() throws Exception {
        try (Served s = Served.on(copyOfDemo("theServerKeepsAnsweringWhileOthersWriteRunRetentionAndMigrate.db"))) {
            Path in = dir.resolve("more.jsonl");
            StringBuilder lines = new StringBuilder();
            for (int i = 0; i < 500; i++) {
                lines.append("{\"agent\":\"a\",\"kind\":\"k\",\"status\":\"ok\",\"duration_ms\":").append(i).append("}\n");
            }
            Files.writeString(in, lines);
            String kindK = "SELECT count(*) FROM ticks WHERE kind = 'k'";
            long before = Long.parseLong(run(Map.of(), "--db", s.db.toString(), "query", kindK, "--csv").out().split("\r\n")[1]);
            Process ingest = new ProcessBuilder(metadb.toString(), "--db", s.db.toString(), "ingest", "ticks", in.toString())
                    .redirectErrorStream(true).start();
            Process retention = new ProcessBuilder(metadb.toString(), "--db", s.db.toString(), "retention")
                    .redirectErrorStream(true).start();
            Process migrate = new ProcessBuilder(metadb.toString(), "--db", s.db.toString(), "migrate").redirectErrorStream(true).start();
            int answers = 0;
            while (ingest.isAlive() || retention.isAlive() || migrate.isAlive()) {
                Run summary = run(Map.of(), "--db", s.db.toString(), "--now", NOW, "summary", "--json");
                assertThat(summary.code()).as(summary.err()).isZero();
                answers++;
            }
            for (Process p : List.of(ingest, retention, migrate)) {
                assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
                assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
            }
            assertThat(answers).isPositive();
            Run count = run(Map.of(), "--db", s.db.toString(), "query", kindK, "--csv");
            assertThat(count.out()).isEqualTo("count(*)\r\n" + (before + 500) + "\r\n");
        }
    }

    @Test
    void aFileMigratedPastThisVersionIsReportedClearlyNeverMisread() throws Exception {
        try (Served s = Served.on(copyOfDemo("aFileMigratedPastThisVersionIsReportedClearlyNeverMisread.db"))) {
            try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + s.db)) {
                c.createStatement().executeUpdate("UPDATE meta SET value = '99' WHERE key = 'schema_version'");
            }
            try {
                for (String[] args : new String[][] {{"--now", NOW, "summary"}, {"query", "SELECT 1"}}) {
                    List<String> argv = new ArrayList<>(List.of("--db", s.db.toString()));
                    argv.addAll(List.of(args));
                    Run inProcess = run(Map.of("METADB_NO_SERVER", "1"), argv.toArray(String[]::new));
                    long before = s.answered();
                    Run served = run(Map.of(), argv.toArray(String[]::new));
                    assertThat(s.answered() - before).isEqualTo(1);
                    assertThat(served).isEqualTo(inProcess);
                    assertThat(served.code()).isEqualTo(Main.EXIT_FAILURE);
                    assertThat(served.out()).isEmpty();
                    assertThat(served.err()).isEqualTo("metadb: " + s.db + " has schema version 99; this metadb reads version "
                            + io.metadb.core.SchemaVersion.HEAD + " (upgrade metadb)\n");
                }
            } finally {
                try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + s.db)) {
                    c.createStatement().executeUpdate("UPDATE meta SET value = '" + io.metadb.core.SchemaVersion.HEAD
                            + "' WHERE key = 'schema_version'");
                }
            }
        }
    }

    @Test
    void statusStopAndAStaleDiscoveryFile() throws Exception {
        try (Served s = Served.on(copyOfDemo("statusStopAndAStaleDiscoveryFile.db"))) {
            Run status = run(Map.of(), "--db", s.db.toString(), "serve", "--status");
            assertThat(status.code()).isZero();
            assertThat(status.out()).startsWith("serving " + s.db.toAbsolutePath() + " at http://127.0.0.1:" + s.discovery.port() + "/");

            // SIGTERM: a clean exit removes the discovery file.
            s.server.destroy();
            assertThat(s.server.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(Discovery.fileOf(s.db)).doesNotExist();
            assertThat(run(Map.of(), "--db", s.db.toString(), "serve", "--status").code()).isEqualTo(1);

            // A stale file (a dead pid, a port nobody answers on) is ignored: the command runs in-process.
            String line = s.discovery.port() + " 999999 " + s.discovery.token() + " " + s.discovery.writeToken() + " "
                    + s.discovery.proof();
            Files.createFile(Discovery.fileOf(s.db), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(Discovery.fileOf(s.db), line + "\n" + s.discovery.bind() + "\n" + s.discovery.build() + "\n"
                    + s.discovery.commands() + "\n");
            Run summary = run(Map.of(), "--db", s.db.toString(), "--now", NOW, "summary", "--json");
            assertThat(summary.code()).as(summary.err()).isZero();
            assertThat(summary.err()).isEmpty();
            // ... and a new server replaces it.
            s.server = start(s.db);
            Discovery fresh = Discovery.read(s.db);
            assertThat(fresh.pid()).isNotEqualTo(999999);
            s.discovery = fresh;
            Run stop = run(Map.of(), "--db", s.db.toString(), "serve", "--stop");
            assertThat(stop.out()).isEqualTo("stopped the server of " + s.db.toAbsolutePath() + " (pid " + fresh.pid() + ")\n");
            assertThat(s.server.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(Discovery.fileOf(s.db)).doesNotExist();
            assertThat(Arrays.asList(Files.list(dir).map(p -> p.getFileName().toString()).toArray()))
                    .doesNotContain(s.db.getFileName() + "-serve");
        }
    }

    @Test
    void aServerKilledMidAnswerIsOneLineAndTheNextCommandRunsInProcess() throws Exception {
        try (Served s = Served.on(copyOfDemo("aServerKilledMidAnswerIsOneLineAndTheNextCommandRunsInProcess.db"))) {
            ProcessBuilder pb = new ProcessBuilder(metadb.toString(), "--db", s.db.toString(), "query", ENDLESS, "--csv")
                    .directory(dir.toFile());
            pb.environment().put("XDG_CACHE_HOME", cache.toString());
            pb.environment().remove("METADB_NO_SERVER");
            Path err = Files.createTempFile(dir, "err", ".txt");
            Process client = pb.redirectError(err.toFile()).start();
            BufferedReader lines = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
            assertThat(lines.readLine()).isEqualTo("x");
            assertThat(lines.readLine()).isEqualTo("1");
            s.server.destroyForcibly(); // kill -9: no clean exit, the discovery file stays behind
            assertThat(s.server.waitFor(30, TimeUnit.SECONDS)).isTrue();
            while (lines.readLine() != null) {
                // what the server sent before it died
            }
            assertThat(client.waitFor(30, TimeUnit.SECONDS)).isTrue();
            // Rows were already printed: not run again in-process (they would print twice), but one line and exit 1.
            assertThat(client.exitValue()).isEqualTo(Main.EXIT_FAILURE);
            assertThat(Files.readString(err)).matches("metadb: the server of " + java.util.regex.Pattern.quote(s.db.toString())
                    + " \\(pid \\d+\\) closed the connection in the middle of its answer; what is printed above is"
                    + " incomplete\n");
            // The dead server's discovery file is left; the next command ignores it and answers in-process.
            assertThat(Discovery.fileOf(s.db)).exists();
            Run after = run(Map.of(), "--db", s.db.toString(), "query", "SELECT 8 AS n", "--csv");
            assertThat(after).isEqualTo(new Run(0, "n\r\n8\r\n", ""));
        }
    }
}
