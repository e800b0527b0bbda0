package io.metadb.analytics;

import io.metadb.core.Location;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Where the rows of a report's run come from: a snapshot holding what the run reads, taken
 * when the run starts, closed by the caller once it ran. Whoever owns a source hands it to
 * {@link Reports#from}: a file's default is a fresh copy per run, PostgreSQL's is reading in
 * place, and a long-lived process (metadb serve) keeps copies between runs ({@link #kept}).
 * Implementations are thread-safe.
 */
public interface RowSource {
    /**
     * A snapshot holding what {@code reads} select, for the run of {@code what} (a report's or
     * a naming's name); the caller closes it.
     *
     * @throws Snapshot.SnapshotException if the database cannot be read
     */
    Snapshot snapshotFor(List<TableCopy> reads, String what);

    /**
     * The default for {@code db}: on a file, a copy of what each run reads; on PostgreSQL the
     * database read in place, inside one {@code REPEATABLE READ READ ONLY} transaction (chosen
     * against copying by measurement, {@code metadb bench reports --baseline}), but for the
     * runs named in {@link #COPIED_ON_POSTGRES}.
     */
    static RowSource of(Location db) {
        return switch (db.engine()) {
            case SQLITE -> {
                FileCopies.checkReadable(db.file()); // a missing file fails at Reports.open, not at its first run
                yield copying(db);
            }
            case POSTGRESQL -> new InPlace(db, COPIED_ON_POSTGRES);
        };
    }

    /**
     * Runs that copy what they read from PostgreSQL into memory and run on SQLite, instead of
     * reading in place. Measured with {@code metadb bench reports} at the live shape and at 10x
     * (docs/benchmarks.md): every report gives the same rows both ways and reads in place
     * faster, so none is copied today. A report whose PostgreSQL rendering ever differs from
     * SQLite's goes here.
     */
    Set<String> COPIED_ON_POSTGRES = Set.of();

    /** A fresh copy of what each run reads, on either engine. */
    static RowSource copying(Location db) {
        return (reads, what) -> Snapshot.copy(db, reads);
    }

    /**
     * Copies of the file {@code db} kept between runs, refreshed hour by hour as it changes
     * (see the class comment of the implementation); a run they cannot serve is copied as
     * {@link #copying} does. For one long-lived process per file: close it to free them.
     */
    static Kept kept(Path db) {
        return new ResidentCopies(db);
    }

    /** Copies kept between runs: how many runs they answered, and a close that frees them. */
    interface Kept extends RowSource, AutoCloseable {
        /** Runs answered from the kept copies (the others were copied afresh). */
        long answered();

        /** Read-only connections to the file kept for {@code query}'s statements ({@link QueryConnections}). */
        QueryConnections readers();

        @Override
        void close();
    }

    /** A PostgreSQL database read in place, but for the runs named in {@code copied}. */
    record InPlace(Location db, Set<String> copied) implements RowSource {
        @Override
        public Snapshot snapshotFor(List<TableCopy> reads, String what) {
            return copied.contains(what) ? Snapshot.copy(db, reads) : Snapshot.inPlace(db);
        }
    }
}
