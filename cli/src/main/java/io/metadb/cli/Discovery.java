package io.metadb.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * The file a running {@code metadb serve} leaves beside its database ({@code <db>-serve}),
 * readable by its owner only, so that a command on the same file can find it: port, pid and
 * the request token on the first line, then the address it listens on, the build it runs
 * (its class path: the launcher compares it with its own) and the commands it answers.
 * Plain lines, so that the bash launcher reads them with {@code read}, starting nothing.
 *
 * @param port the TCP port
 * @param pid the server's process id
 * @param token the secret every request carries
 * @param bind the address listened on
 * @param build the server's class path
 * @param commands the commands it answers, space-separated
 */
record Discovery(int port, long pid, String token, String bind, String build, String commands) {
    /** The discovery file of a database. */
    static Path fileOf(Path db) {
        Path abs = db.toAbsolutePath();
        return abs.resolveSibling(abs.getFileName() + "-serve");
    }

    /** The discovery file's content of a database, or null if there is none (or it is unreadable). */
    static Discovery read(Path db) {
        try {
            List<String> lines = Files.readAllLines(fileOf(db), StandardCharsets.UTF_8);
            String[] first = lines.get(0).split(" ");
            return new Discovery(Integer.parseInt(first[0]), Long.parseLong(first[1]), first[2], lines.get(1),
                    lines.get(2), lines.get(3));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Whether the process that wrote it is alive. */
    boolean alive() {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** Writes it, readable by the owner only, replacing any other atomically. */
    void write(Path db) throws IOException {
        Path file = fileOf(db);
        Path tmp = file.resolveSibling(file.getFileName() + "." + pid + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        String text = port + " " + pid + " " + token + "\n" + bind + "\n" + build + "\n" + commands + "\n";
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
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
}
