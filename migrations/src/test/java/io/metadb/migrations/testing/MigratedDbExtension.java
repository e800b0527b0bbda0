package io.metadb.migrations.testing;

import io.metadb.core.Location;
import io.metadb.core.SqliteFiles;
import io.metadb.migrations.Migrations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The test databases of each engine, as test parameters: {@code @MigratedDb Path db} gets a
 * real SQLite file at the head schema version, {@code @MigratedDb Location db} a real
 * PostgreSQL database of the shared cluster ({@link PgCluster#newMigratedDatabase}). The
 * file is a copy of one template migrated once per JVM by {@link Migrations#apply} (a copy
 * takes a millisecond; migrating, half a second), in a directory of its own removed when the
 * test ends. {@link #migrated} gives the same to a test parameterized over the engines.
 * Thread-safe.
 */
public final class MigratedDbExtension implements ParameterResolver {
    private static Path template;

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return parameter.isAnnotated(MigratedDb.class) && (type == Path.class || type == Location.class);
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        if (parameter.getParameter().getType() == Location.class) {
            return Location.parse(PgCluster.shared().newMigratedDatabase());
        }
        try {
            Path dir = Files.createTempDirectory("metadb-test");
            context.getStore(ExtensionContext.Namespace.create(MigratedDbExtension.class, parameter.getIndex()))
                    .put(dir, (AutoCloseable) () -> deleteTree(dir));
            return copyOfTemplate(dir.resolve("meta.db"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A database of {@code engine} at the head schema version: a file under {@code dir} (the
     * caller's to delete), or a new database of the shared cluster.
     */
    public static Location migrated(io.metadb.core.Engine engine, Path dir) {
        return switch (engine) {
            case SQLITE -> Location.of(copyOfTemplate(dir.resolve("meta-" + System.nanoTime() + ".db")));
            case POSTGRESQL -> Location.parse(PgCluster.shared().newMigratedDatabase());
        };
    }

    /** {@code db}, a copy of the migrated template (its log checkpointed into it first). */
    static Path copyOfTemplate(Path db) {
        try {
            Files.copy(template(), db);
            return db;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static synchronized Path template() throws IOException {
        if (template == null) {
            Path dir = Files.createTempDirectory("metadb-template");
            Path file = dir.resolve("template.db");
            Migrations.apply(file);
            try (Connection c = SqliteFiles.open(file); Statement s = c.createStatement()) {
                s.execute("PRAGMA wal_checkpoint(TRUNCATE)"); // everything in the file itself: a copy of it is whole
            } catch (SQLException e) {
                throw new IOException("cannot checkpoint the template: " + e.getMessage(), e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    deleteTree(dir);
                } catch (IOException ignored) {
                    // a temporary directory: the system's to clean
                }
            }));
            template = file;
        }
        return template;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
