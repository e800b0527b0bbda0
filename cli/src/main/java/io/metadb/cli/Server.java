package io.metadb.cli;

import static io.metadb.cli.Responses.send;

import com.sun.net.httpserver.HttpExchange;
import io.metadb.analytics.Reports;
import io.metadb.analytics.RowSource;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The resident server over one database: its lifecycle (the server lock, the discovery file),
 * who gets in (the token, the Host), the dashboard's files, admission (at most
 * {@code maxRequests} answers computed at once; a request that finds no free slot within
 * {@link Commands#ADMISSION_WAIT_MS} gets 503) and routing to the two surfaces that answer:
 * {@link LauncherProtocol} (what {@code bin/metadb} sends) and {@link HttpApi} (Datasette-style
 * URLs). Both run the very command an operator would run ({@link Commands}), so their bytes,
 * exit codes and one-line errors are the command's own; nothing writes. The connections are
 * {@link HttpListener}'s. Security model: docs/security.md. Thread-safe.
 */
final class Server implements AutoCloseable {
    private final Path db;
    private final HttpListener http;
    /** Held for the server's life: one server per database. */
    private final java.nio.channels.FileLock lock;
    private final Admission admission;
    private final int maxRequests;
    private final byte[] readToken;
    private final byte[] writeToken;
    /** The server's one writer (a server of a file it only reads never opens one). */
    private final ServedWriter writer;
    private final Discovery discovery;
    private final Commands commands;
    private final LauncherProtocol launcher;
    private final HttpApi api;
    private final InsertApi inserts;
    /** The agents' OTLP exports (SPEC §7). */
    private final OtlpReceiver otlp;
    private volatile long lastRequestNanos = System.nanoTime();
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
    /** The in-memory copies kept between answers (reports copy only what changed since the last). */
    private final RowSource.Kept resident;

    private Server(Path db, HttpListener http, java.nio.channels.FileLock lock, int maxRequests, ServeTokens tokens,
            String proof, Duration statementLimit, Prices prices) {
        this.db = db;
        this.lock = lock;
        this.resident = RowSource.kept(db);
        this.commands = new Commands(db, statementLimit, resident);
        this.admission = new Admission(maxRequests, MAX_WRITES);
        this.writer = new ServedWriter(db);
        this.launcher = new LauncherProtocol(commands, admission, writer::get);
        this.api = new HttpApi(commands);
        this.inserts = new InsertApi(writer::get);
        this.otlp = new OtlpReceiver(writer::get, admission, prices);
        this.http = http;
        this.maxRequests = maxRequests;
        this.readToken = tokens.read().getBytes(StandardCharsets.US_ASCII);
        this.writeToken = tokens.write().getBytes(StandardCharsets.US_ASCII);
        List<String> names = new ArrayList<>();
        Reports.all().forEach(r -> names.add(r.name()));
        names.add(Commands.QUERY);
        names.addAll(new java.util.TreeSet<>(LauncherProtocol.WRITES));
        this.discovery = new Discovery(http.address().getPort(), ProcessHandle.current().pid(), tokens.read(),
                tokens.write(), proof, http.address().getAddress().getHostAddress(), System.getProperty("java.class.path"),
                String.join(" ", names));
    }

    /** Another server holds the database's server lock. */
    static final class AlreadyServedException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        AlreadyServedException(String message) {
            super(message);
        }
    }

    /**
     * Takes the database's server lock, listens on {@code bind}:{@code port} (0: any free
     * port) and writes the discovery file.
     *
     * @throws AlreadyServedException if another process serves the database (or is starting to)
     */
    static Server start(Path db, InetAddress bind, int port, int maxRequests, Duration statementLimit, Path tokenFile,
            Prices prices) throws IOException {
        java.nio.channels.FileLock lock = Discovery.lock(db);
        if (lock == null) {
            throw new AlreadyServedException("another metadb serve holds " + Discovery.lockOf(db) + " (pid "
                    + Discovery.lockHolder(db) + ")");
        }
        ServeTokens tokens;
        try {
            tokens = ServeTokens.loadOrCreate(tokenFile);
        } catch (IOException | RuntimeException e) {
            lock.channel().close();
            throw e;
        }
        byte[] proof = new byte[24];
        new SecureRandom().nextBytes(proof);
        Server[] server = new Server[1];
        HttpListener http = null;
        try {
            // No --port: the port of this file's last server, if it is free (bookmarks keep working), else any.
            int wanted = port != 0 ? port : tokens.port();
            try {
                http = HttpListener.start(new InetSocketAddress(bind, wanted), BACKLOG, ex -> server[0].handle(ex),
                        HttpListener.Limits.defaults());
            } catch (java.net.BindException e) {
                if (port != 0 || wanted == 0) {
                    // "Address already in use" alone does not say which address.
                    throw new java.net.BindException("cannot listen on " + bind.getHostAddress() + ":" + wanted + ": "
                            + e.getMessage() + (port != 0 ? " (another process has it: choose another --port, or none)" : ""));
                }
                http = HttpListener.start(new InetSocketAddress(bind, 0), BACKLOG, ex -> server[0].handle(ex),
                        HttpListener.Limits.defaults());
            }
            if (port == 0 && http.address().getPort() != tokens.port()) {
                tokens = tokens.withPort(http.address().getPort());
                tokens.write(tokenFile, true);
            }
            server[0] = new Server(db.toAbsolutePath(), http, lock, maxRequests, tokens, HexFormat.of().formatHex(proof),
                    statementLimit, prices);
            server[0].discovery.write(db);
            server[0].writer.openSoon(server[0].commands::warmUp);
        } catch (IOException | RuntimeException e) {
            if (http != null) {
                http.close();
            }
            lock.channel().close();
            throw e;
        }
        return server[0];
    }

    Discovery discovery() {
        return discovery;
    }

    /** Nanoseconds since the last request with the token arrived. */
    long idleNanos() {
        return System.nanoTime() - lastRequestNanos;
    }

    private void handle(HttpExchange ex) throws IOException {
        try {
            route(ex);
        } catch (Responses.CutAnswer e) {
            // The exchange is left unclosed: the JDK's server then drops the connection, and
            // the client sees the body end before its terminating chunk (curl: exit 18).
            throw new IOException(e.getMessage());
        }
    }

    /** Answers and closes the exchange, but for a cut answer (or the client gone): that connection is dropped. */
    private void route(HttpExchange ex) throws IOException {
        try {
            Map<String, String> params = Responses.queryParams(ex.getRequestURI().getRawQuery());
            String path = ex.getRequestURI().getPath();
            String method = ex.getRequestMethod();
            if (!hostAllowed(ex)) {
                // A page of another site whose name was made to resolve to 127.0.0.1 (DNS
                // rebinding) still sends its own name: only this server's addresses are answered.
                send(ex, 421, "text/plain", "metadb: this server answers only requests addressed to it\n");
                ex.close();
                return;
            }
            boolean page = method.equals("GET") && (path.equals("/") || path.startsWith("/-/assets/")
                    || path.equals("/favicon.ico"));
            Grant grant = page ? Grant.NONE : grant(ex);
            boolean telemetry = OtlpReceiver.handles(path); // answers a missing token in OTLP's own form
            if (!page && grant == Grant.NONE && !telemetry) {
                send(ex, 401, "text/plain", "metadb: this server answers only requests that carry its token"
                        + " (Authorization: Bearer …); a browser opens the address metadb serve prints\n");
                ex.close();
                return;
            }
            if (!page && grant != Grant.NONE) {
                ex.getResponseHeaders().set(Discovery.PROOF_HEADER, discovery.proof()); // we are the server the file names
                lastRequestNanos = System.nanoTime(); // only those with the token keep an --idle-timeout server up
            }
            if (path.equals("/favicon.ico")) {
                send(ex, 204, "text/plain", ""); // no icon: a browser asks for one on every page
            } else if (path.equals("/")) {
                sendAsset(ex, "index.html");
            } else if (path.startsWith("/-/assets/")) {
                sendAsset(ex, path.substring("/-/assets/".length()));
            } else if (path.equals("/-/run") && method.equals("POST")) {
                launcher.run(ex, grant);
            } else if (telemetry) {
                otlp.receive(ex, path, method, grant);
            } else if (InsertApi.tableOf(path) != null) {
                insert(ex, method, grant, InsertApi.tableOf(path));
            } else if (grant != Grant.READ) {
                send(ex, 403, "text/plain", "metadb: the write token does not read; reports and queries take the read token\n");
            } else if (path.equals("/-/status.json") && method.equals("GET")) {
                send(ex, 200, "application/json", status());
            } else if (path.equals("/-/reports.json") && method.equals("GET")) {
                send(ex, 200, "application/json", Dashboard.reportsJson(db));
            } else if (method.equals("GET")) {
                admitted(ex, () -> api.answerApi(ex, path, params));
            } else {
                send(ex, 405, "text/plain", "metadb: " + method + " is not answered here\n");
            }
        } catch (Responses.CutAnswer e) {
            throw e;
        } catch (RuntimeException | Error e) {
            send(ex, 500, "text/plain", "metadb: " + e + "\n");
        }
        ex.close();
    }

    /** {@code POST /TABLE/-/insert}: the write token, a write slot (503 and Retry-After when none is free). */
    private void insert(HttpExchange ex, String method, Grant grant, String table) throws IOException {
        if (!method.equals("POST")) {
            ex.getResponseHeaders().set("Allow", "POST");
            InsertApi.fail(ex, 405, "inserts are POST /" + table + "/-/insert");
        } else if (grant != Grant.WRITE) {
            InsertApi.fail(ex, 403, "inserts need the write token (metadb serve --status --json shows it)");
        } else if (!admission.enter(true)) {
            insertBusy(ex);
        } else {
            try {
                long length = LauncherProtocol.contentLength(ex);
                if (length < 0) {
                    InsertApi.fail(ex, 411, "an insert needs a Content-Length");
                } else if (!Admission.fits(length)) {
                    InsertApi.fail(ex, 413, "a body over " + Admission.WRITE_BODY_BUDGET / (1024 * 1024)
                            + " MiB is not taken; send fewer rows at once");
                } else if (!admission.enterBody(length)) {
                    insertBusy(ex);
                } else {
                    try {
                        inserts.insert(ex, table);
                    } finally {
                        admission.leaveBody(length);
                    }
                }
            } finally {
                admission.leave(true);
            }
        }
    }

    /** 503 with Retry-After: no write slot or no room for the body (InsertApi.fail reads what is left of it). */
    private void insertBusy(HttpExchange ex) throws IOException {
        ex.getResponseHeaders().set("Retry-After", "1");
        InsertApi.fail(ex, 503, admission.busy(true).strip().replaceFirst("^metadb: ", ""));
    }

    private interface Answer {
        void run() throws IOException;
    }

    private void admitted(HttpExchange ex, Answer answer) throws IOException {
        if (!admission.enter(false)) {
            send(ex, 503, "text/plain", admission.busy(false));
            return;
        }
        try {
            answer.run();
        } finally {
            admission.leave(false);
        }
    }

    /**
     * What the request's token grants, read from {@code Authorization: Bearer}: the only place
     * it travels. Never a cookie (a browser sends a cookie of 127.0.0.1 to every port of
     * 127.0.0.1, so any local service would receive it), never the URL (logs, history).
     */
    private Grant grant(HttpExchange ex) {
        String header = ex.getRequestHeaders().getFirst("Authorization");
        String given = header != null && header.startsWith("Bearer ") ? header.substring("Bearer ".length()).trim() : null;
        if (given == null) {
            return Grant.NONE;
        }
        byte[] bytes = given.getBytes(StandardCharsets.US_ASCII);
        // Both compared, in constant time: how long an answer takes says nothing of either token.
        boolean read = MessageDigest.isEqual(readToken, bytes);
        boolean write = MessageDigest.isEqual(writeToken, bytes);
        return read ? Grant.READ : write ? Grant.WRITE : Grant.NONE;
    }

    /** Write requests in the server at once (they wait for the writer, mostly). */
    static final int MAX_WRITES = 64;
    /** Connections the kernel queues before the server accepts them. */
    private static final int BACKLOG = 512;

    /**
     * Whether the request's Host names this server: on a loopback address, only the loopback
     * names with this port (a server bound to another address answers the names it is reached by).
     */
    private boolean hostAllowed(HttpExchange ex) {
        java.net.InetAddress bound = http.address().getAddress();
        if (!bound.isLoopbackAddress()) {
            return true;
        }
        String host = ex.getRequestHeaders().getFirst("Host");
        if (host == null) {
            return ex.getProtocol().equals("HTTP/1.0"); // HTTP/1.0 may leave it out
        }
        int port = discovery.port();
        return host.equals("127.0.0.1:" + port) || host.equals("localhost:" + port) || host.equals("[::1]:" + port)
                || host.equals(bound.getHostAddress() + ":" + port);
    }

    private static void sendAsset(HttpExchange ex, String name) throws IOException {
        Dashboard.Asset asset = Dashboard.asset(name);
        if (asset == null) {
            send(ex, 404, "text/plain", "metadb: no such file here\n");
            return;
        }
        // The page loads only its own files and talks only to this server.
        ex.getResponseHeaders().set("Content-Security-Policy",
                "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
        ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        ex.getResponseHeaders().set("Referrer-Policy", "no-referrer");
        send(ex, 200, asset.contentType(), asset.bytes());
    }

    /** {@code GET /-/status.json}: the database, pid, requests running and answered, those the kept copies answered. */
    private String status() {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("db", db.toString());
        status.put("pid", discovery.pid());
        status.put("max_requests", maxRequests);
        status.put("running", admission.running());
        status.put("writing", admission.writing());
        status.put("answered", commands.answered());
        status.put("resident_answers", resident.answered());
        status.put("warm", commands.warm);
        try {
            return JSON.writeValueAsString(status) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write the status", e);
        }
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    /** The dashboard's address. */
    String dashboardUrl() {
        return ServeCommand.dashboardUrl(discovery);
    }

    /** Stops answering (requests running get a second to finish) and removes the discovery file. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        discovery.remove(db);
        http.close();
        launcher.close();
        writer.close(); // commits what was queued
        try {
            lock.channel().close(); // (released by the process's end anyway)
        } catch (IOException e) {
            // released at exit
        }
        resident.close();
    }
}
