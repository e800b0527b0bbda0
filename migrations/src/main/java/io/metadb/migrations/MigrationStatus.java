package io.metadb.migrations;

import io.metadb.core.Location;
import io.metadb.migrations.internal.StatusCheck;
import java.util.List;

/**
 * Where a database stands against this metadb's changelog, read without changing it (what
 * {@code metadb migrate --status} prints; Liquibase's {@code status} and {@code validate},
 * Flyway's {@code info} and {@code validate} are the anchors).
 *
 * @param exists whether there is a database (a missing file: everything is pending)
 * @param version its {@code meta.schema_version} (0 for none)
 * @param head the schema version this metadb reads and writes
 * @param recorded changesets its Liquibase history records as run (0 without a history)
 * @param pending changesets {@code migrate} would run, in order
 * @param mismatches recorded changesets whose checksum is not the released one, or that
 *     metadb's changelog does not have, one line each
 * @param drift tables and indexes the changesets run do not explain, or that they made and
 *     are gone, one line each ("table x: not made by metadb's changesets")
 */
public record MigrationStatus(boolean exists, int version, int head, int recorded, List<Pending> pending,
        List<String> mismatches, List<String> drift) {
    /** A changeset {@code migrate} would run, and the schema version it belongs to. */
    public record Pending(String id, int version) {}

    /** What a CI can branch on: up to date, changesets pending, or something wrong. */
    public enum State {
        /** At this metadb's version, history and objects as the changelog made them. */
        UP_TO_DATE,
        /** Changesets pending, nothing wrong. */
        PENDING,
        /** Drift, a checksum mismatch, or a schema newer than this metadb's. */
        WRONG
    }

    public MigrationStatus {
        pending = List.copyOf(pending);
        mismatches = List.copyOf(mismatches);
        drift = List.copyOf(drift);
    }

    /**
     * Reads {@code db}'s status: its version, history and objects (read-only: nothing is
     * written, no lock is taken).
     *
     * @throws MigrationException if it cannot be read, or is not a metadb database
     */
    public static MigrationStatus of(Location db) {
        return StatusCheck.of(db);
    }

    public State state() {
        if (!mismatches.isEmpty() || !drift.isEmpty() || version > head) {
            return State.WRONG;
        }
        return pending.isEmpty() ? State.UP_TO_DATE : State.PENDING;
    }
}
