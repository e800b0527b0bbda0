package io.metadb.cli;

import io.metadb.core.BadInputException;
import io.metadb.dao.MetaDb;
import io.metadb.dao.MetaDbOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code metadb demo}: a realistic meta.db written through the DAOs. */
@Command(name = "demo", description = {"Write a realistic demo meta.db (SPEC §6 shape at scale 1: ~131k rows, 64 MB) through the DAOs.",
    "Refuses an existing file unless --replace is given."},
        footer = {"", "Examples:", "  metadb --db demo.db demo --replace", "  metadb --db small.db demo --rows-scale 0.1 --seed 7"})
final class DemoCommand extends RootSubcommand {
    @Option(names = "--rows-scale", paramLabel = "F", defaultValue = "1", description = "row counts times F (default: 1)")
    double scale;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42", description = "random seed (default: 42)")
    long seed;

    @Option(names = "--replace", description = "delete an existing --db file first")
    boolean replace;

    @Override
    public Integer call() throws IOException {
        Path db = root.db();
        Demo.checkScale(scale); // before the file (and its lock file) is created
        if (Files.exists(db) && Files.size(db) > 0) {
            if (!replace) {
                throw new BadInputException(db + " exists; pass --replace to overwrite it with demo data");
            }
            for (String suffix : new String[] {"", "-wal", "-shm"}) {
                Files.deleteIfExists(db.resolveSibling(db.getFileName() + suffix));
            }
        }
        long start = System.nanoTime();
        Map<String, Integer> rows;
        try (MetaDb metaDb = MetaDb.open(db, MetaDbOptions.builder().clock(root.clock()).build())) {
            rows = new Demo(metaDb, seed, root.now(), scale).run();
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        int total = rows.values().stream().mapToInt(Integer::intValue).sum();
        spec.commandLine().getOut().printf("wrote %,d rows to %s (%.1f MB) in %,d ms%n", total, db,
                Files.size(db) / 1e6, ms);
        return 0;
    }
}
