package io.metadb.cli;

import com.sun.net.httpserver.HttpExchange;
import io.metadb.analytics.Param;
import io.metadb.analytics.Report;
import io.metadb.analytics.Reports;
import io.metadb.analytics.ResidentCopies;
import io.metadb.analytics.Snapshot;
import io.metadb.core.Durations;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The resident read path: an HTTP server over one database that answers every report and
 * {@code query} by running the very command an operator would run ({@link Main#run}, in
 * resident mode), so its bytes, exit codes and one-line errors are the command's own. Two
 * surfaces:
 * <ul>
 *   <li>{@code POST /-/run} with an {@code X-Metadb-Ticket}: the command line (NUL-separated
 *       arguments), answered with the command's stdout as a streamed body; its exit code and
 *       stderr, known only at its end, then from {@code GET /-/result?ticket=…} (the
 *       launcher asks both, each over a connection of its own). A command it does not
 *       answer (a write, a longer statement limit than its own) gets 422: the client runs
 *       it in-process;</li>
 *   <li>{@code GET /REPORT[.json|.csv|.txt|.nl]?option=value}, {@code GET /query.json?sql=…}:
 *       Datasette-style, JSON unless the suffix says otherwise; 400 for bad input (exit 2),
 *       500 for a failure (exit 1), the command's error line as the body. The first MiB is
 *       held back for that; a longer answer streams, and one that fails after it began is
 *       cut (the connection drops before the body's end).</li>
 * </ul>
 * Every request carries the token of the discovery file ({@code Authorization: Bearer} or
 * {@code ?_token=}); nothing writes. At most {@code maxRequests} answers are computed at
 * once; a request that finds no free slot within {@link #ADMISSION_WAIT_MS} gets 503. A
 * reader that goes away ends its command at the next rows written. Thread-safe.
 */
final class Server implements AutoCloseable {
    /** How long a request waits for a free slot before 503. */
    static final long ADMISSION_WAIT_MS = 2_000;
    /** The commands answered besides the reports. */
    static final String QUERY = "query";
    /** The header naming a run, under which its exit code and stderr are kept. */
    static final String TICKET_HEADER = "X-Metadb-Ticket";
    private static final int MAX_TICKET_CHARS = 100;
    /** The largest command line a run sends (NUL-separated arguments). */
    private static final int MAX_RUN_BYTES = 1 << 20;
    /** Statements users wrote ({@code query}) running at once. */
    static final int MAX_USER_STATEMENTS = 2;
    private final Semaphore userStatements = new Semaphore(MAX_USER_STATEMENTS, true);
    /** Characters of a body buffered before a chunk is sent. */
    private static final int BODY_BUFFER_CHARS = 1 << 16;
    /** The bytes of the answers: the command's own (UTF-8, whatever the server's locale). */
    static final java.nio.charset.Charset CHARSET = Main.OUTPUT_CHARSET;
    /** The charset as Content-Type names it (lower case, as the HTTP examples write it). */
    private static final String CHARSET_NAME = CHARSET.name().toLowerCase(Locale.ROOT);

    private final Path db;
    private final HttpListener http;
    /** Held for the server's life: one server per database. */
    private final java.nio.channels.FileLock lock;
    private final Semaphore slots;
    private final int maxRequests;
    private final byte[] token;
    private final Discovery discovery;
    private final Duration statementLimit;
    private final Results results = new Results();
    private volatile long lastRequestNanos = System.nanoTime();
    private final java.util.concurrent.atomic.AtomicLong answered = new java.util.concurrent.atomic.AtomicLong();
    /** The in-memory copies kept between answers (reports copy only what changed since the last). */
    private final ResidentCopies resident;

    private Server(Path db, HttpListener http, java.nio.channels.FileLock lock, int maxRequests, String token,
            String proof, Duration statementLimit) {
        this.db = db;
        this.lock = lock;
        this.statementLimit = statementLimit;
        this.http = http;
        this.maxRequests = maxRequests;
        this.slots = new Semaphore(maxRequests, true);
        this.token = token.getBytes(StandardCharsets.US_ASCII);
        this.resident = ResidentCopies.keep(db);
        List<String> names = new ArrayList<>();
        Reports.all().forEach(r -> names.add(r.name()));
        names.add(QUERY);
        this.discovery = new Discovery(http.address().getPort(), ProcessHandle.current().pid(), token, proof,
                http.address().getAddress().getHostAddress(), System.getProperty("java.class.path"),
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
    static Server start(Path db, InetAddress bind, int port, int maxRequests, Duration statementLimit)
            throws IOException {
        java.nio.channels.FileLock lock = Discovery.lock(db);
        if (lock == null) {
            throw new AlreadyServedException("another metadb serve holds " + Discovery.lockOf(db) + " (pid "
                    + Discovery.lockHolder(db) + ")");
        }
        SecureRandom random = new SecureRandom();
        byte[] secret = new byte[24];
        random.nextBytes(secret);
        byte[] proof = new byte[24];
        random.nextBytes(proof);
        Server[] server = new Server[1];
        HttpListener http = null;
        try {
            http = HttpListener.start(new InetSocketAddress(bind, port), 64, ex -> server[0].handle(ex),
                    HttpListener.Limits.defaults());
            server[0] = new Server(db.toAbsolutePath(), http, lock, maxRequests, HexFormat.of().formatHex(secret),
                    HexFormat.of().formatHex(proof), statementLimit);
            server[0].discovery.write(db);
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
        } catch (CutAnswer e) {
            // The exchange is left unclosed: the JDK's server then drops the connection, and
            // the client sees the body end before its terminating chunk (curl: exit 18).
            throw new IOException(e.getMessage());
        }
    }

    /** Answers and closes the exchange, but for a cut answer (or the client gone): that connection is dropped. */
    private void route(HttpExchange ex) throws IOException {
        try {
            Map<String, String> params = queryParams(ex.getRequestURI().getRawQuery());
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
            if (!page && !authorised(ex)) {
                send(ex, 401, "text/plain", "metadb: this server answers only requests that carry its token"
                        + " (Authorization: Bearer …); a browser opens the address metadb serve prints\n");
                ex.close();
                return;
            }
            if (!page) {
                ex.getResponseHeaders().set(Discovery.PROOF_HEADER, discovery.proof()); // we are the server the file names
                lastRequestNanos = System.nanoTime(); // only those with the token keep an --idle-timeout server up
            }
            if (path.equals("/favicon.ico")) {
                send(ex, 204, "text/plain", ""); // no icon: a browser asks for one on every page
            } else if (path.equals("/")) {
                sendAsset(ex, "index.html");
            } else if (path.startsWith("/-/assets/")) {
                sendAsset(ex, path.substring("/-/assets/".length()));
            } else if (path.equals("/-/reports.json") && method.equals("GET")) {
                send(ex, 200, "application/json", Dashboard.reportsJson(db));
            } else if (path.equals("/-/run") && method.equals("POST")) {
                admitted(ex, () -> runCommandLine(ex));
            } else if (path.equals("/-/result") && method.equals("GET")) {
                answerResult(ex, params);
            } else if (path.equals("/-/status.json") && method.equals("GET")) {
                send(ex, 200, "application/json", "{\"db\":" + jsonString(db.toString()) + ",\"pid\":" + discovery.pid()
                        + ",\"max_requests\":" + maxRequests + ",\"running\":" + (maxRequests - slots.availablePermits())
                        + ",\"answered\":" + answered.get() + ",\"resident_answers\":" + resident.answered() + "}\n");
            } else if (method.equals("GET")) {
                admitted(ex, () -> answerApi(ex, path, params));
            } else {
                send(ex, 405, "text/plain", "metadb: " + method + " is not answered here\n");
            }
        } catch (CutAnswer e) {
            throw e;
        } catch (RuntimeException | Error e) {
            send(ex, 500, "text/plain", "metadb: " + e + "\n");
        }
        ex.close();
    }

    /** An answer that failed after its 200 and part of its body were sent. */
    private static final class CutAnswer extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CutAnswer(String message) {
            super(message);
        }
    }

    private interface Answer {
        void run() throws IOException;
    }

    private void admitted(HttpExchange ex, Answer answer) throws IOException {
        boolean admitted;
        try {
            admitted = slots.tryAcquire(ADMISSION_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            admitted = false;
        }
        if (!admitted) {
            send(ex, 503, "text/plain", "metadb: the server is busy (" + maxRequests + " requests running); try again\n");
            return;
        }
        try {
            answer.run();
        } finally {
            slots.release();
        }
    }

    /**
     * Whether the request carries the token, in {@code Authorization: Bearer}: the only place it
     * travels. Never a cookie (a browser sends a cookie of 127.0.0.1 to every port of
     * 127.0.0.1, so any local service would receive it), never the URL (logs, history).
     */
    private boolean authorised(HttpExchange ex) {
        String header = ex.getRequestHeaders().getFirst("Authorization");
        String given = header != null && header.startsWith("Bearer ") ? header.substring("Bearer ".length()).trim() : null;
        return given != null && MessageDigest.isEqual(token, given.getBytes(StandardCharsets.US_ASCII));
    }

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

    /** The dashboard's address. */
    String dashboardUrl() {
        return ServeCommand.dashboardUrl(discovery);
    }

    /**
     * {@code POST /-/run}: the launcher's client; answers exactly as the command would. The
     * command's stdout is the body, streamed as it is printed (chunked; to an HTTP/1.0
     * client, as the launcher is, unframed until the connection closes); its exit code and
     * stderr, known only at the end, are kept under the request's ticket for
     * {@code GET /-/result} (which the launcher asks next).
     */
    private void runCommandLine(HttpExchange ex) throws IOException {
        String ticket = ex.getRequestHeaders().getFirst(TICKET_HEADER);
        if (ticket == null || ticket.isEmpty() || ticket.length() > MAX_TICKET_CHARS) {
            send(ex, 400, "text/plain", "metadb: a run needs a " + TICKET_HEADER + " header\n");
            return;
        }
        byte[] body;
        try (InputStream in = ex.getRequestBody()) {
            body = in.readNBytes(MAX_RUN_BYTES + 1);
        }
        if (body.length > MAX_RUN_BYTES) {
            send(ex, 413, "text/plain", "metadb: a command line over " + MAX_RUN_BYTES / 1024 + " KiB is not answered here\n");
            return;
        }
        List<String> args = new ArrayList<>();
        String text = new String(body, StandardCharsets.UTF_8);
        for (String arg : text.split("\0", -1)) {
            args.add(arg);
        }
        if (!args.isEmpty() && args.get(args.size() - 1).isEmpty()) {
            args.remove(args.size() - 1); // the terminator after the last argument
        }
        String invoked = Main.invokedCommand(args.toArray(String[]::new));
        if (invoked == null || !answers(invoked) || !withinLimit(args)) {
            // Not this server's to answer (a write, or a longer statement than it allows):
            // the client runs the command in its own process.
            send(ex, 422, "text/plain", "metadb: not answered here; run it in-process\n");
            return;
        }
        if (!statementSlot(invoked)) {
            send(ex, 503, "text/plain", busyStatements());
            return;
        }
        try {
            ex.getResponseHeaders().set("Content-Type", "text/plain; charset=" + CHARSET_NAME);
            ex.getResponseHeaders().set("Cache-Control", "no-store");
            ex.sendResponseHeaders(200, 0);
            StringWriter err = new StringWriter();
            int code;
            try (OutputStream body2 = ex.getResponseBody()) {
                PrintWriter out = new PrintWriter(new BufferedWriter(new OutputStreamWriter(body2, CHARSET), BODY_BUFFER_CHARS));
                code = Main.run(onThisDb(args), out, new PrintWriter(err), true);
                answered.incrementAndGet();
                results.put(ticket, code, err.toString());
                out.flush();
            } catch (IOException e) {
                return; // the client went away (its result is kept until it expires)
            }
        } finally {
            releaseStatementSlot(invoked);
        }
    }

    /**
     * Takes one of the slots for statements users wrote ({@code query}), waiting at most
     * {@link #ADMISSION_WAIT_MS}; true at once for a report (its statements are the code's).
     * One such statement may hold up to ~200 MiB of SQLite's memory at once (see
     * {@link io.metadb.core.SqliteFiles#boundUserStatements}); two at once bound the server's.
     */
    private boolean statementSlot(String command) {
        if (!command.equals(QUERY)) {
            return true;
        }
        try {
            return userStatements.tryAcquire(ADMISSION_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void releaseStatementSlot(String command) {
        if (command.equals(QUERY)) {
            userStatements.release();
        }
    }

    private static String busyStatements() {
        return "metadb: the server is running " + MAX_USER_STATEMENTS + " queries; try again\n";
    }

    /** {@code GET /-/result?ticket=T}: the exit code, a newline, then the stderr of that run. */
    private void answerResult(HttpExchange ex, Map<String, String> params) throws IOException {
        Results.Result r = results.take(params.getOrDefault("ticket", ""));
        if (r == null) {
            send(ex, 404, "text/plain", "metadb: no result for that ticket\n");
            return;
        }
        send(ex, 200, "text/plain", r.exit() + "\n" + r.stderr());
    }

    /** Whether the run's statement limit ({@code --timeout}, else the default) is within the server's. */
    private boolean withinLimit(List<String> args) {
        String given = Main.optionValue(args, "--timeout");
        if (given == null) {
            return allows(Snapshot.DEFAULT_STATEMENT_LIMIT);
        }
        try {
            return allows(Durations.parse(given));
        } catch (IllegalArgumentException e) {
            return true; // the command says what is wrong with it, as in-process
        }
    }

    /** Whether this server runs statements for as long as {@code limit}. */
    private boolean allows(Duration limit) {
        return limit.compareTo(statementLimit) <= 0;
    }

    private static boolean answers(String command) {
        return command.equals(QUERY) || Reports.named(command) != null;
    }

    /** The arguments with {@code --db} naming the served file (the client's cwd is not ours). */
    private String[] onThisDb(List<String> args) {
        List<String> out = new ArrayList<>(List.of("--db", db.toString()));
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--db")) {
                i++;
            } else if (!a.startsWith("--db=")) {
                out.add(a);
            }
        }
        return out.toArray(String[]::new);
    }

    /** {@code GET /NAME[.ext]?…}: the same command, from a URL. */
    private void answerApi(HttpExchange ex, String path, Map<String, String> params) throws IOException {
        String name = path.startsWith("/") ? path.substring(1) : path;
        String ext = "json";
        int dot = name.lastIndexOf('.');
        if (dot > 0) {
            ext = name.substring(dot + 1);
            name = name.substring(0, dot);
        }
        Report<?, ?> report = Reports.named(name);
        if (report == null && !name.equals(QUERY)) {
            send(ex, 404, "text/plain", "metadb: no report '" + name + "' here; reports: "
                    + String.join(", ", Reports.all().stream().map(Report::name).toList()) + ", and query\n");
            return;
        }
        List<String> args = new ArrayList<>();
        if (params.containsKey("_now")) {
            args.addAll(List.of("--now", params.get("_now")));
        }
        args.add(name);
        String bad = addOptions(report, params, args);
        if (bad != null) {
            send(ex, 400, "text/plain", "metadb: " + bad + "\n");
            return;
        }
        String contentType;
        switch (params.getOrDefault("_nl", "").equals("on") ? "nl" : ext) {
            case "json" -> {
                args.add("--json");
                contentType = "application/json";
            }
            case "nl" -> {
                args.add("--nl");
                contentType = "application/x-ndjson";
            }
            case "csv" -> {
                args.add("--csv");
                contentType = "text/csv";
            }
            case "txt" -> contentType = "text/plain";
            default -> {
                send(ex, 404, "text/plain", "metadb: ." + ext + " is not a format here (json, csv, txt, nl)\n");
                return;
            }
        }
        if (params.containsKey("_timeout")) {
            Duration asked;
            try {
                asked = Durations.parse(params.get("_timeout"));
            } catch (IllegalArgumentException e) {
                send(ex, 400, "text/plain", "metadb: _timeout: " + e.getMessage() + "\n");
                return;
            }
            if (!allows(asked)) {
                send(ex, 400, "text/plain", "metadb: _timeout: this server stops statements after "
                        + statementLimit.toSeconds() + " s at most\n");
                return;
            }
            args.addAll(0, List.of("--timeout", params.get("_timeout")));
        }
        if (!statementSlot(name)) {
            send(ex, 503, "text/plain", busyStatements());
            return;
        }
        try {
            StringWriter err = new StringWriter();
            DeferredBody body = new DeferredBody(ex, contentType);
            PrintWriter out = new PrintWriter(new BufferedWriter(new OutputStreamWriter(body, CHARSET), BODY_BUFFER_CHARS));
            int code = Main.run(onThisDb(args), out, new PrintWriter(err), true);
            answered.incrementAndGet();
            out.flush();
            body.finish(code, err.toString());
        } finally {
            releaseStatementSlot(name);
        }
    }

    /**
     * A response body that holds the first {@link #HOLD_BYTES} bytes back, so that a command
     * that fails early gets its true status (400, 500) with its error line as the body; a
     * longer answer is committed as 200 and streamed. Should the command fail after that, the
     * connection is cut before the body's end, so the client sees an incomplete transfer
     * rather than a truncated answer that looks whole.
     */
    private static final class DeferredBody extends OutputStream {
        static final int HOLD_BYTES = 1 << 20;
        private final HttpExchange ex;
        private final String contentType;
        private java.io.ByteArrayOutputStream held = new java.io.ByteArrayOutputStream();
        private OutputStream live;
        private boolean failed;

        DeferredBody(HttpExchange ex, String contentType) {
            this.ex = ex;
            this.contentType = contentType;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (failed) {
                throw new IOException("the client went away");
            }
            if (live == null && held.size() + len <= HOLD_BYTES) {
                held.write(b, off, len);
                return;
            }
            try {
                if (live == null) {
                    ex.getResponseHeaders().set("Content-Type", contentType + "; charset=" + CHARSET_NAME);
                    ex.getResponseHeaders().set("Cache-Control", "no-store");
                    ex.sendResponseHeaders(200, 0);
                    live = ex.getResponseBody();
                    held.writeTo(live);
                    held = null;
                }
                live.write(b, off, len);
            } catch (IOException e) {
                failed = true;
                throw e;
            }
        }

        @Override
        public void flush() throws IOException {
            if (live != null && !failed) {
                live.flush();
            }
        }

        /** Ends the response: the held answer with its status, or the end of a streamed one. */
        void finish(int exit, String stderr) throws IOException {
            if (live == null) {
                if (exit == 0) {
                    send(ex, 200, contentType, held.toByteArray());
                } else {
                    send(ex, exit == Main.EXIT_BAD_INPUT ? 400 : 500, "text/plain", stderr.getBytes(CHARSET));
                }
                return;
            }
            if (exit != 0 && exit != Main.EXIT_READER_GONE) {
                throw new CutAnswer("the answer failed after it began: " + stderr.strip());
            }
            if (!failed) {
                live.close();
            }
        }
    }

    /** The command-line options of the URL's parameters; an error line for an unknown one. */
    private static String addOptions(Report<?, ?> report, Map<String, String> params, List<String> args) {
        Map<String, Param<?>> known = new LinkedHashMap<>();
        if (report != null) {
            report.params().forEach(p -> known.put(p.name(), p));
        }
        for (String key : params.keySet()) {
            boolean special = key.startsWith("_");
            if (!special && !known.containsKey(key) && !(report == null && key.equals("sql"))) {
                return "unknown parameter '" + key + "'; " + (report == null ? "query takes sql"
                        : report.name() + " takes " + (known.isEmpty() ? "none" : String.join(", ", known.keySet())));
            }
        }
        if (report == null) {
            if (!params.containsKey("sql")) {
                return "query needs sql=…";
            }
            args.add(params.get("sql"));
            return null;
        }
        for (Param<?> p : report.params()) {
            String value = params.get(p.name());
            if (value == null) {
                continue;
            }
            if (p.positional()) {
                args.add(value);
            } else {
                args.add("--" + p.name());
                args.add(value);
            }
        }
        return null;
    }

    private static Map<String, String> queryParams(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.put(key, value);
        }
        return out;
    }

    private static void send(HttpExchange ex, int status, String contentType, String body) throws IOException {
        send(ex, status, contentType, body.getBytes(CHARSET));
    }

    private static void send(HttpExchange ex, int status, String contentType, byte[] bytes) throws IOException {
        ex.getResponseHeaders().set("Content-Type", contentType + "; charset=" + CHARSET_NAME);
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream os = ex.getResponseBody()) {
                os.write(bytes);
            }
        }
    }

    private static String jsonString(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    /**
     * Exit codes and stderr of finished runs, by ticket, until taken or a minute old (a client
     * that went away never takes its own). Thread-safe.
     */
    private static final class Results {
        record Result(int exit, String stderr, long atNanos) {}

        private static final long KEEP_NANOS = TimeUnit.MINUTES.toNanos(1);
        private static final int MAX_KEPT = 10_000;
        private final LinkedHashMap<String, Result> byTicket = new LinkedHashMap<>();

        synchronized void put(String ticket, int exit, String stderr) {
            long now = System.nanoTime();
            byTicket.values().removeIf(r -> now - r.atNanos() > KEEP_NANOS);
            if (byTicket.size() >= MAX_KEPT) {
                byTicket.remove(byTicket.keySet().iterator().next());
            }
            byTicket.put(ticket, new Result(exit, stderr, now));
        }

        synchronized Result take(String ticket) {
            return byTicket.remove(ticket);
        }
    }

    /** Stops answering (requests running get a second to finish) and removes the discovery file. */
    @Override
    public void close() {
        discovery.remove(db);
        http.close();
        try {
            lock.channel().close(); // (released by the process's end anyway)
        } catch (IOException e) {
            // released at exit
        }
        resident.close();
    }
}
