package io.metadb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The installable metadb (target/metadb-VERSION.tar.gz), as a user installs it: unpacked
 * away from the source tree, called through a symlink on PATH, then copied elsewhere. Real
 * processes, the real launcher; runs after package (failsafe).
 */
class DistributionIT {
    private static final String NOW = "2026-04-20T12:00:00.000Z";

    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {}

    private Run run(Path command, Path cache, String... args) throws IOException, InterruptedException {
        List<String> line = new ArrayList<>(List.of(command.toString()));
        line.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(line).directory(dir.toFile());
        Map<String, String> env = pb.environment();
        env.put("XDG_CACHE_HOME", cache.toString());
        env.remove("METADB_PATH");
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).as("metadb " + String.join(" ", args) + " finished").isTrue();
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void theTarballRunsWithoutTheSourceTreeThroughASymlinkAndAfterACopy() throws Exception {
        Path tarball;
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            tarball = files.filter(f -> f.getFileName().toString().matches("metadb-.*\\.tar\\.gz")).findFirst().orElseThrow();
        }
        Path install = Files.createDirectories(dir.resolve("opt"));
        Process untar = new ProcessBuilder("tar", "xzf", tarball.toAbsolutePath().toString(), "-C", install.toString())
                .inheritIO().start();
        assertThat(untar.waitFor()).isZero();
        Path home;
        try (Stream<Path> unpacked = Files.list(install)) {
            home = unpacked.findFirst().orElseThrow();
        }
        assertThat(home.resolve("bin/metadb")).isExecutable();
        assertThat(home.resolve("lib/metadb.jar")).exists();
        assertThat(home.resolve("pom.xml")).doesNotExist();

        Path onPath = Files.createDirectories(dir.resolve("bin")).resolve("metadb");
        Files.createSymbolicLink(onPath, home.resolve("bin/metadb"));
        Path cache = dir.resolve("cache");
        Path db = dir.resolve("demo.db");

        Run demo = run(onPath, cache, "--db", db.toString(), "--now", NOW, "demo", "--rows-scale", "0.02");
        assertThat(demo.code()).as(demo.err()).isZero();
        assertThat(demo.out()).startsWith("wrote ");
        assertThat(demo.err()).isEqualTo("metadb: preparing fast start-up (first run only, a few seconds) ...\n");

        Run summary = run(onPath, cache, "--db", db.toString(), "--now", NOW, "summary", "--json");
        assertThat(summary.code()).as(summary.err()).isZero();
        assertThat(summary.out()).startsWith("[{\"metric\":\"rows_total\",\"value\":");
        assertThat(summary.err()).isEmpty();

        // Copied elsewhere (new paths, new file times): no warning, not even once; the same answer.
        Path copy = dir.resolve("elsewhere");
        Process cp = new ProcessBuilder("cp", "-r", home.toString(), copy.toString()).inheritIO().start();
        assertThat(cp.waitFor()).isZero();
        for (int i = 0; i < 2; i++) {
            Run again = run(copy.resolve("bin/metadb"), cache, "--db", db.toString(), "--now", NOW, "summary", "--json");
            assertThat(again.code()).isZero();
            assertThat(again.out()).isEqualTo(summary.out());
            assertThat(again.err()).as("run " + i).isEmpty();
        }
        assertThat(cache).isDirectoryRecursivelyContaining("glob:**/metadb.jsa");
    }
}
