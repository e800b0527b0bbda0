package io.metadb.cli;

import io.metadb.core.BadInputException;
import static io.metadb.generated.Tables.IDS;
import static io.metadb.generated.Tables.TOKEN_USAGE;

import io.metadb.dao.JsonRowDao;
import io.metadb.dao.MetaDb;
import io.metadb.payload.TokenUsage;
import io.metadb.generated.convert.Timestamps;
import io.metadb.migrations.Migrations;
import io.metadb.core.Location;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.jooq.DSLContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code metadb bench write}: the write path against its baselines, in one run on the same
 * rows (~300-byte token_usage payloads), each figure the median of several runs on fresh
 * files: (a) group commit, (b) record().join() latency, (c) raw JDBC executeBatch in one
 * transaction, (d) the design note's naive path.
 */
@Command(name = "bench", description = "Benchmarks that print figures (never a test).",
        subcommands = {BenchCommand.Write.class, BenchReports.class, BenchWriteProcess.class},
        footer = {"", "Examples:", "  metadb bench write --rows 100000 --runs 5", "  metadb --db demo.db bench reports --runs 7"})
final class BenchCommand {

    @Command(name = "write", description = {"Write-path throughput and latency against raw JDBC and the naive path.",
        "Prints medians over --runs fresh files and the ratios a/c and a/d."},
            footer = {"", "Example:", "  metadb bench write --rows 100000 --runs 5"})
    static final class Write implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--rows", paramLabel = "N", defaultValue = "100000", description = "rows per throughput run (default: 100000)")
        int rows;

        @Option(names = "--runs", paramLabel = "N", defaultValue = "5", description = "measured runs per figure, after one warm-up (default: 5)")
        int runs;

        @Option(names = "--latency-ops", paramLabel = "N", defaultValue = "2000", description = "record().join() calls per latency run (default: 2000)")
        int latencyOps;

        @Option(names = "--naive-rows", paramLabel = "N", defaultValue = "2000", description = "rows per naive-path run (default: 2000)")
        int naiveRows;

        @Option(names = "--dir", paramLabel = "DIR", description = "where the scratch files go (default: a temp dir)")
        Path dir;

        @Option(names = "--pg", paramLabel = "URL", description = "run on this PostgreSQL server instead: each run in a"
                + " fresh database of its own (the URL's role must be allowed to CREATE DATABASE)")
        String pg;

        @Option(names = "--processes", paramLabel = "N", defaultValue = "8", description = "writer processes of the many-process figure"
                + " (default: 8)")
        int processes;

        private List<TokenUsage> payloads;
        private List<String> json;

        @Override
        public Integer call() throws Exception {
            if (rows < 1 || runs < 1 || latencyOps < 1 || naiveRows < 1) {
                throw new BadInputException("--rows, --runs, --latency-ops and --naive-rows must be >= 1");
            }
            PrintWriter out = spec.commandLine().getOut();
            Path scratch = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("metadb-bench");
            server = pg == null ? null : Location.parse(pg);
            makeRows();
            out.printf("bench write: %,d rows of ~%d-byte token_usage payloads, median of %d runs (+1 warm-up), %s%n",
                    rows, json.stream().mapToInt(String::length).sum() / json.size(), runs,
                    server == null ? "SQLite files in " + scratch : "fresh databases on " + server);
            try {
                double raw = median(scratch, runs, this::rawJdbc);
                double recordAll = median(scratch, runs, this::recordAll);
                double async = median(scratch, runs, this::asyncRecords);
                double naive = median(scratch, runs, this::naive);
                out.printf("(c) raw JDBC executeBatch, one transaction : %,10.0f rows/s%n", raw);
                out.printf("(a) recordAll (one call, one transaction)  : %,10.0f rows/s  a/c = %.2f  a/d = %,.0f%n",
                        recordAll, recordAll / raw, recordAll / naive);
                out.printf("(a) async record() x N, group commit       : %,10.0f rows/s  a/c = %.2f  a/d = %,.0f%n",
                        async, async / raw, async / naive);
                out.printf("(d) naive: connection + ids + insert / row : %,10.0f rows/s%n", naive);
                out.flush();
                double many = median(scratch, runs, this::manyProcesses);
                out.printf("(e) %d processes, async record() x %,d each : %,10.0f rows/s  e/a(async, 1 process) = %.2f%n",
                        processes, rows / processes, many, many / async);
                for (int threads : new int[] {1, 4}) {
                    double[] lat = latency(scratch, threads);
                    out.printf("(b) record().join() latency, %d thread%s      : p50 %.3f ms  p99 %.3f ms  (%,d calls, median of runs)%n",
                            threads, threads == 1 ? " " : "s", lat[0], lat[1], latencyOps * threads);
                }
            } finally {
                if (dir == null) {
                    deleteTree(scratch);
                }
            }
            return 0;
        }

        /** The PostgreSQL server (--pg), or null for SQLite files. */
        private Location server;

        private interface Run {
            /** Returns rows/s. */
            double run(Location db) throws Exception;
        }

        private double median(Path scratch, int n, Run run) throws Exception {
            double[] results = new double[n];
            for (int i = -1; i < n; i++) {
                Location db = fresh(scratch);
                try {
                    Migrations.apply(db);
                    double r = run.run(db);
                    if (i >= 0) {
                        results[i] = r;
                    }
                } finally {
                    drop(db);
                }
            }
            Arrays.sort(results);
            return n % 2 == 1 ? results[n / 2] : (results[n / 2 - 1] + results[n / 2]) / 2;
        }

        /** A new, empty database: a file in scratch, or a database created on the server. */
        private Location fresh(Path scratch) throws java.sql.SQLException {
            if (server == null) {
                return Location.of(scratch.resolve("bench-" + System.nanoTime() + ".db"));
            }
            String name = "metadb_bench_" + System.nanoTime();
            try (Connection c = server.connect(); Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE " + name);
            }
            return Location.parse(urlOf(name));
        }

        private void drop(Location db) throws Exception {
            switch (db.engine()) {
                case SQLITE -> deleteDb(db.file());
                case POSTGRESQL -> {
                    try (Connection c = server.connect(); Statement s = c.createStatement()) {
                        s.execute("DROP DATABASE " + databaseOf(db) + " WITH (FORCE)");
                    }
                }
            }
        }

        /** --pg with its database replaced by {@code name} (password and parameters kept). */
        private String urlOf(String name) {
            return pg.replaceFirst("^((?:jdbc:)?postgres(?:ql)?://[^/]+/)[^?]*", "$1" + name);
        }

        private static String databaseOf(Location db) {
            return db.jdbcUrl().replaceFirst("^jdbc:postgresql://[^/]+/([^?]*).*$", "$1");
        }

        /** The writer's kind of connection (PostgreSQL: batches rewritten to multi-row inserts). */
        private static Connection connect(Location db) throws java.sql.SQLException {
            return db.engine().connectForBatches(db);
        }

        /**
         * {@code --processes} real processes ({@code bench write-process}), each a MetaDb writing
         * its share with async record(): rows/s from the moment all are ready to the last commit.
         */
        private double manyProcesses(Location db) throws Exception {
            int each = Math.max(1, rows / processes);
            List<Process> children = new ArrayList<>();
            String java = ProcessHandle.current().info().command().orElse("java");
            for (int i = 0; i < processes; i++) {
                children.add(new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                        "bench", "write-process", "--rows", String.valueOf(each), "--offset", String.valueOf(i * each))
                        .redirectError(ProcessBuilder.Redirect.INHERIT).start());
            }
            List<java.io.BufferedReader> outs = new ArrayList<>();
            for (Process p : children) {
                // The database goes over stdin: a URL with its password never reaches a command line.
                String named = switch (db.engine()) {
                    case SQLITE -> db.file().toString();
                    case POSTGRESQL -> urlOf(databaseOf(db));
                };
                p.getOutputStream().write(named.getBytes());
                p.getOutputStream().write('\n');
                p.getOutputStream().flush();
                java.io.BufferedReader r = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()));
                outs.add(r);
            }
            for (java.io.BufferedReader r : outs) {
                expect(r, "READY");
            }
            long start = System.nanoTime();
            for (Process p : children) {
                p.getOutputStream().write("GO\n".getBytes());
                p.getOutputStream().flush();
            }
            for (java.io.BufferedReader r : outs) {
                expect(r, "DONE");
            }
            double rate = (double) each * processes / seconds(start);
            for (Process p : children) {
                if (p.waitFor() != 0) {
                    throw new IllegalStateException("a writer process failed (exit " + p.exitValue() + ")");
                }
            }
            return rate;
        }

        private static void expect(java.io.BufferedReader r, String line) throws IOException {
            String got = r.readLine();
            if (!line.equals(got)) {
                throw new IllegalStateException("a writer process said " + got + " instead of " + line);
            }
        }

        private void makeRows() {
            Random r = new Random(1);
            Path scratch;
            try {
                scratch = Files.createTempDirectory("metadb-bench-json");
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            payloads = new ArrayList<>(rows);
            json = new ArrayList<>(rows);
            String[] models = {"claude-opus-4-20250514", "claude-sonnet-4-20250514", "gpt-5-2025-08-07"};
            for (int i = 0; i < rows; i++) {
                TokenUsage p = new TokenUsage("agent" + r.nextInt(8) + "/clone-" + Integer.toHexString(r.nextInt(1 << 16)),
                        "session-" + new java.util.UUID(r.nextLong(), r.nextLong()),
                        "anthropic", models[r.nextInt(3)], r.nextInt(50_000), r.nextInt(8_000), (long) r.nextInt(100_000),
                        (long) r.nextInt(5_000), r.nextInt(100_000) / 1e4);
                payloads.add(p);
            }
            try (MetaDb metaDb = MetaDb.open(scratch.resolve("json.db"))) {
                JsonRowDao<TokenUsage> dao = metaDb.dao(TokenUsage.class);
                payloads.forEach(p -> json.add(dao.toJson(p)));
            }
            try {
                deleteTree(scratch);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        private double rawJdbc(Location db) throws Exception {
            String ts = Timestamps.format(Instant.now());
            try (Connection c = connect(db)) {
                DSLContext dsl = db.engine().dsl(c);
                String sql = dsl.render(dsl.insertInto(TOKEN_USAGE, TOKEN_USAGE.ID, TOKEN_USAGE.TS, TOKEN_USAGE.ROW_JSON)
                        .values((Long) null, null, null));
                long start = System.nanoTime();
                db.engine().beginWrite(c);
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    for (int i = 0; i < rows; i++) {
                        ps.setLong(1, i + 1);
                        ps.setString(2, ts);
                        ps.setString(3, json.get(i));
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                db.engine().commit(c);
                return rows / seconds(start);
            }
        }

        private double recordAll(Location db) {
            try (MetaDb metaDb = MetaDb.open(db, io.metadb.dao.MetaDbOptions.defaults())) {
                JsonRowDao<TokenUsage> dao = metaDb.dao(TokenUsage.class);
                long start = System.nanoTime();
                dao.recordAll(payloads).join();
                return rows / seconds(start);
            }
        }

        private double asyncRecords(Location db) {
            try (MetaDb metaDb = MetaDb.open(db, io.metadb.dao.MetaDbOptions.defaults())) {
                JsonRowDao<TokenUsage> dao = metaDb.dao(TokenUsage.class);
                long start = System.nanoTime();
                CompletableFuture<Long> last = null;
                for (TokenUsage p : payloads) {
                    last = dao.record(p);
                }
                last.join();
                metaDb.flush();
                return rows / seconds(start);
            }
        }

        /** The design note's path: per row a fresh connection, an ids upsert RETURNING, an insert, a close. */
        private double naive(Location db) throws Exception {
            String ts = Timestamps.format(Instant.now());
            long start = System.nanoTime();
            for (int i = 0; i < naiveRows; i++) {
                try (Connection c = db.engine().connect(db)) {
                    DSLContext dsl = db.engine().dsl(c);
                    Long id = dsl.insertInto(IDS, IDS.NAME, IDS.ID).values(TOKEN_USAGE.getName(), 1L)
                            .onConflict(IDS.NAME).doUpdate().set(IDS.ID, IDS.ID.plus(1L))
                            .returning(IDS.ID).fetchOne(IDS.ID);
                    dsl.insertInto(TOKEN_USAGE)
                            .set(TOKEN_USAGE.ID, id)
                            .set(Timestamps.asText(TOKEN_USAGE.TS), ts)
                            .set(TOKEN_USAGE.ROW_JSON, json.get(i % json.size()))
                            .execute();
                }
            }
            return naiveRows / seconds(start);
        }

        /** p50 and p99 of record().join() in ms, medians over the runs. */
        private double[] latency(Path scratch, int threads) throws Exception {
            double[] p50s = new double[runs];
            double[] p99s = new double[runs];
            for (int run = -1; run < runs; run++) {
                Location db = fresh(scratch);
                long[][] samples = new long[threads][latencyOps];
                try (MetaDb metaDb = MetaDb.open(db, io.metadb.dao.MetaDbOptions.defaults())) {
                    JsonRowDao<TokenUsage> dao = metaDb.dao(TokenUsage.class);
                    List<Thread> workers = new ArrayList<>();
                    for (int t = 0; t < threads; t++) {
                        int tt = t;
                        workers.add(new Thread(() -> {
                            for (int i = 0; i < latencyOps; i++) {
                                long s = System.nanoTime();
                                dao.record(payloads.get((tt * latencyOps + i) % payloads.size())).join();
                                samples[tt][i] = System.nanoTime() - s;
                            }
                        }));
                    }
                    workers.forEach(Thread::start);
                    for (Thread w : workers) {
                        w.join();
                    }
                }
                drop(db);
                long[] all = Arrays.stream(samples).flatMapToLong(Arrays::stream).sorted().toArray();
                if (run >= 0) {
                    p50s[run] = all[(int) Math.ceil(0.50 * all.length) - 1] / 1e6;
                    p99s[run] = all[(int) Math.ceil(0.99 * all.length) - 1] / 1e6;
                }
            }
            Arrays.sort(p50s);
            Arrays.sort(p99s);
            return new double[] {p50s[runs / 2], p99s[runs / 2]};
        }

        private static double seconds(long startNanos) {
            return (System.nanoTime() - startNanos) / 1e9;
        }

        private static void deleteDb(Path db) throws IOException {
            for (String suffix : new String[] {"", "-wal", "-shm", "-migrate.lock"}) {
                Files.deleteIfExists(db.resolveSibling(db.getFileName() + suffix));
            }
        }

        private static void deleteTree(Path dir) throws IOException {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
