package io.metadb.cli;

import io.metadb.dao.IdempotencyKey;
import io.metadb.dao.Ingested;
import io.metadb.dao.JsonIngest;
import io.metadb.dao.MetaDb;
import io.metadb.dao.MetaDbOptions;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The write commands' one path ({@code ingest}, {@code record}): rows validated whole, then
 * committed by a writer — the process's own, or, inside a server, the server's one writer
 * (group-committed with every other client's rows) — and answered only after the commit, in
 * the same words either way. Stateless.
 */
final class Appends {
    private Appends() {}

    /** What a write request asked for, as its idempotency key is bound to: the table and the input's bytes. */
    static MessageDigest newDigest(String table) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(table.getBytes(StandardCharsets.UTF_8));
            md.update((byte) '\n');
            return md;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    static String requestDigest(String table, byte[] input) {
        MessageDigest md = newDigest(table);
        md.update(input);
        return hex(md);
    }

    static String hex(MessageDigest md) {
        return HexFormat.of().formatHex(md.digest());
    }

    /**
     * Commits {@code rows} (under {@code key}, if given: a retry with the same key writes
     * nothing and is answered as the first) and prints the answer line.
     */
    static void write(MetadbCommand root, JsonIngest.Prepared rows, String digest, String key, PrintWriter out) {
        IdempotencyKey once = key == null ? null : IdempotencyKey.of(key, digest);
        Ingested done;
        long start = System.nanoTime();
        if (root.writes != null) {
            done = root.writes.writer().ingest(rows, once).join();
        } else {
            requireDatabase(root.location());
            try (MetaDb db = MetaDb.open(root.location(), MetaDbOptions.builder().clock(root.clock()).build())) {
                done = db.ingest(rows, once).join();
            }
        }
        if (root.debug) {
            root.err().printf("metadb: committed in %d ms%n", (System.nanoTime() - start) / 1_000_000);
        }
        out.println(answer(rows.table(), done));
        if (done.replayed()) {
            root.err().println("metadb: already written under idempotency key " + Output.printable(key)
                    + "; nothing written again");
        }
    }

    /**
     * A write needs a database that is there: a typo'd {@code --db} in a hook would otherwise
     * create a file (and its lock file) where nobody looks, and write there for ever. Refused
     * as the reports refuse it, naming {@code migrate}; nothing is created. (The Java API's
     * {@code MetaDb.open} still creates, as documented; a PostgreSQL database is there or the
     * connection says so.)
     */
    static void requireDatabase(io.metadb.core.Location location) {
        switch (location.engine()) {
            case SQLITE -> {
                if (!java.nio.file.Files.exists(location.file())) {
                    throw new IllegalStateException(CommandService.noDatabase(location.file()));
                }
            }
            case POSTGRESQL -> { }
        }
    }

    /**
     * The answer line of a write: rows written, counted as people read counts ("wrote 1 row",
     * "wrote 50,000 rows"), and their ids as the id column shows them (no separators).
     */
    static String answer(String table, Ingested done) {
        if (done.rows() == 0) {
            return "wrote 0 rows to " + table;
        }
        return done.rows() == 1 ? "wrote 1 row to " + table + " (id " + done.ids().first() + ")"
                : "wrote " + Output.grouped(Long.toString(done.rows())) + " rows to " + table + " (ids " + done.ids().first()
                        + ".." + done.ids().last() + ")";
    }
}
