package io.metadb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The distribution tarball (target/metadb-VERSION.tar.gz) unpacked into a directory, as a user installs it. */
final class Installed {
    private Installed() {}

    /** Unpacks the tarball under {@code dir}; returns the installation's home (with bin/ and lib/). */
    static Path unpack(Path dir) throws IOException, InterruptedException {
        Path tarball;
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            tarball = files.filter(f -> f.getFileName().toString().matches("metadb-.*\\.tar\\.gz")).findFirst().orElseThrow();
        }
        Path install = Files.createDirectories(dir.resolve("opt"));
        Process untar = new ProcessBuilder("tar", "xzf", tarball.toAbsolutePath().toString(), "-C", install.toString())
                .inheritIO().start();
        assertThat(untar.waitFor()).isZero();
        try (Stream<Path> unpacked = Files.list(install)) {
            return unpacked.findFirst().orElseThrow();
        }
    }
}
