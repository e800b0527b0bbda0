package io.metadb.cli;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The file a running {@code metadb serve} leaves beside its database ({@code <db>-serve}),
 * readable by its owner only, so that a command on the same file can find it: port, pid, the
 * read token, the write token and the server's proof on the first line, then the address it listens on, the
 * build it runs (its class path: the launcher compares it with its own) and the commands it
 * answers. Plain lines, so that the bash launcher reads them with {@code read}, starting nothing.
 * <p>
 * Trust: a discovery file counts only if it is a regular file owned by this user that nobody
 * else may read or write ({@link #read} refuses any other, saying why in {@link #untrusted}),
 * and a process counts as its server only if it answers with the file's proof (a second secret
 * the server sends back, never asks for: whoever merely learnt the token, say a process that
 * took the port of a server that died, cannot show it). One server per database: it holds an
 * OS lock on {@code <db>-serve.lock} for its life, so two started at once cannot both serve,
 * and a server that does not answer (stopped, wedged) is still known by that lock.
 *
 * @param port the TCP port
 * @param pid the server's process id
 * @param token the read token: reports, queries, the dashboard
 * @param writeToken the write token: ingest, record, inserts, the OTLP receiver
 * @param proof the secret every answer to an authorised request carries
 * @param bind the address listened on
 * @param build the server's class path
 * @param commands the commands it answers, space-separated
 */
record Discovery(int port, long pid, String token, String writeToken, String proof, String bind, String build,
        String commands) {
    /** The response header carrying the server's proof. */
    static final String PROOF_HEADER = "X-Metadb-Proof";
    private static final Set<PosixFilePermission> OWNER_ONLY = EnumSet.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE);

    /** The discovery file of a database. */
    static Path fileOf(Path db) {
        Path abs = db.toAbsolutePath();
        return abs.resolveSibling(abs.getFileName() + "-serve");
    }

    /** The lock file a server holds for its life. */
    static Path lockOf(Path db) {
        Path abs = db.toAbsolutePath();
        return abs.resolveSibling(abs.getFileName() + "-serve.lock");
    }

    /** The discovery file's content of a database, or null if there is none or it is not to be trusted. */
    static Discovery read(Path db) {
        Path file = fileOf(db);
        if (untrusted(file) != null) {
            return null;
        }
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            String[] first = lines.get(0).split(" ");
            return new Discovery(Integer.parseInt(first[0]), Long.parseLong(first[1]), first[2], first[3], first[4],
                    lines.get(1), lines.get(2), lines.get(3));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Why {@code file} is not to be trusted as this user's own (null if it is, or is absent):
     * another user's, readable or writable by others, not a regular file.
     */
    static String untrusted(Path file) {
        PosixFileAttributes a;
        try {
            a = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (java.nio.file.NoSuchFileException e) {
            return null;
        } catch (IOException | UnsupportedOperationException e) {
            return "it cannot be read (" + e.getMessage() + ")";
        }
        if (!a.isRegularFile()) {
            return "it is not a regular file";
        }
        try {
            Object uid = Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            if (!uid.equals(myUid())) {
                return "it belongs to another user (" + a.owner().getName() + ")";
            }
        } catch (IOException | UnsupportedOperationException e) {
            return "its owner cannot be read (" + e.getMessage() + ")";
        }
        if (!OWNER_ONLY.containsAll(a.permissions())) {
            return "others may read or write it (" + PosixFilePermissions.toString(a.permissions()) + ")";
        }
        return null;
    }

    /** This process's user id (the owner of /proc/self). */
    private static Object myUid() throws IOException {
        return Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    }

    /** Whether the process that wrote it is alive. */
    boolean alive() {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /**
     * Takes the server lock of {@code db} for this process's life, or returns null if another
     * process holds it. The lock file is created owner-only; one of another user is refused.
     */
    static FileLock lock(Path db) throws IOException {
        Path file = lockOf(db);
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } catch (FileAlreadyExistsException e) {
            // kept from an earlier server: locks, not files, say who runs
        }
        String why = untrusted(file);
        if (why != null) {
            throw new IOException("cannot serve: " + file + " is not this user's own: " + why + "; remove it");
        }
        FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
        FileLock lock = channel.tryLock();
        if (lock == null) {
            channel.close();
        }
        return lock;
    }

    /**
     * The pid of the process holding the server lock of {@code db} (Linux's /proc/locks), or
     * -1 if nobody holds it, or 0 if it is held but the holder cannot be told.
     */
    static long lockHolder(Path db) {
        Path file = lockOf(db);
        Object inode;
        try {
            inode = Files.getAttribute(file, "unix:ino", LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | UnsupportedOperationException e) {
            return -1;
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc/locks"))) {
                String[] f = line.trim().split("\\s+");
                // "1: POSIX  ADVISORY  WRITE 3854 fe:00:2146447 0 EOF"
                if (f.length >= 6 && f[1].equals("POSIX") && f[5].endsWith(":" + inode)) {
                    return Long.parseLong(f[4]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        // Not listed: free, unless the lock cannot be seen here (then trying it tells).
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
            FileLock probe = channel.tryLock();
            if (probe != null) {
                probe.release();
                return -1;
            }
            return 0;
        } catch (IOException | java.nio.channels.OverlappingFileLockException e) {
            return 0;
        }
    }

    /** Writes it, readable by the owner only, replacing any other atomically. */
    void write(Path db) throws IOException {
        Path file = fileOf(db);
        Path tmp = file.resolveSibling(file.getFileName() + "." + pid + ".tmp");
        try {
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            String text = port + " " + pid + " " + token + " " + writeToken + " " + proof + "\n" + bind + "\n" + build + "\n"
                    + commands + "\n";
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            if (Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException(file + " is a directory; remove it");
            }
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp); // never a stray copy of the token
        }
    }

    /** Removes the file if it is still this server's. */
    void remove(Path db) {
        Discovery current = read(db);
        if (current != null && current.pid == pid && current.token.equals(token)) {
            try {
                Files.deleteIfExists(fileOf(db));
            } catch (IOException e) {
                // left behind: the next reader sees a dead pid and ignores it
            }
        }
    }

    /** Removes a stale file (its server is gone: nobody holds the lock). */
    static void removeStale(Path db) {
        try {
            Files.deleteIfExists(fileOf(db));
        } catch (IOException e) {
            // left: readers check the pid and the proof anyway
        }
    }
}
