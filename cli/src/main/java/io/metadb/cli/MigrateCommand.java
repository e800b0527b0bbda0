package io.metadb.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.metadb.core.BadInputException;
import io.metadb.core.Identifiers;
import io.metadb.core.Location;
import io.metadb.core.SqliteFiles;
import io.metadb.migrations.MigrationException;
import io.metadb.migrations.MigrationResult;
import io.metadb.migrations.MigrationStatus;
import io.metadb.migrations.Migrations;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code metadb migrate}: create or upgrade --db and say which it did; {@code --status} where
 * it stands (exit codes a CI branches on); {@code --dry-run} the pending changesets run on a
 * copy.
 */
@Command(name = "migrate", description = {"Create or upgrade the database to this metadb's schema; say what it did.",
    "--status: its version, the changesets pending, whether the recorded checksums match the released ones",
    "and objects the changelogs do not explain; exit 0 up to date, 3 pending, 1 drift or a mismatch.",
    "--dry-run: run the pending changesets on a copy and report; the database is not changed."},
        footer = {"", "Examples:", "  metadb --db meta.db migrate", "  metadb --db meta.db migrate --status",
            "  metadb --db meta.db migrate --dry-run"})
final class MigrateCommand extends RootSubcommand {
    /** {@code migrate --status}'s exit code when changesets are pending (0: up to date, 1: something wrong). */
    static final int EXIT_PENDING = 3;

    @Option(names = "--status", description = "say where the database stands; change nothing")
    boolean status;

    @Option(names = "--dry-run", description = "run the pending changesets on a copy; change nothing (SQLite)")
    boolean dryRun;

    @Option(names = "--json", description = "with --status: one JSON object")
    boolean json;

    @Override
    public Integer call() throws IOException {
        Location db = root.location();
        if (status && dryRun) {
            throw new BadInputException("migrate: --status or --dry-run, not both");
        }
        if (json && !status) {
            throw new BadInputException("migrate: --json goes with --status");
        }
        if (status) {
            return status(db);
        }
        if (dryRun) {
            return dryRun(db);
        }
        MigrationResult r = Migrations.apply(db);
        PrintWriter out = out();
        if (r.staleLockCleared()) {
            out.println("released a migration lock left by a killed process");
        }
        if (r.adopted()) {
            out.println("adopted " + db + " at schema version " + r.fromVersion());
        }
        out.println(said(db, r));
        return 0;
    }

    /** "created X at schema version 12 (57 changesets)", "upgraded X from ... to ...", "X is already at ...". */
    static String said(Location db, MigrationResult r) {
        String changesets = " (" + r.changesetsRun() + (r.changesetsRun() == 1 ? " changeset)" : " changesets)");
        if (r.fromVersion() == 0 && r.changesetsRun() > 0) {
            return "created " + db + " at schema version " + r.toVersion() + changesets;
        }
        if (r.fromVersion() != r.toVersion()) {
            return "upgraded " + db + " from schema version " + r.fromVersion() + " to " + r.toVersion() + changesets;
        }
        return db + " is already at schema version " + r.toVersion() + ": nothing to do";
    }

    private int status(Location db) throws IOException {
        MigrationStatus s = MigrationStatus.of(db);
        PrintWriter out = out();
        if (json) {
            ObjectMapper mapper = new ObjectMapper();
            ObjectNode o = mapper.createObjectNode();
            o.put("database", db.toString()).put("exists", s.exists()).put("schema_version", s.version())
                    .put("metadb_schema_version", s.head()).put("state", s.state().name().toLowerCase(java.util.Locale.ROOT))
                    .put("recorded_changesets", s.recorded());
            ArrayNode pending = o.putArray("pending");
            s.pending().forEach(p -> pending.addObject().put("id", p.id()).put("version", p.version()));
            s.mismatches().forEach(o.putArray("checksum_mismatches")::add);
            s.drift().forEach(o.putArray("drift")::add);
            out.println(mapper.writeValueAsString(o));
        } else {
            out.println(db + ": " + (s.exists() ? "schema version " + s.version() : "no database (migrate creates it)")
                    + "; this metadb's is " + s.head() + (s.version() > s.head() ? " (the file is newer: upgrade metadb)" : ""));
            out.println("pending: " + (s.pending().isEmpty() ? "none" : s.pending().size() + " changesets"));
            s.pending().forEach(p -> out.println("  v" + p.version() + "  " + p.id()));
            out.println("checksums: " + (s.recorded() == 0 ? "no history recorded"
                    : s.mismatches().isEmpty() ? "the " + s.recorded() + " recorded match the released ones"
                    : s.mismatches().size() + " do not match"));
            s.mismatches().forEach(m -> out.println("  " + m));
            out.println("drift: " + (s.drift().isEmpty() ? "none" : s.drift().size() + " objects the changelogs do not explain"));
            s.drift().forEach(d -> out.println("  " + d));
        }
        return switch (s.state()) {
            case UP_TO_DATE -> 0;
            case PENDING -> EXIT_PENDING;
            case WRONG -> Main.EXIT_FAILURE;
        };
    }

    /**
     * Copies the file (SQLite's VACUUM INTO, from a read-only connection: one consistent
     * commit), migrates the copy, reports what ran and deletes the copy.
     */
    private int dryRun(Location db) throws IOException {
        Path file = switch (db.engine()) {
            case SQLITE -> db.file();
            case POSTGRESQL -> throw new BadInputException("migrate --dry-run runs on a copy of a SQLite file; on"
                    + " PostgreSQL, migrate --status lists the changesets that would run");
        };
        Migrations.requireMetadbOrAbsent(file);
        Path scratch = Files.createTempDirectory("metadb-dry-run");
        Path copy = scratch.resolve("copy.db");
        try {
            if (Files.exists(file) && Files.size(file) > 0) {
                try (Connection c = SqliteFiles.openReadOnly(file); Statement s = c.createStatement()) {
                    s.execute("VACUUM INTO " + Identifiers.literal(copy.toString()));
                } catch (SQLException e) {
                    throw new IllegalStateException("migrate --dry-run: cannot copy " + file + ": " + SqliteFiles.reason(e), e);
                }
                SqliteFiles.tidy(file);
            }
            List<String> ran = new ArrayList<>();
            long start = System.nanoTime();
            MigrationResult r;
            try {
                r = Migrations.apply(copy, ran::add);
            } catch (MigrationException e) {
                throw new MigrationException("migrate --dry-run: on a copy, " + e.getMessage().replace(copy.toString(), "the copy")
                        + "; " + file + " was not changed", e);
            }
            long ms = (System.nanoTime() - start) / 1_000_000;
            String said = said(db, r).replaceFirst("^created", "would create").replaceFirst("^upgraded", "would upgrade");
            out().println(said + (ran.isEmpty() ? "" : ": ran on a copy in " + String.format("%,d", ms) + " ms")
                    + "; " + file + " was not changed");
            ran.forEach(id -> out().println("  " + id));
            return 0;
        } finally {
            try (var files = Files.list(scratch)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(scratch);
        }
    }
}
