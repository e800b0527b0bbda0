package io.metadb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.metadb.dao.MetaDb;
import io.metadb.payload.Tick;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10 §5, with real processes and real permissions: an operator reading an archived or
 * mounted copy gets the report, or one true line; a write to a read-only file is one line.
 * The files are made read-only with chmod; as root (whom permissions do not stop) the
 * command runs as {@code nobody} through runuser, as an operator without write access would.
 */
class ReadOnlyMediaTest {
    private static final String NOW = "2026-04-20T12:00:00.000Z";
    private static final long HANG_S = 60;

    @TempDir
    static Path shared;

    /** The test class path, copied where {@code nobody} can read it. */
    private static String classPath;
    private static boolean root;

    private record Run(int code, String out, String err) {}

    @BeforeAll
    static void readableClassPath() throws Exception {
        root = "root".equals(System.getProperty("user.name"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path cp = Files.createDirectories(shared.resolve("cp"));
        List<String> entries = new ArrayList<>();
        int i = 0;
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path from = Path.of(entry);
            if (!Files.exists(from)) {
                continue;
            }
            Path to = cp.resolve((i++) + "-" + from.getFileName());
            if (Files.isDirectory(from)) {
                try (var files = Files.walk(from)) {
                    for (Path f : files.toList()) {
                        Files.copy(f, to.resolve(from.relativize(f).toString()));
                    }
                }
            } else {
                Files.copy(from, to);
            }
            entries.add(to.toString());
        }
        try (var all = Files.walk(cp)) {
            for (Path f : all.toList()) {
                Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(Files.isDirectory(f) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        classPath = String.join(java.io.File.pathSeparator, entries);
    }

    /** metadb in a process of a user who may not write what was made read-only. */
    private static Run asReader(String stdin, String... args) throws IOException, InterruptedException {
        List<String> line = new ArrayList<>();
        if (root) {
            line.addAll(List.of("runuser", "-u", "nobody", "--"));
        }
        line.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xshare:off",
                "-cp", classPath, Main.class.getName()));
        line.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(line).directory(shared.toFile());
        pb.environment().remove("METADB_PATH");
        Path out = Files.createTempFile(shared, "out", ".txt");
        Path err = Files.createTempFile(shared, "err", ".txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        boolean ended = p.waitFor(HANG_S, TimeUnit.SECONDS);
        if (!ended) {
            p.destroyForcibly();
        }
        assertThat(ended).as("metadb " + String.join(" ", args) + " ended (it spun for ever before)").isTrue();
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    private static Run inProcess(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    /** A small metadb file in a directory of its own, and a writable copy to compare with. */
    private static Path database(String dirName) throws IOException {
        Path dir = Files.createDirectories(shared.resolve(dirName));
        Path db = dir.resolve("meta.db");
        try (MetaDb metaDb = MetaDb.open(db)) {
            for (int i = 0; i < 50; i++) {
                metaDb.dao(Tick.class).record(Instant.parse("2026-04-20T11:00:00.000Z").plusSeconds(i),
                        new Tick("agent" + (i % 3), "loop", i % 7 == 0 ? "fail" : "ok", 10 + i)).join();
            }
        }
        return db;
    }

    private static void readOnly(Path db) throws IOException {
        try (var files = Files.list(db.getParent())) {
            for (Path f : files.toList()) {
                Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("r--r--r--"));
            }
        }
        Files.setPosixFilePermissions(db.getParent(), PosixFilePermissions.fromString("r-xr-xr-x"));
    }

    private static Path writableCopy(Path db) throws IOException {
        Path copy = Files.createDirectories(db.getParent().resolveSibling(db.getParent().getFileName() + "-copy"))
                .resolve("meta.db");
        Files.copy(db, copy);
        return copy;
    }

    @Test
    void aReadOnlyDirectoryWithoutALogIsReadAsItIs() throws Exception {
        Path db = database("archive");
        Path copy = writableCopy(db);
        readOnly(db);

        Run summary = asReader("", "--db", db.toString(), "--now", NOW, "summary");
        assertThat(summary.err()).isEmpty();
        assertThat(summary.code()).isZero();
        assertThat(summary.out()).isEqualTo(inProcess("--db", copy.toString(), "--now", NOW, "summary").out());
        Run query = asReader("", "--db", db.toString(), "query", "SELECT count(*) AS n, sum(duration_ms) AS d FROM ticks", "--csv");
        assertThat(query.err()).isEmpty();
        assertThat(query.out()).isEqualTo("n,d\r\n50,1725\r\n");
    }

    @Test
    void aLogAndIndexLeftByAnotherUserDoNotMakeTheReaderSpin() throws Exception {
        Path db = database("mounted");
        // What a report by the file's owner leaves behind: -wal and -shm the reader may not write.
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:file:" + db + "?mode=ro")) {
            c.createStatement().executeQuery("SELECT count(*) FROM ticks").close();
            readOnly(db); // while the connection holds -wal and -shm open: they stay
        }
        assertThat(SqlFiles.shm(db)).exists();
        Path copy = writableCopy(db);

        Run query = asReader("", "--db", db.toString(), "query", "SELECT count(*) AS n FROM ticks", "--csv");
        assertThat(query.err()).isEmpty();
        assertThat(query.out()).isEqualTo("n\r\n50\r\n");
        Run summary = asReader("", "--db", db.toString(), "--now", NOW, "summary");
        assertThat(summary.err()).isEmpty();
        assertThat(summary.out()).isEqualTo(inProcess("--db", copy.toString(), "--now", NOW, "summary").out());
    }

    @Test
    void aLogThatCannotBeReadHereIsOneTrueLine() throws Exception {
        Path db = database("stranded");
        // A -wal with writes not yet in the file, no -shm, a read-only directory.
        Path live = shared.resolve("live.db");
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + live); var s = c.createStatement()) {
            s.execute("PRAGMA journal_mode = WAL");
            s.execute("PRAGMA wal_autocheckpoint = 0");
            s.execute("CREATE TABLE x (a)");
            s.execute("INSERT INTO x VALUES (1)");
            Files.copy(SqlFiles.wal(live), SqlFiles.wal(db));
        }
        assertThat(Files.size(SqlFiles.wal(db))).isPositive();
        readOnly(db);

        for (String[] args : List.of(new String[] {"--db", db.toString(), "--now", NOW, "summary"},
                new String[] {"--db", db.toString(), "query", "SELECT 1"})) {
            Run r = asReader("", args);
            assertThat(r.code()).isEqualTo(1);
            assertThat(r.out()).isEmpty();
            assertThat(r.err()).isEqualTo("metadb: " + db + " cannot be read here: its log meta.db-wal holds writes not"
                    + " yet in the file, and SQLite needs meta.db-shm beside it to read them, which cannot be created in a"
                    + " read-only directory (copy meta.db and meta.db-wal to a writable directory and read the copy)\n");
        }
    }

    @Test
    void writingToAReadOnlyFileIsOneLineAndChangesNothing() throws Exception {
        Path db = database("locked-down");
        readOnly(db);
        byte[] before = Files.readAllBytes(db);

        Run ingest = asReader("{\"agent\":\"a\",\"kind\":\"k\",\"status\":\"ok\",\"duration_ms\":1}\n", "--db", db.toString(),
                "ingest", "ticks");
        assertThat(ingest.code()).isEqualTo(1);
        assertThat(ingest.err()).isEqualTo("metadb: cannot write " + db + ": the file is read-only for this user (or on a"
                + " read-only mount)\n");
        Run migrate = asReader("", "--db", db.toString(), "migrate");
        assertThat(migrate.err().lines()).hasSize(1).first().asString().startsWith("metadb: cannot write " + db);
        assertThat(Files.readAllBytes(db)).isEqualTo(before);
    }

    /** Names of a database's companions. */
    private static final class SqlFiles {
        private SqlFiles() {}

        static Path wal(Path db) {
            return db.resolveSibling(db.getFileName() + "-wal");
        }

        static Path shm(Path db) {
            return db.resolveSibling(db.getFileName() + "-shm");
        }
    }
}
