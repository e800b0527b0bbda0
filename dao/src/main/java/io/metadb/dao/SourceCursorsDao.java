package io.metadb.dao;

import io.metadb.core.BadInputException;
import static io.metadb.generated.Tables.SOURCE_CURSORS;

import io.metadb.dao.internal.Writer;
import io.metadb.core.Location;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Source cursors: where each message source has read up to. {@link #advance} is a
 * compare-and-set inside the writer's transaction, so a stale cursor never overwrites a
 * newer one, whichever process writes. Thread-safe.
 */
public final class SourceCursorsDao {
    private final Location db;
    private final Writer writer;
    private final Clock clock;

    SourceCursorsDao(Location db, Writer writer, Clock clock) {
        this.db = db;
        this.writer = writer;
        this.clock = clock;
    }

    /** The committed cursor of {@code source}, read on a short-lived connection. */
    public Optional<String> get(String source) {
        try (Connection c = db.engine().connect(db)) {
            return Optional.ofNullable(db.engine().dsl(c).select(SOURCE_CURSORS.CURSOR).from(SOURCE_CURSORS)
                    .where(SOURCE_CURSORS.SOURCE.eq(source)).fetchOne(SOURCE_CURSORS.CURSOR));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read cursor of " + source + " from " + db + ": " + e.getMessage(), e);
        }
    }

    /**
     * Moves {@code source}'s cursor from {@code expected} (null: the source has none yet)
     * to {@code next}.
     *
     * @return a future yielding true if it moved, false if the cursor was not {@code expected}
     */
    public CompletableFuture<Boolean> advance(String source, String expected, String next) {
        if (source == null || source.isEmpty()) {
            throw new BadInputException("source_cursors.source: missing");
        }
        if (next == null) {
            throw new BadInputException("source_cursors.cursor: missing");
        }
        Instant now = clock.instant();
        return writer.submit(tx -> {
            if (expected == null) {
                return tx.dsl().insertInto(SOURCE_CURSORS, SOURCE_CURSORS.SOURCE, SOURCE_CURSORS.CURSOR,
                                SOURCE_CURSORS.UPDATED_TS)
                        .values(source, next, now)
                        .onConflictDoNothing()
                        .execute() == 1;
            }
            return tx.dsl().update(SOURCE_CURSORS)
                    .set(SOURCE_CURSORS.CURSOR, next)
                    .set(SOURCE_CURSORS.UPDATED_TS, now)
                    .where(SOURCE_CURSORS.SOURCE.eq(source).and(SOURCE_CURSORS.CURSOR.eq(expected)))
                    .execute() == 1;
        });
    }
}
