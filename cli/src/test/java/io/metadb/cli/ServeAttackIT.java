package io.metadb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.metadb.cli.InProcess.Run;
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 21, as an attacker tries it: the installed launcher and real {@code metadb serve}
 * processes, real HTTP, real sockets, a file of another local user ({@code nobody}). Each test
 * reproduces a finding and fails on the code before its fix. Runs after package (failsafe).
 */
class ServeAttackIT {
    private static final String NOW = "2026-04-20T12:00:00.000Z";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path dir;

    private static Path metadb;
    private static Path cache;
    private static Path demo;

    private Path db;
    private Process server;
    private Discovery discovery;

    @BeforeAll
    static void install() throws Exception {
        Path home = Installed.unpack(dir);
        metadb = home.resolve("bin/metadb");
        cache = dir.resolve("cache");
        demo = dir.resolve("demo.db");
        Run made = run(Map.of(), "--db", demo.toString(), "--now", NOW, "demo", "--rows-scale", "0.05");
        assertThat(made.code()).as(made.err()).isZero();
    }

    @BeforeEach
    void aCopyOfTheDemo() throws IOException {
        db = Files.createTempDirectory(dir, "case").resolve("meta.db");
        Files.copy(demo, db);
    }

    @AfterEach
    void stopTheServer() throws Exception {
        if (server != null && server.isAlive()) {
            new ProcessBuilder("kill", "-CONT", Long.toString(server.pid())).start().waitFor();
            server.destroyForcibly();
            server.waitFor(30, TimeUnit.SECONDS);
        }
        Discovery left = Discovery.read(db);
        if (left != null) {
            ProcessHandle.of(left.pid()).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    private static Run run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        return new Launched(metadb, cache, dir).run(env, args);
    }

    private Run inProcess(String... args) throws Exception {
        return run(Map.of("METADB_NO_SERVER", "1"), args);
    }

    /** Starts {@code metadb serve} in the foreground (with {@code env}) and waits for its first line. */
    private void serve(Map<String, String> env) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(metadb.toString(), "--db", db.toString(), "serve").redirectErrorStream(true);
        pb.environment().put("XDG_CACHE_HOME", cache.toString());
        env.forEach((k, v) -> {
            if (v == null) {
                pb.environment().remove(k);
            } else {
                pb.environment().put(k, v);
            }
        });
        server = pb.start();
        server.getOutputStream().close();
        BufferedReader lines = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        assertThat(lines.readLine()).as("the server's first line").startsWith("serving ");
        discovery = Discovery.read(db);
        assertThat(discovery).isNotNull();
    }

    private HttpResponse<String> get(String pathAndQuery) throws Exception {
        // A client of its own: a pooled keep-alive connection could be one the listener closed
        // meanwhile (it evicts idle connections when every slot is taken), answered with no bytes.
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + discovery.port() + pathAndQuery))
                .header("Authorization", "Bearer " + discovery.token()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> runLine(String... args) throws Exception {
        byte[] body = (String.join("\0", args) + "\0").getBytes(StandardCharsets.UTF_8);
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + discovery.port() + "/-/run"))
                .header("Authorization", "Bearer " + discovery.token())
                .header(LauncherProtocol.ARGS_HEADER, String.valueOf(body.length))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private long answered() throws Exception {
        return Long.parseLong(get("/-/status.json").body().replaceAll(".*\"answered\":(\\d+).*\\s*", "$1"));
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** Finding 1: no request reads a file through an {@code @file} argument, nor moves the server to another database. */
    @Test
    void atFileArgumentsNeitherLeakFilesNorMoveTheServer() throws Exception {
        serve(Map.of());
        Path secret = dir.resolve("secret.txt");
        Files.writeString(secret, "TOP-SECRET-LINE\n");
        Path other = db.resolveSibling("other.db");
        Path redirect = dir.resolve("redirect.txt");
        Files.writeString(redirect, "--db\n" + other + "\n");
        List<String> bodies = new ArrayList<>();
        for (String path : new String[] {"/query.json?sql=" + encode("@" + secret), "/agent.json?name=" + encode("@" + secret),
            "/summary.json?_now=" + encode("@" + secret), "/cost.json?since=" + encode("@" + secret),
            "/summary.json?since=" + encode("@" + redirect)}) {
            HttpResponse<String> r = get(path);
            assertThat(r.statusCode()).as(path).isIn(200, 400);
            bodies.add(r.body());
        }
        bodies.add(runLine("query", "SELECT 1", "@" + secret).body());
        bodies.add(runLine("query", "@" + secret).body());
        bodies.add(runLine("@" + redirect, "summary", "--json").body());
        for (String body : bodies) {
            assertThat(body).doesNotContain("TOP-SECRET");
        }
        assertThat(other).as("no @file moved the server to another database").doesNotExist();
        // A command line over the server's bound is refused whole, never run cut short (issue 22's review).
        HttpResponse<String> huge = runLine("query", "SELECT '" + "x".repeat(1_500_000) + "' AS s");
        assertThat(huge.statusCode()).isEqualTo(413);
        assertThat(huge.body()).isEqualTo("metadb: a command line over 1024 KiB is not answered here\n");
        Run cli = inProcess("--db", db.toString(), "query", "@" + secret);
        assertThat(cli.code()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(cli.err()).doesNotContain("TOP-SECRET");
    }

    /** Finding 3: silent and trickling connections hold nothing the token's holders need. */
    @Test
    void silentConnectionsDoNotFreezeTheServer() throws Exception {
        serve(Map.of());
        Run expected = inProcess("--db", db.toString(), "--now", NOW, "summary", "--json");
        List<Socket> silent = new ArrayList<>();
        try {
            for (int i = 0; i < 300; i++) { // the finding needed 8; more than the listener's 256 connections
                Socket s = new Socket(InetAddress.getLoopbackAddress(), discovery.port());
                s.getOutputStream().write('G');
                silent.add(s);
            }
            long before = answered();
            Run served = run(Map.of(), "--db", db.toString(), "--now", NOW, "summary", "--json");
            assertThat(served).isEqualTo(expected);
            assertThat(answered() - before).as("answered by the server, not in-process").isEqualTo(1);
            Run status = run(Map.of(), "--db", db.toString(), "serve", "--status");
            assertThat(status.code()).as(status.out()).isZero();
            // A trickling head is cut at its time limit: the connection ends (408 or closed), it never waits for ever.
            Socket last = silent.get(silent.size() - 1);
            last.setSoTimeout(30_000);
            InputStream in = last.getInputStream();
            String answer;
            try {
                answer = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            } catch (java.net.SocketException e) {
                answer = ""; // reset: closed all the same
            }
            assertThat(answer).satisfiesAnyOf(a -> assertThat(a).isEmpty(), a -> assertThat(a).startsWith("HTTP/1.1 408 "));
        } finally {
            for (Socket s : silent) {
                s.close();
            }
        }
    }

    /** Finding 3: a stopped server (kill -STOP) hangs no command, and --stop stops it. */
    @Test
    void aStoppedServerHangsNoCommandAndStopStopsIt() throws Exception {
        serve(Map.of());
        Run expected = inProcess("--db", db.toString(), "--now", NOW, "summary", "--json");
        assertThat(new ProcessBuilder("kill", "-STOP", Long.toString(server.pid())).start().waitFor()).isZero();
        long start = System.nanoTime();
        Run summary = run(Map.of("METADB_SERVE_TIMEOUT", "3"), "--db", db.toString(), "--now", NOW, "summary", "--json");
        System.out.println("serve attack: a command beside a stopped server answered in-process after "
                + (System.nanoTime() - start) / 1_000_000 + " ms");
        assertThat(summary.out()).isEqualTo(expected.out());
        assertThat(summary.code()).isEqualTo(expected.code());
        assertThat(summary.err()).as("it says why it answered in-process").isEqualTo("metadb: the server of " + db
                + " (pid " + server.pid() + ") did not answer for 3 s (stopped or wedged?); answering in-process\n");
        Run status = run(Map.of(), "--db", db.toString(), "serve", "--status");
        assertThat(status.code()).isEqualTo(1);
        assertThat(status.out()).isEqualTo("the server of " + db + " (pid " + server.pid() + ") does not answer (stopped,"
                + " or busy); stop it with: metadb --db " + db + " serve --stop\n");
        Run stop = run(Map.of(), "--db", db.toString(), "serve", "--stop");
        assertThat(stop.code()).as(stop.out() + stop.err()).isZero();
        assertThat(stop.out()).isEqualTo("stopped the server of " + db + " (pid " + server.pid() + ")\n");
        assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(Discovery.fileOf(db)).doesNotExist();
    }

    /** Requests without the token do not keep an {@code --idle-timeout} server alive (issue 22's review). */
    @Test
    void refusedRequestsDoNotKeepAnIdleServerUp() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(metadb.toString(), "--db", db.toString(), "serve", "--idle-timeout", "3s")
                .redirectErrorStream(true);
        pb.environment().put("XDG_CACHE_HOME", cache.toString());
        server = pb.start();
        server.getOutputStream().close();
        BufferedReader lines = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        assertThat(lines.readLine()).startsWith("serving ");
        discovery = Discovery.read(db);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        int refused = 0;
        while (server.isAlive() && System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + discovery.port()
                        + "/summary.json")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(401);
                refused++;
            } catch (IOException gone) {
                break; // it stopped while we asked
            }
            Thread.sleep(250);
        }
        assertThat(server.waitFor(30, TimeUnit.SECONDS)).as("the server stopped for want of requests with the token").isTrue();
        assertThat(refused).as("refused requests were sent all along").isGreaterThan(4);
    }

    /** A stand-in for an attacker's service: answers every request with forged rows, and counts them. */
    private static HttpServer impostor(List<String> seen) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        s.createContext("/", ex -> {
            seen.add(ex.getRequestMethod() + " " + ex.getRequestURI() + " " + ex.getRequestHeaders().getFirst("Authorization"));
            byte[] body = "rows_total FORGED-BY-ATTACKER\n".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "text/plain");
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        s.start();
        return s;
    }

    /** Finding 4: a discovery file of another user, or a process that cannot prove it is the server, is never trusted. */
    @Test
    void aForgedDiscoveryFileHijacksNothing() throws Exception {
        serve(Map.of());
        Discovery real = discovery;
        Run stop = run(Map.of(), "--db", db.toString(), "serve", "--stop");
        assertThat(stop.code()).isZero();
        Run expected = inProcess("--db", db.toString(), "--now", NOW, "summary");
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        HttpServer attacker = impostor(seen);
        Process unrelated = new ProcessBuilder("sleep", "300").start();
        try {
            String forged = attacker.getAddress().getPort() + " " + unrelated.pid() + " " + "ab".repeat(24) + " "
                    + "ef".repeat(24) + " " + "cd".repeat(24) + "\n127.0.0.1\n" + real.build() + "\n" + real.commands() + "\n";
            Path file = Discovery.fileOf(db);
            Files.writeString(file, forged);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
            Process chown = new ProcessBuilder("chown", "nobody", file.toString()).redirectErrorStream(true).start();
            assertThat(chown.waitFor()).as("this test makes the file another user's (it runs as root, as CI does): "
                    + new String(chown.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();

            Run summary = run(Map.of(), "--db", db.toString(), "--now", NOW, "summary");
            assertThat(summary).isEqualTo(expected);
            Run status = run(Map.of(), "--db", db.toString(), "serve", "--status");
            assertThat(status.code()).isEqualTo(1);
            assertThat(status.out()).doesNotContain(Integer.toString(attacker.getAddress().getPort()))
                    .doesNotContain("ab".repeat(24)).contains("belongs to another user (nobody)");
            Run stopForged = run(Map.of(), "--db", db.toString(), "serve", "--stop");
            assertThat(stopForged.code()).isEqualTo(1);
            assertThat(unrelated.isAlive()).as("no signal on the word of another user's file").isTrue();
            Run detach = run(Map.of(), "--db", db.toString(), "serve", "--detach");
            assertThat(detach.code()).as(detach.err()).isZero();
            discovery = Discovery.read(db);
            assertThat(discovery).as("the new server's own file replaced the forged one").isNotNull();
            assertThat(detach.out()).contains("at http://127.0.0.1:" + discovery.port() + "/ in the background")
                    .doesNotContain(":" + attacker.getAddress().getPort() + "/");
            assertThat(seen).as("the attacker's port heard nothing (no command line, no token)").isEmpty();
            Run stopped = run(Map.of(), "--db", db.toString(), "serve", "--stop");
            assertThat(stopped.code()).as(stopped.out()).isZero();

            // A file of this user's own, owner-only, naming a process that knows the token but
            // not the proof (say, one that took the port of a server that died): not the server.
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, forged);
            Run again = run(Map.of(), "--db", db.toString(), "--now", NOW, "summary");
            assertThat(again).as("answered in-process, not with the impostor's rows").isEqualTo(expected);
            assertThat(seen).as("the launcher asked it, and did not take its answer").isNotEmpty();
            Run statusOfImpostor = run(Map.of(), "--db", db.toString(), "serve", "--status");
            assertThat(statusOfImpostor.code()).isEqualTo(1);
            Run stopImpostor = run(Map.of(), "--db", db.toString(), "serve", "--stop");
            assertThat(stopImpostor.code()).isEqualTo(1);
            assertThat(unrelated.isAlive()).as("a process that did not prove itself the server is not signalled").isTrue();
        } finally {
            attacker.stop(0);
            unrelated.destroyForcibly();
        }
    }

    /** Finding 9: two starts at once make one server; the other says which; --status and --stop see it. */
    @Test
    void twoDetachedStartsAtOnceMakeOneServer() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Callable<Run> start = () -> run(Map.of(), "--db", db.toString(), "serve", "--detach");
            Future<Run> a = pool.submit(start);
            Future<Run> b = pool.submit(start);
            List<Run> runs = List.of(a.get(120, TimeUnit.SECONDS), b.get(120, TimeUnit.SECONDS));
            discovery = Discovery.read(db);
            assertThat(discovery).isNotNull();
            assertThat(runs.stream().filter(r -> r.code() == 0).count()).as(runs.toString()).isOne();
            Run lost = runs.stream().filter(r -> r.code() != 0).findFirst().orElseThrow();
            assertThat(lost.err()).isEqualTo("metadb: a server already answers for " + db + " at http://127.0.0.1:"
                    + discovery.port() + "/ (pid " + discovery.pid() + "); stop it with: metadb --db " + db + " serve --stop\n");
            assertThat(Discovery.lockHolder(db)).isEqualTo(discovery.pid());
            long servers = ProcessHandle.allProcesses().filter(p -> p.info().arguments().map(args -> {
                List<String> list = List.of(args);
                return list.contains("serve") && list.contains(db.toString());
            }).orElse(false)).count();
            assertThat(servers).as("server processes of this database").isOne();
            Run status = run(Map.of(), "--db", db.toString(), "serve", "--status");
            assertThat(status.out()).startsWith("serving " + db + " at http://127.0.0.1:" + discovery.port() + "/ (pid "
                    + discovery.pid() + ")");
            Run stop = run(Map.of(), "--db", db.toString(), "serve", "--stop");
            assertThat(stop.out()).isEqualTo("stopped the server of " + db + " (pid " + discovery.pid() + ")\n");
        } finally {
            pool.shutdownNow();
        }
    }

    /** Finding 7: a server started under LANG=C answers in UTF-8, as the command does in-process. */
    @Test
    void outputIsUtf8WhateverTheLocale() throws Exception {
        Map<String, String> c = new java.util.HashMap<>();
        c.put("LANG", "C");
        c.put("LC_ALL", null);
        c.put("LC_CTYPE", null);
        serve(c);
        String sql = "SELECT '\uD83D\uDE00 \u200F\u05E9\u05DC\u05D5\u05DD caf\u00E9' AS x";
        String expected = "x\r\n\uD83D\uDE00 \u200F\u05E9\u05DC\u05D5\u05DD caf\u00E9\r\n";
        long before = answered();
        Run served = run(c, "--db", db.toString(), "query", sql, "--csv");
        assertThat(answered() - before).as("served").isEqualTo(1);
        assertThat(served).isEqualTo(new Run(0, expected, ""));
        Map<String, String> alone = new java.util.HashMap<>(c);
        alone.put("METADB_NO_SERVER", "1");
        assertThat(run(alone, "--db", db.toString(), "query", sql, "--csv")).isEqualTo(new Run(0, expected, ""));
        HttpResponse<String> api = get("/query.csv?sql=" + encode(sql));
        assertThat(api.body()).isEqualTo(expected);
    }

    /** Finding 6: four requests that would each build a gigabyte leave the server's memory within its stated bound. */
    @Test
    void memoryStaysWithinItsBoundUnderHostileStatements() throws Exception {
        serve(Map.of());
        String hostile = "SELECT length(printf('%.*c', 999999990, 'x') || 'y')";
        StringBuilder wide = new StringBuilder("SELECT ");
        for (int i = 0; i < 64; i++) {
            wide.append(i == 0 ? "" : ", ").append("printf('%.*c', 2000000, 'x')");
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<HttpResponse<String>>> answers = new ArrayList<>();
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < 4; i++) {
                    String sql = i % 2 == 0 ? hostile : wide.toString();
                    answers.add(pool.submit(() -> {
                        // Four at once for two slots: one that waited its 2 s for a slot is told
                        // to try again (503), as a client would be, and does.
                        HttpResponse<String> r = get("/query.json?sql=" + encode(sql));
                        for (int retry = 0; r.statusCode() == 503 && retry < 20; retry++) {
                            r = get("/query.json?sql=" + encode(sql));
                        }
                        return r;
                    }));
                }
            }
            for (Future<HttpResponse<String>> f : answers) {
                HttpResponse<String> r = f.get(120, TimeUnit.SECONDS);
                assertThat(r.statusCode()).as(r.body()).isEqualTo(500);
                assertThat(r.body()).startsWith("metadb: query: ").hasLineCount(1);
            }
        } finally {
            pool.shutdownNow();
        }
        long peakKb = 0;
        for (String line : Files.readAllLines(Path.of("/proc/" + server.pid() + "/status"))) {
            if (line.startsWith("VmHWM:")) {
                peakKb = Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        System.out.println("serve attack: the server's peak resident memory after 12 hostile statements: "
                + peakKb / 1024 + " MB (bound stated in docs/security.md: 1,024 MB)");
        assertThat(peakKb).isPositive().isLessThan(1024L * 1024);
        Run timed = run(Map.of(), "--db", db.toString(), "--timeout", "2s", "query", hostile);
        assertThat(timed.code()).isEqualTo(Main.EXIT_FAILURE);
        assertThat(timed.err()).isEqualTo("metadb: query: a value would be over 2 MiB (metadb's bound on one string or"
                + " blob): string or blob too big\n");
    }

    /** Finding 13: a directory where the discovery file goes neither breaks commands nor leaves a token behind. */
    @Test
    void aDirectoryNamedLikeTheDiscoveryFile() throws Exception {
        Files.createDirectory(Discovery.fileOf(db));
        Run summary = run(Map.of(), "--db", db.toString(), "--now", NOW, "summary", "--json");
        assertThat(summary).isEqualTo(inProcess("--db", db.toString(), "--now", NOW, "summary", "--json"));
        assertThat(summary.err()).isEmpty();
        Run serve = run(Map.of(), "--db", db.toString(), "serve");
        assertThat(serve.code()).isEqualTo(Main.EXIT_FAILURE);
        assertThat(serve.err()).isEqualTo("metadb: " + Discovery.fileOf(db) + " is a directory; remove it\n");
        try (var files = Files.list(db.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
    }
}
