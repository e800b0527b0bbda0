package io.metadb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.metadb.analytics.Report;
import io.metadb.analytics.Reports;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12's load test, with real processes: {@value #CLIENTS} clients, each a loop of
 * {@code metadb} commands (the bash launcher, as an operator runs them) against a
 * {@code metadb serve} of a live-shape demo database, for {@code metadb.load.seconds}
 * (default 60) seconds, while a writer process writes at 10 times SPEC §6's 24-hour pace.
 * Prints p50/p99 per command and the server's resident memory over time. No errors; counts
 * a client reads never go back; after the writer stops, every command answered through the
 * server prints what the in-process command prints on the same data.
 */
class ServeLoadIT {
    private static final int CLIENTS = 8;
    private static final long SECONDS = Long.getLong("metadb.load.seconds", 60);
    private static final double PACE_MULTIPLE = 10;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    private record Run(int code, String out, String err, long ms) {}

    private static Path metadb;
    private static Path cache;

    private static Run run(Map<String, String> env, List<String> args) throws IOException, InterruptedException {
        List<String> line = new ArrayList<>(List.of(metadb.toString()));
        line.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(line).directory(dir.toFile());
        pb.environment().put("XDG_CACHE_HOME", cache.toString());
        pb.environment().remove("METADB_NO_SERVER");
        pb.environment().putAll(env);
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        long start = System.nanoTime();
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        p.getOutputStream().close();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        long ms = (System.nanoTime() - start) / 1_000_000;
        Run r = new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8), ms);
        Files.delete(out);
        Files.delete(err);
        return r;
    }

    @Test
    void eightClientsAndAWriterForAMinute() throws Exception {
        Path home = Installed.unpack(dir);
        metadb = home.resolve("bin/metadb");
        cache = dir.resolve("cache");
        Path db = dir.resolve("live.db");
        Run demo = run(Map.of(), List.of("--db", db.toString(), "demo"));
        assertThat(demo.code()).as(demo.err()).isZero();

        ProcessBuilder serve = new ProcessBuilder(metadb.toString(), "--db", db.toString(), "serve").redirectErrorStream(true);
        serve.environment().put("XDG_CACHE_HOME", cache.toString());
        Process server = serve.start();
        try {
            BufferedReader first = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            assertThat(first.readLine()).startsWith("serving ");
            long serverPid = server.pid();

            List<List<String>> commands = new ArrayList<>();
            for (Report<?, ?> r : Reports.all()) {
                List<String> c = new ArrayList<>(List.of(r.examples().get(0).split(" ")));
                c.add("--json");
                commands.add(c);
            }
            List<String> count = List.of("query", "SELECT count(*) AS n FROM token_usage", "--json");
            commands.add(count);

            Process writer = new ProcessBuilder("java", "-cp", System.getProperty("java.class.path"),
                    PaceWriterMain.class.getName(), db.toString(), String.valueOf(SECONDS), String.valueOf(PACE_MULTIPLE))
                    .redirectErrorStream(true).start();
            List<long[]> memory = Collections.synchronizedList(new ArrayList<>());
            long start = System.nanoTime();
            long deadline = start + TimeUnit.SECONDS.toNanos(SECONDS);
            Thread sampler = new Thread(() -> {
                while (System.nanoTime() < deadline) {
                    memory.add(new long[] {(System.nanoTime() - start) / 1_000_000_000L, rssMb(serverPid)});
                    try {
                        Thread.sleep(1000);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            sampler.start();

            Map<String, List<Long>> times = new ConcurrentHashMap<>();
            ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
            AtomicLong requests = new AtomicLong();
            List<Thread> clients = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                int client = i;
                Thread t = new Thread(() -> {
                    long lastCount = -1;
                    for (int k = client; System.nanoTime() < deadline; k++) {
                        List<String> c = commands.get(k % commands.size());
                        List<String> args = new ArrayList<>(List.of("--db", db.toString()));
                        args.addAll(c);
                        try {
                            Run r = run(Map.of(), args);
                            requests.incrementAndGet();
                            times.computeIfAbsent(c.get(0), x -> Collections.synchronizedList(new ArrayList<>())).add(r.ms());
                            JsonNode answer = r.code() == 0 ? JSON.readTree(r.out()) : null;
                            if (r.code() != 0 || answer == null || !answer.isArray() || !r.err().isEmpty()) {
                                errors.add(String.join(" ", c) + ": exit " + r.code() + " " + r.err().strip());
                            } else if (c == count) {
                                long n = answer.get(0).get("n").asLong();
                                if (n < lastCount) {
                                    errors.add("token_usage count went back from " + lastCount + " to " + n);
                                }
                                lastCount = n;
                            }
                        } catch (IOException | InterruptedException | RuntimeException e) {
                            errors.add(String.join(" ", c) + ": " + e);
                        }
                    }
                }, "client-" + i);
                clients.add(t);
                t.start();
            }
            for (Thread t : clients) {
                t.join();
            }
            sampler.join();
            assertThat(writer.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String output = new String(writer.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            assertThat(writer.exitValue()).as(output).isZero();
            String written = output.substring(output.lastIndexOf('\n') + 1); // its last line: the rows it wrote
            // The pace: SPEC §6's five hot tables, 17,638 rows a day, times the multiple (flooring each table's count).
            assertThat(Long.parseLong(written)).isGreaterThanOrEqualTo((long) (17_638 * PACE_MULTIPLE * SECONDS / 86_400) - 5);

            System.out.println("load: " + CLIENTS + " clients, " + SECONDS + " s, writer at " + PACE_MULTIPLE
                    + "x the 24-hour pace wrote " + written + " rows; " + requests.get() + " requests, " + errors.size()
                    + " errors");
            Map<String, List<Long>> sorted = new TreeMap<>(times);
            sorted.forEach((name, ms) -> {
                List<Long> s = new ArrayList<>(ms);
                Collections.sort(s);
                System.out.printf("load: %-12s n=%4d  p50 %5d ms  p99 %5d ms%n", name, s.size(), rank(s, 50), rank(s, 99));
            });
            StringBuilder rss = new StringBuilder("load: server resident memory (s:MB)");
            synchronized (memory) {
                for (int i = 0; i < memory.size(); i += 5) {
                    rss.append(' ').append(memory.get(i)[0]).append(':').append(memory.get(i)[1]);
                }
            }
            System.out.println(rss);
            System.out.println("load: answered from the server's resident copies: " + statusCount(db, "resident_answers")
                    + " of " + statusCount(db, "answered"));
            assertThat(errors).as("errors under load").isEmpty();
            assertThat(requests.get()).isGreaterThan(CLIENTS);

            // The writer has stopped: every command, served, prints what it prints in-process (the
            // server's resident copies, kept up to date through the writes, answering many of them).
            long residentBefore = statusCount(db, "resident_answers");
            String now = Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
            for (List<String> c : commands) {
                List<String> args = new ArrayList<>(List.of("--db", db.toString(), "--now", now));
                args.addAll(c);
                Run served = run(Map.of(), args);
                Run inProcess = run(Map.of("METADB_NO_SERVER", "1"), args);
                assertThat(served.code()).as(String.join(" ", c) + served.err()).isZero();
                assertThat(served.out()).as(String.join(" ", c)).isEqualTo(inProcess.out());
                assertThat(served.err()).isEqualTo(inProcess.err());
            }
            assertThat(statusCount(db, "resident_answers") - residentBefore).isGreaterThan(commands.size() / 2);
        } finally {
            server.destroy();
            server.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** A count from the server's {@code /-/status.json}. */
    private static long statusCount(Path db, String name) throws IOException, InterruptedException {
        Discovery d = Discovery.read(db);
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + d.port() + "/-/status.json")).header("Authorization", "Bearer " + d.token())
                .build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body()).get(name).asLong();
    }

    private static long rank(List<Long> sorted, int percentile) {
        int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, index));
    }

    private static long rssMb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }
}
