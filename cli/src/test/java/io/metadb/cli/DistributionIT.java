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
        Path home = Installed.unpack(dir);
        assertThat(home.resolve("bin/metadb")).isExecutable();
        assertThat(home.resolve("lib/metadb.jar")).exists();
        assertThat(home.resolve("pom.xml")).doesNotExist();

        Path onPath = Files.createDirectories(dir.resolve("bin")).resolve("metadb");
        Files.createSymbolicLink(onPath, home.resolve("bin/metadb"));
        Path cache = dir.resolve("cache");
        Path db = dir.resolve("demo.db");

        // Caches of four older builds: the two used last are kept, the others deleted.
        java.time.Instant now = java.time.Instant.now();
        for (int i = 1; i <= 4; i++) {
            Path old = Files.createDirectories(cache.resolve("metadb/old" + i));
            Files.writeString(old.resolve("metadb.jsa"), "an older build's archive");
            if (i < 4) { // old4 never recorded a use: the oldest of all
                Path used = Files.writeString(old.resolve("used"), "");
                Files.setLastModifiedTime(used, java.nio.file.attribute.FileTime.from(now.minusSeconds(86_400L * (10 - i))));
            }
        }
        // The first run answers --version at once: no archive is made for it.
        Run version = run(onPath, cache, "--version");
        assertThat(version.code()).as(version.err()).isZero();
        assertThat(version.out()).startsWith("metadb ").contains("\nschema version ", "\nSQLite ", "\nJava ");
        assertThat(version.err()).isEmpty();
        try (var caches = Files.list(cache.resolve("metadb"))) {
            List<String> names = caches.map(p -> p.getFileName().toString()).sorted().toList();
            assertThat(names).hasSize(3).contains("old2", "old3").doesNotContain("old1", "old4");
            String fresh = names.stream().filter(n -> !n.startsWith("old")).findFirst().orElseThrow();
            assertThat(cache.resolve("metadb").resolve(fresh).resolve("metadb.jsa")).doesNotExist();
        }

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

        // A failed migration is one line on stderr (not Liquibase's SEVERE log and stack
        // trace), exit 1, and the file as it was (issue 10 §1).
        Path foreign = dir.resolve("foreign.db");
        io.metadb.migrations.testing.Sql.exec(foreign, "CREATE TABLE ticks (id INTEGER PRIMARY KEY, what TEXT)");
        byte[] bytes = Files.readAllBytes(foreign);
        Path clash = dir.resolve("clash.db");
        assertThat(run(onPath, cache, "--db", clash.toString(), "migrate").code()).isZero();
        // As if v11's last table had been made by someone else before v11 was migrated.
        io.metadb.migrations.testing.Sql.exec(clash, "DROP TABLE watchdog_daily",
                "CREATE TABLE watchdog_daily (day TEXT PRIMARY KEY)",
                "DELETE FROM DATABASECHANGELOG WHERE id IN ('watchdog_daily', 'v11-schema-version', 'tag-v11')",
                "UPDATE meta SET value = '10' WHERE key = 'schema_version'");
        for (String[] args : List.of(new String[] {"--db", foreign.toString(), "migrate"},
                new String[] {"--db", foreign.toString(), "ingest", "ticks", "/dev/null"},
                new String[] {"--db", clash.toString(), "migrate"})) {
            Run failed = run(onPath, cache, args);
            assertThat(failed.code()).as(String.join(" ", args)).isEqualTo(1);
            assertThat(failed.out()).isEmpty();
            assertThat(failed.err().lines()).as(failed.err()).hasSize(1).first().asString()
                    .startsWith("metadb: ").endsWith("the file was not changed");
        }
        assertThat(Files.readAllBytes(foreign)).isEqualTo(bytes);
    }
}
