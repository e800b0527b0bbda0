package io.metadb.migrations.testing;

import io.metadb.migrations.Migrations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Resolves {@link MigratedDb} parameters: each gets a real SQLite file, created and migrated
 * by {@link Migrations#apply}, in a new temporary directory removed when the test ends.
 * Thread-safe (nothing shared between parameters).
 */
public final class MigratedDbExtension implements ParameterResolver {
    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.isAnnotated(MigratedDb.class) && parameter.getParameter().getType() == Path.class;
    }

    @Override
    public Path resolveParameter(ParameterContext parameter, ExtensionContext context) {
        try {
            Path dir = Files.createTempDirectory("metadb-test");
            context.getStore(ExtensionContext.Namespace.create(MigratedDbExtension.class, parameter.getIndex()))
                    .put(dir, (AutoCloseable) () -> deleteTree(dir));
            Path db = dir.resolve("meta.db");
            Migrations.apply(db);
            return db;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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
