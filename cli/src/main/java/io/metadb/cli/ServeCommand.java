package io.metadb.cli;

import io.metadb.core.BadInputException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code metadb serve}: the resident read path ({@link Server}). Runs in the foreground until
 * Ctrl-C or SIGTERM (both stop it cleanly, removing the discovery file); {@code --detach}
 * starts it in the background and returns once it answers; {@code --status} and
 * {@code --stop} find it through the discovery file.
 */
@Command(name = "serve", description = {"Answer every report and query over HTTP from a long-lived process;",
    "the metadb command on the same database answers through it (no JVM start)."},
        footer = {"", "Examples:", "  metadb --db meta.db serve",
            "  metadb --db meta.db serve --detach --idle-timeout 30m",
            "  metadb --db meta.db serve --status",
            "  curl -H \"Authorization: Bearer $TOKEN\" 'http://127.0.0.1:PORT/cost.json?since=7d&by=model'"})
final class ServeCommand extends RootSubcommand {
    @Option(names = "--port", paramLabel = "N", description = "TCP port (default: any free port)")
    int port;

    @Option(names = "--bind", paramLabel = "ADDR", description = "address to listen on (default: 127.0.0.1, loopback only)")
    String bind = "127.0.0.1";

    @Option(names = "--max-requests", paramLabel = "N", description = "answers computed at once; others wait up to 2 s, then 503 (default: 4)")
    int maxRequests = 4;

    @Option(names = "--idle-timeout", paramLabel = "DURATION", description = "stop after this long without a request, e.g. 30m (default: never)")
    String idleTimeout;

    @Option(names = "--detach", description = "run in the background; return once it answers")
    boolean detach;

    @Option(names = "--status", description = "say whether a server answers for this database")
    boolean status;

    @Option(names = "--stop", description = "stop the server of this database")
    boolean stop;

    @Override
    public Integer call() throws Exception {
        Path db = root.db("serve (the resident read path)").toAbsolutePath();
        if (status) {
            return status(db);
        }
        if (stop) {
            return stop(db);
        }
        if (maxRequests < 1) {
            throw new BadInputException("--max-requests must be >= 1, was " + maxRequests);
        }
        long idleNanos = idleTimeout == null ? 0 : io.metadb.core.Durations.parse(idleTimeout).toNanos();
        if (!Files.isRegularFile(db)) {
            throw new BadInputException("no database at " + db + " (create one with: metadb --db " + db + " migrate)");
        }
        Discovery running = Discovery.read(db);
        if (running != null && running.alive() && answers(running)) {
            throw new IllegalStateException("a server already answers for " + db + " at " + url(running) + " (pid "
                    + running.pid() + "); stop it with: metadb --db " + db + " serve --stop");
        }
        if (detach) {
            return detach(db);
        }
        InetAddress address = InetAddress.getByName(bind);
        Server server = Server.start(db, address, port, maxRequests, root.timeout());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "metadb-serve-stop"));
        out().println("serving " + db + " at " + url(server.discovery()) + " (pid " + server.discovery().pid()
                + "; the token is in " + Discovery.fileOf(db) + "; Ctrl-C stops)");
        out().println("dashboard: " + server.dashboardUrl());
        out().flush();
        while (!stopped.await(1, TimeUnit.SECONDS)) {
            if (idleNanos > 0 && server.idleNanos() > idleNanos) {
                out().println("stopping: no request for " + idleTimeout);
                out().flush();
                System.exit(0); // the shutdown hook closes the server
            }
        }
        return 0;
    }

    static String url(Discovery d) {
        String host = d.bind().contains(":") ? "[" + d.bind() + "]" : d.bind();
        return "http://" + host + ":" + d.port() + "/";
    }

    /** Whether the server of a discovery file answers its status request. */
    static boolean answers(Discovery d) {
        try {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            String host = d.bind().equals("0.0.0.0") || d.bind().equals("::") ? "127.0.0.1" : d.bind();
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host)
                            + ":" + d.port() + "/-/status.json"))
                    .timeout(Duration.ofSeconds(5)).header("Authorization", "Bearer " + d.token()).GET().build();
            return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private int status(Path db) {
        Discovery d = Discovery.read(db);
        if (d == null) {
            out().println("no server answers for " + db);
            return 1;
        }
        if (!d.alive() || !answers(d)) {
            out().println("no server answers for " + db + " (the discovery file of pid " + d.pid() + " is stale)");
            return 1;
        }
        out().println("serving " + db + " at " + url(d) + " (pid " + d.pid() + ")");
        out().println("dashboard: " + url(d) + "?_token=" + d.token());
        return 0;
    }

    private int stop(Path db) throws InterruptedException {
        Discovery d = Discovery.read(db);
        if (d == null || !d.alive()) {
            out().println("no server answers for " + db);
            return 1;
        }
        ProcessHandle process = ProcessHandle.of(d.pid()).orElse(null);
        if (process == null || !answers(d)) {
            out().println("no server answers for " + db + " (the discovery file of pid " + d.pid() + " is stale)");
            return 1;
        }
        process.destroy(); // SIGTERM: the server's shutdown hook closes it cleanly
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (process.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        if (process.isAlive()) {
            throw new IllegalStateException("the server of " + db + " (pid " + d.pid() + ") did not stop within 30 s");
        }
        out().println("stopped the server of " + db + " (pid " + d.pid() + ")");
        return 0;
    }

    /** Starts this same command without --detach in a new session, and waits until it answers. */
    private int detach(Path db) throws IOException, InterruptedException {
        ProcessHandle.Info self = ProcessHandle.current().info();
        List<String> command = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            command.add("/usr/bin/setsid"); // not killed with the terminal that started it
        }
        command.add(self.command().orElseThrow(() -> new IllegalStateException("cannot find this JVM's executable")));
        for (String arg : self.arguments().orElseThrow(() -> new IllegalStateException("cannot read this JVM's arguments"))) {
            if (!arg.equals("--detach")) {
                command.add(arg);
            }
        }
        Path log = db.resolveSibling(db.getFileName() + "-serve.log");
        // The log holds the dashboard's URL, token included: the owner's only, like the discovery file.
        Files.deleteIfExists(log);
        Files.createFile(log, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        Process child = new ProcessBuilder(command).redirectOutput(log.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            Discovery d = Discovery.read(db);
            if (d != null && child.isAlive() && answers(d)) {
                out().println("serving " + db + " at " + url(d) + " in the background (pid " + d.pid() + "; log: " + log
                        + "; stop with: metadb --db " + db + " serve --stop)");
                out().println("dashboard: " + url(d) + "?_token=" + d.token());
                return 0;
            }
            if (!child.isAlive()) {
                throw new IllegalStateException("the server did not start (exit " + child.exitValue() + "); see " + log);
            }
            Thread.sleep(50);
        }
        child.destroy();
        throw new IllegalStateException("the server did not answer within 60 s; see " + log);
    }
}
