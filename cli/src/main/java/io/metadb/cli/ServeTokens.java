package io.metadb.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

/**
 * A server's two secrets (docs/security.md): the read token (reports, {@code query}, the
 * dashboard) and the write token ({@code ingest}, {@code record}, {@code POST /TABLE/-/insert},
 * the OTLP receiver). Neither grants the other's requests. Kept owner-only in a file beside the
 * database ({@code <db>-serve.tokens}) or where {@code --token-file} says, so that a restarted
 * server for the same file keeps them: an agent's static configuration and a bookmarked
 * dashboard keep working. {@code serve --rotate-tokens} replaces them.
 *
 * The file also keeps the port the server last listened on: a restarted server takes it again
 * when it is free (and {@code --port} says nothing else), so a bookmarked dashboard still finds it.
 *
 * @param read the read token (hex)
 * @param write the write token (hex)
 * @param port the port last listened on, 0 if none yet
 */
record ServeTokens(String read, String write, int port) {
    /** The default token file of a database. */
    static Path defaultFile(Path db) {
        Path abs = db.toAbsolutePath();
        return abs.resolveSibling(abs.getFileName() + "-serve.tokens");
    }

    static ServeTokens fresh() {
        SecureRandom random = new SecureRandom();
        return new ServeTokens(secret(random), secret(random), 0);
    }

    private static String secret(SecureRandom random) {
        byte[] b = new byte[24];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /**
     * The tokens in {@code file}, made (owner-only) if it does not exist yet.
     *
     * @throws IOException if it cannot be read or made, or is not this user's own and private
     */
    static ServeTokens loadOrCreate(Path file) throws IOException {
        ServeTokens kept = read(file);
        if (kept != null) {
            return kept;
        }
        ServeTokens made = fresh();
        made.write(file, false);
        ServeTokens now = read(file); // two servers starting at once: the file that won
        if (now == null) {
            throw new IOException("cannot read back " + file);
        }
        return now;
    }

    /** The tokens in {@code file}, or null if there is none. */
    static ServeTokens read(Path file) throws IOException {
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        String why = Discovery.untrusted(file);
        if (why != null) {
            throw new IOException(file + " is not to be trusted as the server's token file: " + why + "; remove it");
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
        String read = null;
        String write = null;
        int port = 0;
        for (String line : lines) {
            if (line.startsWith("read ")) {
                read = line.substring(5).trim();
            } else if (line.startsWith("write ")) {
                write = line.substring(6).trim();
            } else if (line.matches("port \\d{1,5}")) {
                port = Integer.parseInt(line.substring(5));
            }
        }
        if (read == null || write == null || !read.matches("[0-9a-f]{32,}") || !write.matches("[0-9a-f]{32,}")
                || read.equals(write)) {
            throw new IOException(file + " does not hold a read and a write token (lines 'read HEX', 'write HEX');"
                    + " remove it, or make new ones with: metadb serve --rotate-tokens");
        }
        return new ServeTokens(read, write, port <= 65535 ? port : 0);
    }

    /** These tokens, with {@code port} as the last port listened on. */
    ServeTokens withPort(int port) {
        return new ServeTokens(read, write, port);
    }

    /**
     * Writes the tokens to {@code file}, owner-only; {@code replace}: over an existing file
     * (atomically), else only if there is none.
     */
    void write(Path file, boolean replace) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        try {
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, "# metadb serve's tokens for this database (docs/security.md); keep private\n"
                    + "read " + read + "\nwrite " + write + "\n" + (port > 0 ? "port " + port + "\n" : ""),
                    StandardCharsets.US_ASCII);
            if (replace) {
                try {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } else {
                try {
                    Files.createLink(file, tmp); // fails if another start made it first
                } catch (java.nio.file.FileAlreadyExistsException e) {
                    // theirs is the one
                }
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
