package io.metadb.dao;

import io.metadb.dao.internal.JsonTables;
import io.metadb.dao.internal.Writer;
import io.metadb.payload.Payload;
import io.metadb.migrations.Migrations;
import io.metadb.core.Location;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * A process's handle on a {@code meta.db}: migrates the file on open, then owns its one
 * writer (thread + connection) until {@link #close()}. Open one per file per process and
 * share it; it is thread-safe. A JVM shutdown hook drains it if the caller forgets.
 *
 * <p>Write futures complete on the writer thread: a callback chained with {@code thenApply}
 * or {@code thenAccept} runs there and delays every other write, so do not block in one
 * (wait for another write with {@code join()} there and the writer waits for itself). Use
 * the {@code *Async} variants for anything slow.
 *
 * <pre>{@code
 * try (MetaDb db = MetaDb.open(Path.of("meta.db"))) {
 *     db.dao(Tick.class).record(new Tick("agent8", "heartbeat", "ok", 12));
 * }
 * }</pre>
 */
public final class MetaDb implements AutoCloseable {
    private final Location location;
    private final MetaDbOptions options;
    private final Writer writer;
    private final ConcurrentMap<Class<?>, JsonRowDao<?>> daos = new ConcurrentHashMap<>();
    private final EventsDao events;
    private final SourceCursorsDao cursors;
    private final Thread shutdownHook;

    private MetaDb(Location location, MetaDbOptions options, Writer writer) {
        this.location = location;
        this.options = options;
        this.writer = writer;
        this.events = new EventsDao(writer, options.clock());
        this.cursors = new SourceCursorsDao(location, writer, options.clock());
        this.shutdownHook = new Thread(writer::close, "metadb-shutdown " + location.engine().label(location));
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Opens (creating or migrating) {@code path} with default options. */
    public static MetaDb open(Path path) {
        return open(path, MetaDbOptions.defaults());
    }

    /**
     * Opens (creating or migrating) {@code path}.
     *
     * @throws io.metadb.migrations.SchemaTooNewException if the file is newer than this library
     * @throws io.metadb.migrations.MigrationException if it cannot be migrated
     */
    public static MetaDb open(Path path, MetaDbOptions options) {
        return open(Location.of(path), options);
    }

    /**
     * Opens a SQLite file or a PostgreSQL database, as {@code --db} names it: a path, or
     * {@code postgresql://user@host:port/db} / {@code jdbc:postgresql://…} (see {@link Location}).
     */
    public static MetaDb open(String pathOrUrl) {
        return open(Location.parse(pathOrUrl), MetaDbOptions.defaults());
    }

    /**
     * Opens (creating or migrating) the database at {@code location}. On PostgreSQL the
     * writer's connection is re-opened when the server drops it; a write waits up to
     * {@link MetaDbOptions#busyTimeoutMs()} for the server to come back, then fails with
     * {@link MetaDbUnavailableException}.
     */
    public static MetaDb open(Location location, MetaDbOptions options) {
        Migrations.apply(location);
        Writer writer = new Writer(location, options);
        try {
            return new MetaDb(location, options, writer);
        } catch (IllegalStateException e) {
            // The JVM is shutting down (no shutdown hook can be added): nothing may be left running.
            writer.close();
            throw new IllegalStateException("cannot open " + location + ": " + e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            writer.close();
            throw e;
        }
    }

    /** The DAO of the JSON-row table whose payload record is {@code type}. */
    @SuppressWarnings("unchecked")
    public <P extends Payload> JsonRowDao<P> dao(Class<P> type) {
        return (JsonRowDao<P>) daos.computeIfAbsent(type,
                t -> new JsonRowDao<P>(JsonTables.byType(t), writer, options.clock()));
    }

    /** The delivery outbox. */
    public EventsDao events() {
        return events;
    }

    /** Source cursors. */
    public SourceCursorsDao sourceCursors() {
        return cursors;
    }

    /** Writes rows validated by {@link JsonIngest#prepare} in one transaction. */
    public CompletableFuture<IdRange> ingest(JsonIngest.Prepared rows) {
        return writer.insert(rows.table, rows.ts, rows.json);
    }

    /**
     * Writes rows validated by {@link JsonIngest#prepare} in one transaction, under an
     * idempotency key (null: none). The key commits with the rows; a later write under the
     * same key and request writes nothing and completes with the first write's ids and
     * {@link Ingested#replayed()} true; under the same key with another request it fails with
     * {@link IdempotencyKey.ReusedException}. Keys are kept until
     * {@link #forgetIdempotencyKeys} removes them.
     */
    public CompletableFuture<Ingested> ingest(JsonIngest.Prepared rows, IdempotencyKey key) {
        return writer.insert(rows.table, rows.ts, rows.json, key);
    }

    /**
     * Forgets the idempotency keys committed more than {@code age} ago (a repeat of one of
     * them writes again); completes with how many were removed.
     */
    public CompletableFuture<Integer> forgetIdempotencyKeys(java.time.Duration age) {
        java.time.Instant before = java.time.Instant.now().minus(age);
        return writer.submit(tx -> io.metadb.dao.internal.IdempotencyKeys.forget(tx.dsl(), before));
    }

    /**
     * Waits until every write queued before this call has committed (or failed).
     *
     * @throws IllegalStateException if called in a write's callback on the writer thread,
     *     where it would wait for itself
     */
    public void flush() {
        if (writer.onWriterThread()) {
            throw new IllegalStateException("flush() in a write's callback on the metadb writer thread would wait"
                    + " for ever; use an *Async callback");
        }
        writer.barrier().join();
    }

    /**
     * The file.
     *
     * @throws IllegalStateException on PostgreSQL (see {@link #location()})
     */
    public Path path() {
        return location.file();
    }

    /** Where the database is: a file or a PostgreSQL database. */
    public Location location() {
        return location;
    }

    /** Transactions committed by this handle (for benchmarks and tests). */
    public long commits() {
        return writer.commits();
    }

    /** Times the writer re-opened its PostgreSQL connection after losing it (for tests). */
    public long reconnects() {
        return writer.reconnects();
    }

    /** Id blocks leased by this handle (for benchmarks and tests). */
    public long idLeases() {
        return writer.leaseCount();
    }

    Writer writer() {
        return writer;
    }

    /**
     * Commits everything queued, checkpoints the WAL and closes the connection; later writes
     * fail. Safe from any thread, from several at once, from an interrupted thread and from a
     * write's callback (which returns at once; the writer finishes after that batch).
     */
    @Override
    public void close() {
        writer.close();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // already shutting down: the hook runs close() again, which is a no-op
        }
    }
}
