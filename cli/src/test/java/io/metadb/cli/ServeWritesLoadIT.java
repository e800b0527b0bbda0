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
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 23's load: 8 client processes appending one row per command through the server for
 * 60 s, beside a 200,000-line ingest and report readers. Every command succeeds; every row is
 * there exactly once; the figures (appends per second, p50/p99 of an append, the server's
 * resident memory over time) are printed. Runs after package (failsafe).
 */
class ServeWritesLoadIT {
    private static final int CLIENTS = 8;
    private static final long SECONDS = 60;

    @TempDir
    Path dir;

    @Test
    void eightAppendersAnIngestAndReadersLoseNothingAndDuplicateNothing() throws Exception {
        Path home = Installed.unpack(dir);
        Path metadb = home.resolve("bin/metadb");
        Path cache = dir.resolve("cache");
        Launched launcher = new Launched(metadb, cache, dir);
        Path db = dir.resolve("load.db");
        assertThat(launcher.run(Map.of("METADB_NO_SERVER", "1"), "--db", db.toString(), "migrate").code()).isZero();
        Path big = dir.resolve("big.jsonl");
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 200_000; i++) {
            lines.append("{\"agent\":\"ingest\",\"kind\":\"poll\",\"status\":\"ok\",\"duration_ms\":").append(i).append("}\n");
        }
        Files.writeString(big, lines);

        ProcessBuilder pb = new ProcessBuilder(metadb.toString(), "--db", db.toString(), "serve").redirectErrorStream(true);
        pb.environment().put("XDG_CACHE_HOME", cache.toString());
        Process server = pb.start();
        server.getOutputStream().close();
        BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        assertThat(out.readLine()).startsWith("serving ");
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS + 3);
        AtomicBoolean stop = new AtomicBoolean();
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        List<String> memory = Collections.synchronizedList(new ArrayList<>());
        try {
            List<Future<Integer>> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                String agent = "client" + c;
                clients.add(pool.submit(() -> {
                    int seq = 0;
                    while (!stop.get()) {
                        long start = System.nanoTime();
                        Run r = launcher.run(Map.of(), "--db", db.toString(), "record", "ticks", "agent=" + agent,
                                "kind=append", "status=ok", "duration_ms:=" + seq);
                        latencies.add(System.nanoTime() - start);
                        if (r.code() != 0 || !r.out().startsWith("wrote 1 row to ticks")) {
                            failures.add(agent + " " + seq + ": " + r.code() + " " + r.err());
                        }
                        seq++;
                    }
                    return seq;
                }));
            }
            java.util.concurrent.atomic.AtomicLong ingestMs = new java.util.concurrent.atomic.AtomicLong();
            Future<Run> ingest = pool.submit(() -> {
                Thread.sleep(10_000);
                long start = System.nanoTime();
                Run r = launcher.run(Map.of(), "--db", db.toString(), "ingest", "ticks", big.toString());
                ingestMs.set((System.nanoTime() - start) / 1_000_000);
                return r;
            });
            Future<Integer> readers = pool.submit(() -> {
                int n = 0;
                while (!stop.get()) {
                    Run r = launcher.run(Map.of(), "--db", db.toString(), n % 2 == 0 ? "summary" : "hot-tables", "--json");
                    if (r.code() != 0) {
                        failures.add("reader: " + r.err());
                    }
                    n++;
                }
                return n;
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);
            while (System.nanoTime() < deadline) {
                memory.add(rssMb(server.pid()));
                Thread.sleep(5_000);
            }
            stop.set(true);
            int appended = 0;
            for (Future<Integer> f : clients) {
                appended += f.get(120, TimeUnit.SECONDS);
            }
            Run ingested = ingest.get(120, TimeUnit.SECONDS);
            int reads = readers.get(120, TimeUnit.SECONDS);
            assertThat(ingested.code()).as(ingested.err()).isZero();
            assertThat(ingested.out()).startsWith("wrote 200,000 rows to ticks");
            assertThat(failures).as("failed commands").isEmpty();
            List<Long> sorted = new ArrayList<>(latencies);
            Collections.sort(sorted);
            System.out.printf("served writes under load: %d appends by %d clients in %d s (%.1f/s), p50 %d ms, p99 %d ms;"
                    + " %d report reads; a 200,000-line ingest in %d ms; server resident MB every 5 s: %s%n", appended, CLIENTS,
                    SECONDS, appended / (double) SECONDS, sorted.get(sorted.size() / 2) / 1_000_000,
                    sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1) / 1_000_000, reads, ingestMs.get(), memory);
            assertThat(Sql.value(db, "SELECT count(*) FROM ticks WHERE kind = 'append'")).isEqualTo(String.valueOf(appended));
            assertThat(Sql.value(db, "SELECT count(*) FROM (SELECT agent, duration_ms FROM ticks WHERE kind = 'append'"
                    + " GROUP BY agent, duration_ms HAVING count(*) > 1)")).as("no append written twice").isEqualTo("0");
            assertThat(Sql.value(db, "SELECT count(*) FROM ticks WHERE agent = 'ingest'")).isEqualTo("200000");
        } finally {
            stop.set(true);
            pool.shutdownNow();
            server.destroy();
            server.waitFor(30, TimeUnit.SECONDS);
        }
        assertThat(Sql.value(db, "PRAGMA integrity_check")).isEqualTo("ok");
    }

    private static String rssMb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024 + "";
                }
            }
        } catch (IOException e) {
            return "?";
        }
        return "?";
    }
}
