package io.metadb.analytics;

import static io.metadb.analytics.HourFingerprints.hourOf;
import static io.metadb.analytics.HourFingerprints.hoursOf;

import io.metadb.analytics.HourFingerprints.Fingerprint;
import io.metadb.analytics.HourFingerprints.Hours;
import io.metadb.analytics.Snapshot.SnapshotException;
import io.metadb.core.Location;
import io.metadb.core.SqliteFiles;
import io.metadb.generated.envelope.Envelope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The in-memory copies of one file's tables, kept between reports by a process that answers
 * many of them (metadb serve), so that a report no longer copies its whole window from the
 * file each time: each report still runs on an in-memory copy (SPEC section 4) that holds
 * what it reads as of one read transaction taken when it started, but only what changed
 * since the last report is copied again.
 *
 * <p>How a copy is kept current. The rows of a JSON-row table are appended and deleted (by
 * retention), never updated (SPEC section 3), and their ids are never reused. A windowed
 * copy ({@link TableCopy#window()}) is kept by UTC hour of ts. Statements over the file's ts
 * index (which holds ts and id: no table row is read) give the row count, sum of ids and sum
 * of squared ids of the window's hours, compared with those of the rows held as one range
 * first and halved only where they differ; an hour whose three numbers differ (or that is
 * not held) is copied again whole.
 * A row written late into an old hour (ids leased by another process, a backdated ingest),
 * a deleted row, a file replaced: each changes its hour's numbers. Hours are text ranges of
 * ts ({@code "…T13:00:00.000Z" <= ts < "…T14:00:00.000Z"}), the same comparison a report's
 * window makes, so whatever the report's window selects in the file is in a checked hour.
 * A table read otherwise ({@code events} with its pending rows, the cursors, the rollups,
 * {@code meta}: among them the ones updated in place) is copied whole for every report if
 * it has at most {@link #WHOLE_ROWS} rows. A report reading anything else (a big table's
 * latest rows, one agent's rows) is copied as before ({@link #take} answers null), and so
 * is a report that finds the copies in use by another. Thread-safe: one report at a time holds the copies (a lock, never waited for).
 *
 * <p>What a report sees. A windowed table holds every hour some report's window checked,
 * those of this report's window checked now; reports filter their window themselves (each
 * gives the same rows on a copy of every row, {@code ReportCopiesTest}), so older hours do
 * no harm. Rows are kept in (ts, id) order, the order of a fresh copy of a window (read
 * through the ts index), so sums of floating-point values add in the same order and print
 * the same digits. Only the columns some report read are held (a report reading one more
 * has the table copied again with it). At most {@link #MAX_ROWS} rows are held: hours no
 * current report needs are dropped first; a report needing more is copied as before.
 */
final class ResidentCopies implements RowSource.Kept {
    /** Tables with at most this many rows in the file are copied whole for every report. */
    static final long WHOLE_ROWS = 10_000;
    /** Rows held at most (about 100 to 150 bytes a row in memory). */
    static final long MAX_ROWS = 2_000_000;
    /** A window of more hours than this (92 days) is copied as before. */
    static final long MAX_HOURS = 92 * 24;

    /** Every windowed table's id and ts columns (quoted), and the condition selecting one range of hours. */
    static final String ID = HeldTables.quoted(Envelope.ID);
    static final String TS = HeldTables.quoted(Envelope.TS);
    static final String HOURS = " WHERE " + TS + " >= ? AND " + TS + " < ?";

    private final Path db;
    private final Location location;
    /**
     * Held while a report runs on the copies: a permit, not a thread's lock, since the snapshot
     * that releases it may be closed on any thread (a ReentrantLock released there threw, and
     * stayed held for good).
     */
    private final java.util.concurrent.Semaphore inUse = new java.util.concurrent.Semaphore(1);
    private final AtomicLong answered = new AtomicLong();
    private volatile boolean closed;
    private long wholeRows = WHOLE_ROWS;
    private long maxRows = MAX_ROWS;
    private Connection memory;
    /** The file the copies were taken from ({@link #fileKey()}): another file, other copies. */
    private Object fileKey;
    /** Windowed tables: the hours held, by table name. */
    private Map<String, Hours> windowed = new HashMap<>();

    /** Copies of {@code db}, kept by whoever holds this (see {@link RowSource#kept}). */
    ResidentCopies(Path db) {
        this.db = db.toAbsolutePath().normalize();
        this.location = Location.of(this.db);
        this.readers = new QueryConnections(this.db, KEPT_READERS);
    }

    /** Idle connections kept for {@code query}: as many as statements users wrote may run at once in a server. */
    static final int KEPT_READERS = 2;
    private final QueryConnections readers;

    @Override
    public QueryConnections readers() {
        return readers;
    }

    @Override
    public Snapshot snapshotFor(List<TableCopy> reads, String what) {
        Snapshot kept = take(reads);
        return kept != null ? kept : Snapshot.copy(location, reads);
    }

    /** Other bounds than {@link #WHOLE_ROWS} and {@link #MAX_ROWS} (for tests); returns this. */
    ResidentCopies limits(long wholeRows, long maxRows) {
        inUse.acquireUninterruptibly();
        try {
            this.wholeRows = wholeRows;
            this.maxRows = maxRows;
            return this;
        } finally {
            inUse.release();
        }
    }

    /** Reports answered from these copies (the others were copied as before). */
    @Override
    public long answered() {
        return answered.get();
    }

    /**
     * A snapshot holding what {@code copies} select as of now, over the kept copies brought up
     * to date, to close once the report ran (the next report may then use the copies); or
     * null if the copies cannot serve them (see the class comment) or another report is using
     * them: the caller copies as usual.
     *
     * @throws SnapshotException as a fresh copy would (a file missing, of another version)
     */
    Snapshot take(List<TableCopy> copies) {
        if (!inUse.tryAcquire()) {
            return null; // another report (or one further up this thread) runs on them
        }
        if (closed) {
            inUse.release();
            return null;
        }
        try {
            Snapshot s = refresh(copies);
            if (s == null) {
                inUse.release();
            } else {
                answered.incrementAndGet();
            }
            return s;
        } catch (RuntimeException | Error e) {
            inUse.release();
            throw e;
        }
    }

    private Snapshot refresh(List<TableCopy> copies) {
        FileCopies.checkDistinct(copies);
        FileCopies.checkReadable(db); // the same one line as a fresh copy
        try {
            Object key = fileKey();
            if (!key.equals(fileKey)) {
                reset();
                fileKey = key;
            }
            if (memory == null) {
                memory = SqliteFiles.memory();
            }
            Map<String, Long> rows = new HashMap<>();
            Map<String, Long> later = new HashMap<>();
            Map<String, Hours> before = new HashMap<>();
            windowed.forEach((k, v) -> before.put(k, v.copy()));
            boolean served = false;
            try (Statement s = memory.createStatement()) {
                FileCopies.attachSource(s, db);
                try {
                    s.execute("BEGIN");
                    try {
                        served = bringUpToDate(copies, rows, later);
                    } finally {
                        s.execute(served ? "COMMIT" : "ROLLBACK");
                    }
                } finally {
                    if (!served) {
                        windowed = before;
                    }
                    s.execute("DETACH DATABASE src");
                }
            }
            SqliteFiles.tidy(db);
            return served ? Snapshot.resident(location, memory, inUse::release, copies, rows, later) : null;
        } catch (SQLException | IOException e) {
            reset(); // a failure half-way through: start again from nothing next time
            throw new SnapshotException("cannot snapshot " + db + ": " + SqliteFiles.reason(e), e);
        } catch (RuntimeException e) {
            reset();
            throw e;
        }
    }

    /**
     * Inside the read transaction: checks the version, counts the file's rows of each table
     * (and those after a copy's {@link TableCopy#countedUpTo}),
     * and brings each table's copy up to date; false (and nothing to keep) if a copy asks
     * what these copies cannot hold.
     */
    private boolean bringUpToDate(List<TableCopy> copies, Map<String, Long> rows, Map<String, Long> later)
            throws SQLException {
        Snapshot.checkVersion(memory, "src", location);
        List<TableCopy> all = FileCopies.withMeta(copies);
        rows.putAll(FileCopies.counts(FileCopies.sourceDsl(memory), all, FileCopies::inSource));
        later.putAll(FileCopies.later(FileCopies.sourceDsl(memory), all, FileCopies::inSource));
        List<TableCopy> hourly = new ArrayList<>();
        List<TableCopy> wholly = new ArrayList<>();
        for (TableCopy t : all) {
            if (t.window() != null && hoursOf(t.window()) <= MAX_HOURS) {
                hourly.add(t);
            } else if (rows.get(t.table().getName()) <= wholeRows) {
                wholly.add(t);
            } else {
                return false;
            }
        }
        for (TableCopy t : wholly) {
            HeldTables.copyWhole(memory, windowed, t.table());
        }
        // A table held without a column this report reads is copied again with it (and the
        // columns it had): only columns some report read are held, for memory and speed.
        Map<String, List<String>> columns = new HashMap<>();
        for (TableCopy t : hourly) {
            String name = t.table().getName();
            Hours h = windowed.get(name);
            Set<String> wanted = new HashSet<>(HeldTables.quoted(t.columns()));
            wanted.addAll(List.of(ID, TS));
            if (h != null && !h.columns.containsAll(wanted)) {
                wanted.addAll(h.columns);
                HeldTables.dropTable(memory, name);
                windowed.remove(name);
            }
            List<String> inOrder = new ArrayList<>(HeldTables.quoted(TableCopy.of(t.table()).columns()));
            inOrder.retainAll(wanted);
            columns.put(name, inOrder);
        }
        // Each table's changed hours, and every hour this report needs (kept if hours must go).
        Map<String, Map<Instant, Fingerprint>> changed = new HashMap<>();
        Map<String, Set<Instant>> needed = new HashMap<>();
        long neededRows = 0;
        for (TableCopy t : hourly) {
            String name = t.table().getName();
            Hours h = windowed.get(name);
            Map<Instant, Fingerprint> c = HourFingerprints.changed(memory, t, h);
            changed.computeIfAbsent(name, k -> new HashMap<>()).putAll(c);
            Set<Instant> mine = needed.computeIfAbsent(name, k -> new HashSet<>());
            for (Instant hour = hourOf(t.window().since()); !hour.isAfter(t.window().until()); hour = hour.plus(Duration.ofHours(1))) {
                if (mine.add(hour)) {
                    Fingerprint f = c.containsKey(hour) ? c.get(hour) : h.held.get(hour);
                    neededRows += f.rows();
                }
            }
        }
        if (neededRows > maxRows) {
            return false;
        }
        long held = windowed.values().stream().mapToLong(Hours::rows).sum();
        if (held + neededRows > maxRows) {
            HeldTables.dropHoursBut(memory, windowed, needed);
        }
        for (TableCopy t : hourly) {
            HeldTables.update(memory, windowed, t.table(), columns.get(t.table().getName()), changed.get(t.table().getName()));
        }
        return true;
    }

    /**
     * The file's identity: its inode, and its birth time where the file system keeps one (a
     * replaced file may get the inode just freed). Where it does not, the JDK answers the last
     * modification time, which changes at every write: then the inode alone (a replaced file's
     * rows differ in the hours' fingerprints anyway).
     */
    private Object fileKey() throws IOException {
        BasicFileAttributes a = Files.readAttributes(db, BasicFileAttributes.class);
        boolean born = !a.creationTime().equals(a.lastModifiedTime());
        return Arrays.asList(String.valueOf(a.fileKey()), born ? a.creationTime() : null);
    }

    /** Forgets every copy. */
    private void reset() {
        windowed = new HashMap<>();
        fileKey = null;
        if (memory != null) {
            try {
                memory.close();
            } catch (SQLException ignored) {
                // an in-memory database: closing frees it either way
            }
            memory = null;
        }
    }

    /**
     * Stops keeping copies of this file and frees them, once a report running on them ended
     * (its time limit bounds that; after a minute they are left to the process's exit).
     */
    @Override
    public void close() {
        closed = true;
        readers.close();
        try {
            if (inUse.tryAcquire(1, TimeUnit.MINUTES)) {
                try {
                    reset();
                } finally {
                    inUse.release();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
