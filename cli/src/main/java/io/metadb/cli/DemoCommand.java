package io.metadb.cli;

import io.metadb.dao.Demo;
import io.metadb.core.BadInputException;
import io.metadb.core.Location;
import io.metadb.core.PgDatabases;
import io.metadb.generated.DefaultSchema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.jooq.Table;
import io.metadb.dao.MetaDb;
import io.metadb.dao.MetaDbOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code metadb demo}: a realistic meta.db written through the DAOs. */
@Command(name = "demo", description = {"Write a realistic demo meta.db (the live shape at scale 1: ~131k rows, 64 MB) through the DAOs.",
    "Refuses an existing database unless --replace is given, and one holding rows demo did not write unless --force."},
        footer = {"", "Examples:", "  metadb --db demo.db demo --replace", "  metadb --db small.db demo --rows-scale 0.1 --seed 7"})
final class DemoCommand extends RootSubcommand {
    @Option(names = "--rows-scale", paramLabel = "F", defaultValue = "1", description = "row counts times F (default: 1)")
    double scale;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42", description = "random seed (default: 42)")
    long seed;

    @Option(names = "--replace", description = "delete an existing --db file first (PostgreSQL: drop metadb's tables),"
            + " if it is empty or demo wrote it")
    boolean replace;

    @Option(names = "--force", description = "--replace even a database holding rows demo did not write (says what it removed)")
    boolean force;

    @Override
    public Integer call() throws IOException {
        Location location = root.location();
        Demo.checkScale(scale); // before the file (and its lock file) is created
        switch (location.engine()) {
            case POSTGRESQL -> clearPostgres(location);
            case SQLITE -> clearFile(location.file());
        }
        long start = System.nanoTime();
        Map<String, Integer> rows;
        try (MetaDb metaDb = MetaDb.open(location, MetaDbOptions.builder().clock(root.clock()).build())) {
            rows = new Demo(metaDb, seed, root.now(), scale).run();
        }
        try (Connection c = location.engine().connect(location)) {
            DemoTarget.mark(location, c, seed, scale); // what a later --replace may delete without --force
        } catch (SQLException e) {
            throw new IllegalStateException("cannot mark " + location + " as demo data: " + location.engine().reason(e), e);
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        int total = rows.values().stream().mapToInt(Integer::intValue).sum();
        spec.commandLine().getOut().printf("wrote %,d rows to %s (%.1f MB) in %,d ms%n", total, location,
                location.engine().sizeBytes(location) / 1e6, ms);
        return 0;
    }

    /**
     * A file to write the demo to: absent, empty, or metadb's own and --replace given (and
     * --force if it holds rows demo did not write).
     */
    private void clearFile(Path db) throws IOException {
        if (Files.exists(db) && Files.size(db) > 0) {
            if (!replace && !force) {
                throw new BadInputException(db + " exists; pass --replace to overwrite it with demo data");
            }
            try {
                io.metadb.migrations.Migrations.requireMetadbOrAbsent(db); // another program's file is not ours to delete
            } catch (io.metadb.migrations.MigrationException e) {
                throw new BadInputException("--replace replaces only a metadb database: "
                        + e.getMessage().replaceFirst("^cannot migrate ", ""));
            }
            DemoTarget held;
            try (Connection c = io.metadb.core.SqliteFiles.open(db)) {
                held = DemoTarget.of(Location.of(db), c);
            } catch (SQLException e) {
                throw new IllegalStateException("cannot read " + db + ": " + io.metadb.core.SqliteFiles.reason(e), e);
            }
            checkDisposable(db.toString(), held);
            for (String suffix : new String[] {"", "-wal", "-shm"}) {
                Files.deleteIfExists(db.resolveSibling(db.getFileName() + suffix));
            }
        }
    }

    /**
     * Refuses to replace a database holding rows demo did not write unless {@code --force};
     * with it, says what is removed.
     */
    private void checkDisposable(String db, DemoTarget held) {
        if (held.disposable()) {
            return;
        }
        if (!force) {
            throw new BadInputException(db + " holds " + held.describe() + (held.demoRows() == null ? ", not demo data"
                    : ", not only the demo's") + "; pass --force to delete them");
        }
        spec.commandLine().getErr().println("metadb: removing " + db + ": " + held.describe());
    }

    /**
     * A PostgreSQL database holding metadb's tables is refused unless {@code --replace} (and
     * {@code --force} if they hold rows demo did not write); then
     * metadb's tables (and only they, with their Liquibase history) are dropped, in one
     * transaction, and the demo migrates it afresh.
     */
    private void clearPostgres(Location location) {
        try (Connection c = location.connect()) {
            List<String> ours = new ArrayList<>();
            for (Table<?> t : DefaultSchema.DEFAULT_SCHEMA.getTables()) {
                ours.add(t.getName());
            }
            ours.add("databasechangelog");
            ours.add("databasechangeloglock");
            List<String> present = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT table_name FROM information_schema.tables"
                    + " WHERE table_schema = current_schema() AND table_name = ANY (?)")) {
                ps.setArray(1, c.createArrayOf("text", ours.toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        present.add(rs.getString(1));
                    }
                }
            }
            if (present.isEmpty()) {
                return;
            }
            if (!replace && !force) {
                throw new BadInputException(location + " has metadb tables; pass --replace to drop them and write demo"
                        + " data");
            }
            checkDisposable(location.toString(), DemoTarget.of(location, c));
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                for (String t : present) {
                    s.execute("DROP TABLE " + io.metadb.core.Identifiers.quote(t));
                }
            }
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot clear " + location + ": " + PgDatabases.reason(e), e);
        }
    }

}
