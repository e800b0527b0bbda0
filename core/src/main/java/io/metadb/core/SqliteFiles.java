package io.metadb.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.conf.Settings;
import org.jooq.impl.DSL;
import org.sqlite.SQLiteConfig;

/**
 * The one place that knows how metadb opens a SQLite file: WAL, busy timeout, no
 * generated-key fetching, the pragmas that are SQLite-only by nature, and the jOOQ settings
 * every module uses. Public API of the lowest module that opens files (migrations, the
 * writer, snapshots and the CLI all do). Stateless and thread-safe.
 */
public final class SqliteFiles {
    /** Page cache of a connection, in KiB. */
    public static final int CACHE_KIB = 32 * 1024;

    /** Default time a connection waits on another process's lock before SQLITE_BUSY. */
    public static final int DEFAULT_BUSY_TIMEOUT_MS = 10_000;

    private SqliteFiles() {}

    /**
     * SQLite URI opening {@code file} read-only (for ATTACH and the backup API). The path is
     * a path: '%', '?' and '#' in it are escaped (unescaped they would end the path, and
     * SQLite would open, and create, some other file).
     *
     * <p>Read-only media: a reader of a WAL file needs its {@code -shm} beside it. Where that
     * cannot be created (a read-only directory or mount) and does not exist, and there is no
     * {@code -wal} with content (nothing was left unwritten to the file; no connection has it
     * open: a live one keeps a {@code -shm}), the file is opened {@code immutable}: read as it
     * is, without the log or locks. With a {@code -shm} present the normal read-only open is
     * used: SQLite then reads through it read-only.
     */
    public static String readOnlyUri(Path file) {
        boolean immutable = !directoryWritable(file) && !Files.exists(shmOf(file)) && !walHasContent(file);
        return "file:" + uriPath(file) + "?mode=ro" + (immutable ? "&immutable=1" : "");
    }

    /**
     * Whether SQLite's backup API can read {@code file}: not when it has a {@code -wal} whose
     * {@code -shm} this process cannot write (sqlite-jdbc's restore then retries for ever).
     */
    public static boolean backupCanRead(Path file) {
        if (!Files.exists(walOf(file))) {
            return true;
        }
        Path shm = shmOf(file);
        return Files.exists(shm) ? Files.isWritable(shm) : directoryWritable(file);
    }

    /**
     * Why {@code file} cannot be read here, or null if it can: a {@code -wal} holding writes
     * not yet in the file, with no {@code -shm} beside it and no way to create one.
     */
    public static String unreadableReason(Path file) {
        Path wal = walOf(file);
        if (walHasContent(file) && !Files.exists(shmOf(file)) && !directoryWritable(file)) {
            return file + " cannot be read here: its log " + wal.getFileName() + " holds writes not yet in the file,"
                    + " and SQLite needs " + shmOf(file).getFileName() + " beside it to read them, which cannot be"
                    + " created in a read-only directory (copy " + file.getFileName() + " and " + wal.getFileName()
                    + " to a writable directory and read the copy)";
        }
        return null;
    }

    /**
     * Why this process cannot write {@code file}, or null if it can (as far as permissions
     * and mounts say): a writer needs the file and its directory writable, since SQLite
     * creates {@code -wal} and {@code -shm} beside it.
     */
    public static String unwritableReason(Path file) {
        Path dir = file.toAbsolutePath().getParent();
        if (Files.exists(file) && !Files.isWritable(file)) {
            return "cannot write " + file + ": the file is read-only for this user (or on a read-only mount)";
        }
        if (dir != null && Files.isDirectory(dir) && !Files.isWritable(dir)) {
            return "cannot write " + file + ": its directory " + dir + " is read-only for this user (or on a read-only"
                    + " mount), and SQLite creates " + walOf(file).getFileName() + " and " + shmOf(file).getFileName()
                    + " beside the file";
        }
        return null;
    }

    /** The {@code -wal} file of a database. */
    public static Path walOf(Path file) {
        return file.resolveSibling(file.getFileName() + "-wal");
    }

    /** The {@code -shm} file of a database. */
    public static Path shmOf(Path file) {
        return file.resolveSibling(file.getFileName() + "-shm");
    }

    private static boolean walHasContent(Path file) {
        try {
            return Files.size(walOf(file)) > 0;
        } catch (java.io.IOException e) {
            return false; // absent
        }
    }

    private static boolean directoryWritable(Path file) {
        Path dir = file.toAbsolutePath().getParent();
        return dir != null && Files.isWritable(dir);
    }

    /** The absolute path as the path part of a SQLite URI (escaping what would end it). */
    private static String uriPath(Path file) {
        return file.toAbsolutePath().toString().replace("%", "%25").replace("?", "%3F").replace("#", "%23");
    }

    /**
     * JDBC URL of a file. A URI, so that a path is always a path: with a plain
     * {@code jdbc:sqlite:} path, sqlite-jdbc reads what follows a '?' in it as its own
     * settings ({@code live.db?cache_size=1} opened {@code live.db}).
     */
    public static String url(Path file) {
        return "jdbc:sqlite:file:" + uriPath(file);
    }

    /** Opens a read-write connection in WAL mode (creating the file if absent). */
    public static Connection open(Path file, int busyTimeoutMs, SQLiteConfig.SynchronousMode synchronous)
            throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setBusyTimeout(busyTimeoutMs);
        config.setSynchronous(synchronous);
        // One write connection per process keeps the WAL small between checkpoints; cap what
        // is left on disk after a checkpoint so that a burst does not leave a large file.
        config.setJournalSizeLimit(64 * 1024 * 1024);
        // A 32 MiB page cache (SQLite's default is 2 MiB) keeps the hot tables' index pages
        // in memory during bulk writes (ingest of 200k rows: ~25% faster, measured).
        config.setCacheSize(-CACHE_KIB);
        return connect(url(file), config);
    }

    /**
     * Opens {@code file} for a migration: as {@link #open(Path)}, with every transaction begun
     * {@code IMMEDIATE} (the write lock at once: a deferred one would fail with SQLITE_BUSY
     * when it upgrades to a write beside another writer).
     */
    public static Connection openForMigration(Path file) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setBusyTimeout(DEFAULT_BUSY_TIMEOUT_MS);
        config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        return connect(url(file), config);
    }

    /**
     * Connects with {@code config}, never fetching generated keys (sqlite-jdbc would after
     * every statement), through the driver itself (no DriverManager scan of the class path).
     */
    private static Connection connect(String jdbcUrl, SQLiteConfig config) throws SQLException {
        Properties props = config.toProperties();
        props.setProperty("jdbc.get_generated_keys", "false");
        return new org.sqlite.JDBC().connect(jdbcUrl, props);
    }

    /** Opens a read-write connection with the defaults. */
    public static Connection open(Path file) throws SQLException {
        return open(file, DEFAULT_BUSY_TIMEOUT_MS, SQLiteConfig.SynchronousMode.NORMAL);
    }

    /**
     * Opens {@code file} for reading through {@link #readOnlyUri} (SQLite refuses writes to
     * it and never creates it), with the busy timeout and page cache of every metadb
     * connection. The connection itself is read-write, so that in-memory databases attached
     * to it can be written.
     */
    public static Connection openReadOnly(Path file) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout(DEFAULT_BUSY_TIMEOUT_MS);
        config.setCacheSize(-CACHE_KIB);
        return connect("jdbc:sqlite:" + readOnlyUri(file), config);
    }

    /**
     * The longest string or blob a statement of {@code query} builds ({@code SQLITE_LIMIT_LENGTH}):
     * SQLite sees an interrupt (the time limit) only between its steps, and one step may build
     * one value ({@code printf('%.*c', 999999999, 'x')}: 30 s, 1 GB). At this length a step
     * takes ~15 ms; a stored value is at most 1 MiB (a payload's bound).
     */
    public static final int MAX_VALUE_BYTES = 2 * 1024 * 1024;
    /** The most columns a statement of {@code query} returns or a function takes: what one row can hold at once. */
    public static final int MAX_RESULT_COLUMNS = 64;
    public static final int MAX_FUNCTION_ARGS = 32;

    /** The limits {@link #boundUserStatements} sets, in the order of {@link #USER_STATEMENT_BOUNDS}. */
    private static final org.sqlite.SQLiteLimits[] USER_STATEMENT_LIMITS = {org.sqlite.SQLiteLimits.SQLITE_LIMIT_LENGTH,
        org.sqlite.SQLiteLimits.SQLITE_LIMIT_COLUMN, org.sqlite.SQLiteLimits.SQLITE_LIMIT_FUNCTION_ARG};
    private static final int[] USER_STATEMENT_BOUNDS = {MAX_VALUE_BYTES, MAX_RESULT_COLUMNS, MAX_FUNCTION_ARGS};

    /** Bounds set by {@link #boundUserStatements}, and what they replaced. */
    public record Bounds(Connection connection, int[] previous) {
        /** Puts back the connection's own limits (a snapshot's connection is left as it was given). */
        public void restore() throws SQLException {
            setLimits(connection, previous);
        }
    }

    /** Sets {@link #USER_STATEMENT_LIMITS} to {@code values}; returns the values they had. */
    private static int[] setLimits(Connection c, int[] values) throws SQLException {
        org.sqlite.core.DB db = c.unwrap(org.sqlite.SQLiteConnection.class).getDatabase();
        int[] previous = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            previous[i] = db.limit(USER_STATEMENT_LIMITS[i].getId(), values[i]);
        }
        return previous;
    }

    /**
     * Bounds what one statement written by a user can build on {@code c} ({@code sqlite3_limit}):
     * a value at most {@link #MAX_VALUE_BYTES}, a row at most {@link #MAX_RESULT_COLUMNS} values,
     * a function at most {@link #MAX_FUNCTION_ARGS} arguments; so SQLite's memory for one such
     * statement stays within about (64 + 32) x 2 MiB, and every step within a few ms. (SQLite's
     * own heap limit, {@code PRAGMA hard_heap_limit}, is no bound here: sqlite-jdbc's build keeps
     * no memory statistics, SQLITE_DEFAULT_MEMSTATUS=0, and then SQLite ignores the limit.)
     */
    public static Bounds boundUserStatements(Connection c) throws SQLException {
        return new Bounds(c, setLimits(c, USER_STATEMENT_BOUNDS));
    }

    /**
     * A new, empty in-memory database (snapshots copy into one). The driver is called
     * directly: DriverManager would first scan every jar for drivers, at a cost an
     * operator's report pays at start-up.
     */
    public static Connection memory() throws SQLException {
        return new org.sqlite.JDBC().connect("jdbc:sqlite::memory:", new Properties());
    }

    /**
     * Leaves no {@code -wal}/{@code -shm} behind a reader: a read-only connection (a snapshot's)
     * cannot remove them when it closes, so this opens a read-write connection, reads, and
     * closes it. SQLite then checkpoints and removes both if no other connection has the file
     * open, and leaves them (as it must) if one has. Best effort: on read-only media, or if
     * the files are absent, it does nothing.
     */
    public static void tidy(Path file) {
        Path wal = walOf(file);
        Path shm = shmOf(file);
        if (!java.nio.file.Files.exists(wal) && !java.nio.file.Files.exists(shm)) {
            return;
        }
        if (!java.nio.file.Files.isRegularFile(file) || !java.nio.file.Files.isWritable(file)
                || file.toAbsolutePath().getParent() == null
                || !java.nio.file.Files.isWritable(file.toAbsolutePath().getParent())) {
            return;
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout(0);
        config.resetOpenMode(org.sqlite.SQLiteOpenMode.CREATE); // never creates the file
        try (Connection c = connect(url(file), config);
             java.sql.Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SELECT count(*) FROM sqlite_master")) {
            rs.next();
        } catch (SQLException e) {
            // best effort: the files stay, as they would have
        }
    }

    /**
     * SQLite's own words for a failure, for a one-line error: the innermost SQLException's
     * message without sqlite-jdbc's {@code [SQLITE_CORRUPT] The database disk image is
     * malformed (...)} wrapper, and never jOOQ's {@code SQL [statement]} prefix.
     */
    public static String reason(Throwable e) {
        Throwable sql = null;
        for (Throwable t = e; t != null && t != sql; t = t.getCause()) {
            if (t instanceof SQLException) {
                sql = t;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        String message = String.valueOf((sql != null ? sql : e).getMessage());
        int at = message.indexOf(" (");
        if (message.startsWith("[SQLITE_") && at >= 0 && message.endsWith(")")) {
            return message.substring(at + 2, message.length() - 1);
        }
        return message.lines().findFirst().orElse(message);
    }

    /**
     * Whether {@code e} (or a cause) is {@code SQLITE_BUSY} or {@code SQLITE_LOCKED}: another
     * connection holds the lock, and a wait may succeed.
     */
    public static boolean isBusy(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof org.sqlite.SQLiteException se) {
                int primary = se.getResultCode().code & 0xff;
                return primary == 5 || primary == 6;
            }
        }
        return false;
    }

    /** jOOQ over one connection, with the settings every metadb module uses. */
    public static DSLContext dsl(Connection connection) {
        return DSL.using(connection, SQLDialect.SQLITE, settings());
    }

    /** The jOOQ settings every metadb module uses (a new, mutable instance). */
    public static Settings settings() {
        QuietJooq.ensure(); // before jOOQ's first statement, which would print its banner
        return new Settings().withExecuteLogging(false).withRenderSchema(false).withDiagnosticsLogging(false);
    }
}
