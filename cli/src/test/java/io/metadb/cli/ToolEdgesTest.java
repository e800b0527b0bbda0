package io.metadb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.metadb.analytics.Reports;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 22's review of the tools: the benchmark's bounds and the start-up training run. */
class ToolEdgesTest {
    @TempDir
    Path dir;

    @Test
    void benchReportsNeedsAtLeastOneRun() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new String[] {"--db", dir.resolve("x.db").toString(), "bench", "reports", "--runs", "0"},
                new PrintWriter(out), new PrintWriter(err));
        assertThat(code).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(err.toString()).isEqualTo("metadb: --runs must be >= 1, was 0 (see: metadb bench reports --help)\n");
    }

    /** The one schema-version line (SchemaVersion.mismatch), as copy says it for an older source. */
    @Test
    void copyOfAnOlderFileSaysHowToMigrateIt() {
        Path old = dir.resolve("old.db");
        io.metadb.migrations.Migrations.upgradeTo(old, 9);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new String[] {"copy", "--from", old.toString(), "--to", dir.resolve("new.db").toString()},
                new PrintWriter(out), new PrintWriter(err));
        assertThat(code).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(err.toString()).isEqualTo("metadb: copy: " + old + " has schema version 9; this metadb copies version "
                + io.metadb.core.SchemaVersion.HEAD + " (run: metadb --db SOURCE migrate)\n");
        assertThat(dir.resolve("new.db")).as("nothing was made").doesNotExist();
    }

    /**
     * The training run answers every command line even in a temporary directory whose name has a
     * space (it split its database's path there, and its reports failed silently: the launcher
     * then kept an archive trained on a partial run).
     */
    @Test
    void theTrainingRunAnswersEveryLineInADirectoryWithASpace() throws Exception {
        Path tmp = Files.createDirectories(dir.resolve("with space"));
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + tmp, "-cp", System.getProperty("java.class.path"), Main.class.getName(), "__warm")
                .redirectErrorStream(true).start();
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        int lines = Reports.all().stream().mapToInt(r -> r.examples().size()).sum() * 3 + 2;
        assertThat(said).isEqualTo("metadb: trained on " + lines + " command lines, all answered\n");
        assertThat(p.exitValue()).isZero();
        try (var left = Files.list(tmp)) {
            assertThat(left.toList()).as("the training run cleans up after itself").isEqualTo(List.of());
        }
    }
}
