package io.metadb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A source checkout's first {@code bin/metadb} builds the project and runs it, and leaves the
 * user's {@code ~/.m2} as it was: its metadb jars are neither written nor replaced (the build
 * is {@code mvn package}, the modules found in the build itself). Real Maven, a copy of the
 * working tree without its build output.
 */
class LauncherBuildIT {
    @TempDir
    Path dir;

    /** Every file under metadb's group in the local repository, with its size and time. */
    private static Map<String, String> installed() throws IOException {
        Path group = Path.of(System.getProperty("user.home"), ".m2", "repository", "io", "metadb");
        Map<String, String> out = new TreeMap<>();
        if (Files.isDirectory(group)) {
            try (Stream<Path> files = Files.walk(group)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    out.put(group.relativize(f).toString(), Files.size(f) + " " + Files.getLastModifiedTime(f));
                }
            }
        }
        return out;
    }

    /** The source tree: every file but build output, the VCS and local state. */
    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path rel = from.relativize(f);
                String s = rel.toString().replace('\\', '/');
                if (s.startsWith(".git") || s.matches("(.*/)?(target|node_modules|\\.metadb)(/.*)?")) {
                    continue;
                }
                Path t = to.resolve(rel);
                if (Files.isDirectory(f)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(f, t, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    @Test
    void theFirstRunBuildsWithoutInstallingIntoTheUsersRepository() throws Exception {
        Path root = Path.of(System.getProperty("user.dir")).getParent();
        Path tree = dir.resolve("checkout");
        copyTree(root, tree);
        Map<String, String> before = installed();

        ProcessBuilder pb = new ProcessBuilder(tree.resolve("bin/metadb").toString(), "--version").directory(dir.toFile());
        pb.environment().put("XDG_CACHE_HOME", dir.resolve("cache").toString());
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(15, TimeUnit.MINUTES)).as("the build finished").isTrue();
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(stderr).isZero();
        // One line says what is happening; Maven's own output went to a log.
        assertThat(stderr).isEqualTo("metadb: building the project (first use or sources changed; about a minute) ...\n");
        assertThat(Files.readString(out, StandardCharsets.UTF_8)).startsWith("metadb 0.1.0-SNAPSHOT (commit unknown)\n");
        assertThat(tree.resolve("cli/target/metadb.jar")).exists();
        assertThat(installed()).as("~/.m2/repository/io/metadb, untouched").isEqualTo(before);
    }
}
