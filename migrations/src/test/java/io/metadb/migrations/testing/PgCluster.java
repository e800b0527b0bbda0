package io.metadb.migrations.testing;

import io.metadb.core.Location;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real, throwaway PostgreSQL server for tests: {@code initdb} + {@code pg_ctl} from the
 * installed server binaries, its data, socket and log under the module's {@code target/},
 * listening on 127.0.0.1 on a free port, password authentication (scram) for the superuser
 * {@code metadb}. As root the binaries run as the {@code postgres} user ({@code initdb}
 * refuses root). With {@code $METADB_TEST_PG_URL} set (a URL of a role that may create
 * databases) that server is used instead and {@link #shared()} starts nothing.
 *
 * <p>Every test asks for a database of its own ({@link #newDatabase()}). If the binaries
 * cannot be found or the server cannot start, the call fails with one line saying how to
 * install PostgreSQL: PostgreSQL tests are never skipped. Thread-safe.
 */
public final class PgCluster implements AutoCloseable {
    private static final String INSTALL = "install PostgreSQL's server (Debian: apt-get install postgresql),"
            + " set $METADB_PG_BIN to its bin directory, or set $METADB_TEST_PG_URL to a server of your own";
    private static final String SUPERUSER = "metadb";
    private static PgCluster shared;

    private final Path base;
    private final Path bin;
    private final String password;
    private final int port;
    private final String externalUrl;
    private final AtomicInteger databases = new AtomicInteger();

    private PgCluster(Path base, Path bin, String password, int port, String externalUrl) {
        this.base = base;
        this.bin = bin;
        this.password = password;
        this.port = port;
        this.externalUrl = externalUrl;
    }

    /** The server of this test JVM: started on first use, stopped when the JVM exits. */
    public static synchronized PgCluster shared() {
        if (shared == null) {
            String url = System.getenv("METADB_TEST_PG_URL");
            if (url != null && !url.isBlank()) {
                shared = new PgCluster(null, null, null, -1, url.trim());
            } else {
                shared = start();
                PgCluster cluster = shared;
                Runtime.getRuntime().addShutdownHook(new Thread(cluster::close, "pg-cluster-stop"));
            }
        }
        return shared;
    }

    /**
     * A server of its own, for tests that restart or stop it; the caller closes it. Always
     * started from the binaries, also when {@code $METADB_TEST_PG_URL} is set.
     */
    public static PgCluster start() {
        Path bin = binaries();
        String password = HexFormat.of().formatHex(new SecureRandom().generateSeed(12));
        try {
            Files.createDirectories(Path.of("target"));
            Path base = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "pg-");
            if (base.toString().length() > 80) {
                // a Unix socket path is at most 107 bytes: keep the socket directory short
                base = Files.createTempDirectory("metadb-pg-");
            }
            Path pwfile = base.resolve("pwfile");
            Files.writeString(pwfile, password + "\n");
            if (isRoot()) {
                run(List.of("chown", "-R", "postgres:postgres", base.toString()), base);
            }
            run(asServerUser(List.of(bin.resolve("initdb").toString(), "-D", base.resolve("data").toString(),
                    "-U", SUPERUSER, "--pwfile=" + pwfile, "--auth=scram-sha-256", "-E", "UTF8", "--locale=C",
                    "--no-sync")), base);
            int port = freePort();
            PgCluster cluster = new PgCluster(base, bin, password, port, null);
            cluster.pgCtl("start", "-w", "-t", "60", "-l", base.resolve("server.log").toString());
            return cluster;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start a PostgreSQL test server: " + e.getMessage() + "; " + INSTALL,
                    e);
        }
    }

    /** {@code pg_ctl restart -m fast}: connections are cut, the server is back when this returns. */
    public void restart() {
        requireOwn();
        pgCtl("restart", "-m", "fast", "-w", "-t", "60", "-l", base.resolve("server.log").toString());
    }

    /** {@code pg_ctl stop -m fast}. */
    public void stop() {
        requireOwn();
        pgCtl("stop", "-m", "fast", "-w", "-t", "60");
    }

    /** {@code pg_ctl start} after {@link #stop()}. */
    public void startAgain() {
        requireOwn();
        pgCtl("start", "-w", "-t", "60", "-l", base.resolve("server.log").toString());
    }

    /**
     * A new, empty database on this server, as a URL with the password in it (a test's own
     * throwaway credentials).
     */
    public String newDatabase() {
        String name = "metadb_t" + ProcessHandle.current().pid() + "_" + databases.incrementAndGet();
        try (Connection c = admin(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create a test database: " + e.getMessage(), e);
        }
        return urlOf(name);
    }

    /** The database new migrated ones are copied from, made on first use; null until then. */
    private String migratedTemplate;

    /**
     * A new database migrated to the head schema version, as a URL: a copy ({@code CREATE
     * DATABASE … TEMPLATE}) of one this server migrated once, which takes a few milliseconds
     * where migrating takes a second.
     */
    public synchronized String newMigratedDatabase() {
        if (migratedTemplate == null) {
            String url = newDatabase();
            io.metadb.migrations.Migrations.apply(Location.parse(url));
            migratedTemplate = url.replaceFirst("^.*/([^/?]+)(\\?.*)?$", "$1");
        }
        String name = "metadb_t" + ProcessHandle.current().pid() + "_" + databases.incrementAndGet();
        for (int attempt = 1; ; attempt++) {
            try (Connection c = admin(); Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE " + name + " TEMPLATE " + migratedTemplate);
                return urlOf(name);
            } catch (SQLException e) {
                // 55006: the migration's session is still ending on the server (it closed on ours).
                if (!"55006".equals(e.getSQLState()) || attempt == 100) {
                    throw new IllegalStateException("cannot create a test database: " + e.getMessage(), e);
                }
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted creating a test database", e);
            }
        }
    }

    /** A superuser connection to the server's {@code postgres} database. */
    public Connection admin() throws SQLException {
        return Location.parse(urlOf("postgres")).connect();
    }

    /** The URL of database {@code name} on this server. */
    public String urlOf(String name) {
        if (externalUrl != null) {
            return externalUrl.replaceFirst("^((?:jdbc:)?postgres(?:ql)?://[^/]+/)[^?]*", "$1" + name);
        }
        return "postgresql://" + SUPERUSER + ":" + password + "@127.0.0.1:" + port + "/" + name;
    }

    /** The server's port (own servers only). */
    public int port() {
        return port;
    }

    /** The superuser's password (own servers only). */
    public String password() {
        return password;
    }

    /** Stops the server and deletes its data (keeps nothing: the log is printed on failures). */
    @Override
    public void close() {
        if (externalUrl != null || base == null) {
            return;
        }
        try {
            pgCtl("stop", "-m", "immediate", "-w", "-t", "30");
        } catch (RuntimeException e) {
            // already stopped
        }
        try (Stream<Path> files = Files.walk(base)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: target/ is cleaned by the next build
        }
    }

    private void requireOwn() {
        if (externalUrl != null) {
            throw new IllegalStateException("restarting needs a server of the test's own (PgCluster.start())");
        }
    }

    private void pgCtl(String action, String... args) {
        List<String> command = new ArrayList<>(List.of(bin.resolve("pg_ctl").toString(), action, "-D",
                base.resolve("data").toString()));
        command.addAll(List.of(args));
        if (action.equals("start") || action.equals("restart")) {
            command.add("-o");
            command.add("-c port=" + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories=" + base
                    + " -c max_connections=200 -c shared_buffers=128MB");
        }
        try {
            run(asServerUser(command), base);
        } catch (IOException e) {
            throw new IllegalStateException("pg_ctl " + action + " failed: " + e.getMessage() + tail(), e);
        }
    }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(base.resolve("server.log"), StandardCharsets.UTF_8);
            return "; server log: " + String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (IOException e) {
            return "";
        }
    }

    private static Path binaries() {
        String env = System.getenv("METADB_PG_BIN");
        List<Path> candidates = new ArrayList<>();
        if (env != null && !env.isBlank()) {
            candidates.add(Path.of(env));
        }
        Path lib = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(lib)) {
            try (Stream<Path> versions = Files.list(lib)) {
                versions.map(v -> v.resolve("bin"))
                        .sorted(Comparator.comparing((Path p) -> versionOf(p)).reversed())
                        .forEach(candidates::add);
            } catch (IOException e) {
                // fall through to the error below
            }
        }
        for (Path candidate : candidates) {
            if (Files.isExecutable(candidate.resolve("initdb")) && Files.isExecutable(candidate.resolve("pg_ctl"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("PostgreSQL server binaries (initdb, pg_ctl) not found in "
                + (candidates.isEmpty() ? lib : candidates) + ": " + INSTALL);
    }

    private static int versionOf(Path bin) {
        try {
            return Integer.parseInt(bin.getParent().getFileName().toString());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static List<String> asServerUser(List<String> command) {
        if (!isRoot()) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
        wrapped.addAll(command);
        return wrapped;
    }

    private static void run(List<String> command, Path dir) throws IOException {
        Path out = Files.createTempFile("pg-tool", ".log");
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(out.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish in 120 s");
            }
            if (p.exitValue() != 0) {
                List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
                throw new IOException(command.get(command.indexOf("--") + 1) + " exited with " + p.exitValue() + ": "
                        + String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size())));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
