package io.metadb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.metadb.cli.InProcess.Run;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The installed {@code bin/metadb} run as a user runs it, in {@code dir}, with its start-up
 * cache in {@code cache}: no {@code METADB_PATH}, no {@code METADB_NO_SERVER} unless {@code env}
 * says so (a null value removes a variable).
 */
record Launched(Path metadb, Path cache, Path dir) {
    /**
     * Starts {@code metadb serve} on {@code db} (in the foreground of its own process) and
     * waits until it listens; its later output is read and dropped.
     */
    Process serve(Path db) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(metadb.toString(), "--db", db.toString(), "serve").redirectErrorStream(true);
        pb.environment().put("XDG_CACHE_HOME", cache.toString());
        Process p = pb.start();
        p.getOutputStream().close();
        java.io.BufferedReader lines = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8));
        assertThat(lines.readLine()).as("the server's first line").startsWith("serving ");
        Thread drain = new Thread(() -> {
            try {
                while (lines.readLine() != null) {
                    // the server's later lines: nobody reads them
                }
            } catch (IOException e) {
                // gone
            }
        });
        drain.setDaemon(true);
        drain.start();
        return p;
    }

    Run run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        return run(env, null, args);
    }

    /** As {@link #run(Map, String...)}, with {@code input} (a file; null: none) as standard input. */
    Run run(Map<String, String> env, Path input, String... args) throws IOException, InterruptedException {
        List<String> line = new ArrayList<>(List.of(metadb.toString()));
        line.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(line).directory(dir.toFile());
        pb.environment().put("XDG_CACHE_HOME", cache.toString());
        pb.environment().remove("METADB_PATH");
        pb.environment().remove("METADB_NO_SERVER");
        env.forEach((k, v) -> {
            if (v == null) {
                pb.environment().remove(k);
            } else {
                pb.environment().put(k, v);
            }
        });
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.redirectInput(input == null ? ProcessBuilder.Redirect.PIPE : ProcessBuilder.Redirect.from(input.toFile()));
        Process p = pb.start();
        p.getOutputStream().close();
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).as("metadb " + String.join(" ", args) + " finished").isTrue();
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }
}
