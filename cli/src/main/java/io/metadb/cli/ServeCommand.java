package io.metadb.cli;

import io.metadb.core.BadInputException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
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
@Command(name = "serve", description = {"Answer every report and query over HTTP from a long-lived process.",
    "The metadb command on the same database answers through it (no JVM start)."},
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

    @Option(names = "--json", description = "with --status: one JSON object (url, pid, read_token, write_token, ...)")
    boolean json;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "where the read and write tokens are kept (default: <db>-serve.tokens, owner-only)")
    Path tokenFile;

    @Option(names = "--rotate-tokens", description = "replace both tokens (a running server is restarted with them)")
    boolean rotateTokens;

    @Option(names = "--prices", paramLabel = "FILE", description = "model prices (LiteLLM's JSON form) added to the shipped"
            + " table, for agents' telemetry that reports tokens without a cost")
    Path prices;

    @Override
    public Integer call() throws Exception {
        Path db = root.db("serve (the resident read path)").toAbsolutePath();
        if (json && !status) {
            throw new BadInputException("--json goes with --status");
        }
        if (status) {
            return status(db);
        }
        if (stop) {
            return stop(db);
        }
        if (rotateTokens) {
            return rotate(db);
        }
        if (maxRequests < 1) {
            throw new BadInputException("--max-requests must be >= 1, was " + maxRequests);
        }
        // Read before the server starts (or detaches): a bad file is a one-line error, not a dead server.
        Prices table = prices == null ? Prices.defaults() : Prices.defaults().with(prices);
        long idleNanos = idleTimeout == null ? 0 : io.metadb.core.Durations.parse(idleTimeout).toNanos();
        if (!Files.isRegularFile(db)) {
            throw new BadInputException(CommandService.noDatabase(db));
        }
        Discovery running = Discovery.read(db);
        if (running != null && running.alive() && answers(running)) {
            throw alreadyServed(db, running);
        }
        if (detach) {
            return detach(db);
        }
        InetAddress address = InetAddress.getByName(bind);
        Server server;
        try {
            server = Server.start(db, address, port, maxRequests, root.timeout(), tokens(db), table);
        } catch (Server.AlreadyServedException e) {
            Discovery winner = awaitServer(db, TimeUnit.SECONDS.toNanos(10));
            throw winner != null ? alreadyServed(db, winner) : e;
        } finally {
            // The launcher's mark that a server is being started for this file: started, or not.
            Files.deleteIfExists(db.resolveSibling(db.getFileName() + "-serve.starting"));
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "metadb-serve-stop"));
        // On a terminal Ctrl-C stops it; in a log (--detach, a server that started itself,
        // output redirected) the line says what does.
        String stop = System.console() != null ? "Ctrl-C stops" : "stop with: metadb --db " + Output.shellWord(
                db.toString()) + " serve --stop";
        out().println("serving " + db + " at " + url(server.discovery()) + " (pid " + server.discovery().pid()
                + "; the token is in " + Discovery.fileOf(db) + "; " + stop + ")");
        out().println("dashboard: " + server.dashboardUrl());
        out().flush();
        while (!stopped.await(1, TimeUnit.SECONDS)) {
            if (idleNanos > 0 && server.idleNanos() > idleNanos) {
                out().println("stopping: no request for " + idleTimeout);
                out().flush();
                server.close(); // (the shutdown hook's close then does nothing)
                return 0;
            }
        }
        return 0;
    }

    private Path tokens(Path db) {
        return tokenFile != null ? tokenFile.toAbsolutePath() : ServeTokens.defaultFile(db);
    }

    /** {@code --rotate-tokens}: new tokens in the token file; a running server is stopped and started again with them. */
    private int rotate(Path db) throws IOException, InterruptedException {
        Discovery running = Discovery.read(db);
        boolean wasRunning = running != null && running.alive() && answers(running);
        if (wasRunning && stop(db) != 0) {
            return 1;
        }
        ServeTokens kept = ServeTokens.read(tokens(db));
        ServeTokens fresh = ServeTokens.fresh();
        (kept == null ? fresh : fresh.withPort(kept.port())).write(tokens(db), true);
        out().println("new read and write tokens in " + tokens(db) + "; clients that kept the old ones are refused");
        if (wasRunning) {
            return detach(db);
        }
        return 0;
    }

    static String url(Discovery d) {
        String host = d.bind().contains(":") ? "[" + d.bind() + "]" : d.bind();
        return "http://" + host + ":" + d.port() + "/";
    }

    /**
     * The dashboard's address: the token in the fragment, which a browser never sends to any
     * server; the page keeps it for this tab and sends it to this server only, as a header.
     */
    static String dashboardUrl(Discovery d) {
        return url(d) + "#token=" + d.token();
    }

    private static IllegalStateException alreadyServed(Path db, Discovery d) {
        return new IllegalStateException("a server already answers for " + db + " at " + url(d) + " (pid " + d.pid()
                + "); stop it with: metadb --db " + db + " serve --stop");
    }

    /** The server of {@code db} once one answers as its discovery file's own, within {@code nanos}; else null. */
    private static Discovery awaitServer(Path db, long nanos) throws InterruptedException {
        long deadline = System.nanoTime() + nanos;
        do {
            Discovery d = Discovery.read(db);
            if (d != null && d.alive() && answers(d)) {
                return d;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        return null;
    }

    /**
     * Whether the server of a discovery file answers as that file's server: its status, with
     * the file's proof (a process that took a dead server's port, or a file of someone else's,
     * cannot show it). Within a few seconds: a stopped or wedged server does not answer.
     */
    static boolean answers(Discovery d) {
        // A plain socket, not java.net.http: the HttpClient's start-up alone took ~0.5 s of a
        // `serve --stop` (issue 26: under a second). Connection: close, so the server keeps
        // no idle connection of ours open.
        String host = d.bind().equals("0.0.0.0") || d.bind().equals("::") ? "127.0.0.1" : d.bind();
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new java.net.InetSocketAddress(host, d.port()), 2000);
            s.setSoTimeout(3000);
            s.getOutputStream().write(("GET /-/status.json HTTP/1.1\r\nHost: " + (host.contains(":") ? "[" + host + "]" : host)
                    + ":" + d.port() + "\r\nAuthorization: Bearer " + d.token() + "\r\nConnection: close\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String head = head(s.getInputStream());
            List<String> lines = head.lines().toList();
            if (lines.isEmpty() || !lines.get(0).matches("HTTP/1\\.[01] 200( .*)?")) {
                return false;
            }
            String proof = Discovery.PROOF_HEADER.toLowerCase(java.util.Locale.ROOT) + ":";
            return lines.stream().anyMatch(l -> l.toLowerCase(java.util.Locale.ROOT).startsWith(proof)
                    && l.substring(proof.length()).strip().equals(d.proof()));
        } catch (IOException e) {
            return false;
        }
    }

    /** An answer's status line and headers (at most 16 KiB), up to the blank line. */
    private static String head(java.io.InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        int tail = 0; // matched characters of \r\n\r\n
        while (head.size() < 16 * 1024 && (b = in.read()) >= 0) {
            head.write(b);
            tail = (b == '\r' && tail % 2 == 0) || (b == '\n' && tail % 2 == 1) ? tail + 1 : b == '\r' ? 1 : 0;
            if (tail == 4) {
                break;
            }
        }
        return head.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** Null if the discovery file may be trusted (or is absent); else the line saying why not. */
    private static String distrust(Path db) {
        String why = Discovery.untrusted(Discovery.fileOf(db));
        return why == null ? null : "no server of yours answers for " + db + ": " + Discovery.fileOf(db)
                + " is not to be trusted (" + why + "); remove it";
    }

    /** Whether the process of {@code d} holds the database's server lock (a server that does not answer). */
    private static boolean holdsLock(Path db, Discovery d) {
        return Discovery.lockHolder(db) == d.pid();
    }

    private int status(Path db) throws IOException {
        String distrust = distrust(db);
        if (distrust != null) {
            out().println(distrust);
            return 1;
        }
        Discovery d = Discovery.read(db);
        if (d == null) {
            out().println("no server answers for " + db);
            return 1;
        }
        if (!d.alive() || !answers(d)) {
            if (d.alive() && holdsLock(db, d)) {
                out().println("the server of " + db + " (pid " + d.pid() + ") does not answer (stopped, or busy);"
                        + " stop it with: metadb --db " + db + " serve --stop");
            } else {
                out().println("no server answers for " + db + " (the discovery file of pid " + d.pid() + " is stale)");
            }
            return 1;
        }
        if (json) {
            java.util.Map<String, Object> o = new java.util.LinkedHashMap<>();
            o.put("db", db.toString());
            o.put("url", url(d));
            o.put("pid", d.pid());
            o.put("read_token", d.token());
            o.put("write_token", d.writeToken());
            o.put("dashboard", dashboardUrl(d));
            o.put("insert_url", url(d) + "TABLE/-/insert");
            out().println(new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(o));
            return 0;
        }
        out().println("serving " + db + " at " + url(d) + " (pid " + d.pid() + ")");
        out().println("dashboard: " + dashboardUrl(d));
        return 0;
    }

    /** How long a server told to stop may take before it is killed. */
    private static final long STOP_WAIT_NANOS = TimeUnit.SECONDS.toNanos(10);

    private int stop(Path db) throws InterruptedException, IOException {
        String distrust = distrust(db);
        if (distrust != null) {
            out().println(distrust);
            return 1; // nothing is signalled on the word of a file that is not ours
        }
        Discovery d = Discovery.read(db);
        ProcessHandle process = d == null ? null : ProcessHandle.of(d.pid()).orElse(null);
        if (d == null || process == null || !process.isAlive()) {
            out().println("no server answers for " + db);
            return 1;
        }
        boolean answered = answers(d);
        if (!answered && !holdsLock(db, d)) {
            if (Discovery.lockHolder(db) == -1) {
                Discovery.removeStale(db);
            }
            out().println("no server answers for " + db + " (the discovery file of pid " + d.pid() + " was stale)");
            return 1;
        }
        process.destroy(); // SIGTERM: the server's shutdown hook closes it cleanly
        if (!answered) {
            // Stopped (kill -STOP) or wedged: a stopped process acts on SIGTERM only once continued.
            new ProcessBuilder("kill", "-CONT", Long.toString(d.pid())).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(5, TimeUnit.SECONDS);
        }
        if (!awaitExit(process, STOP_WAIT_NANOS)) {
            process.destroyForcibly();
            if (!awaitExit(process, STOP_WAIT_NANOS)) {
                throw new IllegalStateException("the server of " + db + " (pid " + d.pid() + ") did not stop, even killed");
            }
            Discovery.removeStale(db);
            out().println("killed the server of " + db + " (pid " + d.pid() + "): it did not stop within "
                    + TimeUnit.NANOSECONDS.toSeconds(STOP_WAIT_NANOS) + " s of being told to");
            return 0;
        }
        out().println("stopped the server of " + db + " (pid " + d.pid() + ")");
        return 0;
    }

    private static boolean awaitExit(ProcessHandle process, long nanos) throws InterruptedException {
        long deadline = System.nanoTime() + nanos;
        while (running(process) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return !running(process);
    }

    /**
     * Whether {@code process} still runs: alive and not a zombie. A detached server's parent is
     * init, which reaps when it gets to it (on this project's CI machine ~1.8 s after the
     * server had exited in 0.12 s); the server is done once it has exited.
     */
    private static boolean running(ProcessHandle process) {
        if (!process.isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException | RuntimeException e) {
            return process.isAlive(); // no /proc (macOS): what the JDK says
        }
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
            if (!arg.equals("--detach") && !arg.equals("--rotate-tokens")) {
                command.add(arg);
            }
        }
        Path log = db.resolveSibling(db.getFileName() + "-serve.log");
        // The log holds the dashboard's URL, token included: the owner's only, like the discovery
        // file. Appended to, never replaced: a second start at the same moment must not unlink
        // the log the first one's server writes.
        if (Discovery.untrusted(log) != null) {
            Files.delete(log); // another's, or open to others: not where a token goes
        }
        try {
            Files.createFile(log, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        } catch (java.nio.file.FileAlreadyExistsException e) {
            // ours, owner-only: appended to
        }
        Process child = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            Discovery d = Discovery.read(db);
            // Only our own child's file counts: any other (one left behind, another's) is not this start's.
            if (d != null && child.isAlive() && (d.pid() == child.pid()
                    || child.descendants().anyMatch(h -> h.pid() == d.pid())) && answers(d)) {
                out().println("serving " + db + " at " + url(d) + " in the background (pid " + d.pid() + "; log: " + log
                        + "; stop with: metadb --db " + db + " serve --stop)");
                out().println("dashboard: " + dashboardUrl(d));
                return 0;
            }
            if (!child.isAlive()) {
                // Two started at once: one holds the lock and serves; this one says which.
                Discovery winner = awaitServer(db, TimeUnit.SECONDS.toNanos(10));
                if (winner != null) {
                    throw alreadyServed(db, winner);
                }
                throw new IllegalStateException("the server did not start (exit " + child.exitValue() + "); see " + log);
            }
            Thread.sleep(50);
        }
        child.destroy();
        throw new IllegalStateException("the server did not answer within 60 s; see " + log);
    }
}
