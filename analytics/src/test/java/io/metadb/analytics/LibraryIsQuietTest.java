package io.metadb.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import io.metadb.migrations.Migrations;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A library prints nothing (issue 26): a real JVM that opens, writes, creates a file and
 * reports through the library, with java.util.logging's default set-up (INFO to stderr), has
 * empty stdout and stderr. Prints the first open's time (a figure, not asserted).
 */
class LibraryIsQuietTest {
    @TempDir
    Path dir;

    @Test
    void aServiceUsingTheLibraryHearsNothingFromIt() throws Exception {
        Path existing = dir.resolve("existing.db");
        Migrations.apply(existing);
        Path timings = dir.resolve("timings");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                QuietServiceMain.class.getName(), existing.toString(), dir.resolve("created.db").toString(),
                timings.toString()).redirectOutput(dir.resolve("out").toFile()).redirectError(dir.resolve("err").toFile())
                .start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("the service finished").isTrue();
        String err = Files.readString(dir.resolve("err"), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(err).isZero();
        assertThat(Files.readString(dir.resolve("out"), StandardCharsets.UTF_8)).isEmpty();
        assertThat(err).isEmpty();
        System.out.println("LibraryIsQuietTest: " + Files.readString(timings));
    }
}
