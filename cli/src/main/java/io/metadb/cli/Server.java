package io.metadb.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.metadb.analytics.Param;
import io.metadb.analytics.Report;
import io.metadb.analytics.Reports;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The resident read path: an HTTP server over one database that answers every report and
 * {@code query} by running the very command an operator would run ({@link Main#run}, in
 * resident mode), so its bytes, exit codes and one-line errors are the command's own. Two
 * surfaces:
 * <ul>
 *   <li>{@code POST /-/run}: the command line (NUL-separated arguments), answered with the
 *       command's stdout as the body, its exit code in {@code X-Metadb-Exit} and its stderr
 *       (percent-encoded) in {@code X-Metadb-Stderr}; the launcher's client;</li>
 *   <li>{@code GET /REPORT[.json|.csv|.txt|.nl]?option=value}, {@code GET /query.json?sql=…}:
 *       Datasette-style, JSON unless the suffix says otherwise; 400 for bad input (exit 2),
 *       500 for a failure (exit 1), the command's error line as the body.</li>
 * </ul>
 * Every request carries the token of the discovery file ({@code Authorization: Bearer} or
 * {@code ?_token=}); nothing writes. At most {@code maxRequests} answers are computed at
 * once; a request that finds no free slot within {@link #ADMISSION_WAIT_MS} gets 503.
 * Thread-safe.
 */
final class Server implements AutoCloseable {
    /** How long a request waits for a free slot before 503. */
    static final long ADMISSION_WAIT_MS = 2_000;
    /** The commands answered besides the reports. */
    static final String QUERY = "query";

    private final Path db;
    private final HttpServer http;
    private final ExecutorService threads;
    private final Semaphore slots;
    private final int maxRequests;
    private final byte[] token;
    private final Discovery discovery;
    private volatile long lastRequestNanos = System.nanoTime();
    private final java.util.concurrent.atomic.AtomicLong answered = new java.util.concurrent.atomic.AtomicLong();

    private Server(Path db, HttpServer http, ExecutorService threads, int maxRequests, String token) {
        this.db = db;
        this.http = http;
        this.threads = threads;
        this.maxRequests = maxRequests;
        this.slots = new Semaphore(maxRequests, true);
        this.token = token.getBytes(StandardCharsets.US_ASCII);
        List<String> names = new ArrayList<>();
        Reports.all().forEach(r -> names.add(r.name()));
        names.add(QUERY);
        this.discovery = new Discovery(http.getAddress().getPort(), ProcessHandle.current().pid(), token,
                http.getAddress().getAddress().getHostAddress(), System.getProperty("java.class.path"),
                String.join(" ", names));
    }

    /** Listens on {@code bind}:{@code port} (0: any free port) and writes the discovery file. */
    static Server start(Path db, InetAddress bind, int port, int maxRequests) throws IOException {
        byte[] secret = new byte[24];
        new SecureRandom().nextBytes(secret);
        HttpServer http = HttpServer.create(new InetSocketAddress(bind, port), 64);
        // More threads than slots: a request beyond the limit is still read and told 503.
        ExecutorService threads = Executors.newFixedThreadPool(maxRequests + 4, r -> {
            Thread t = new Thread(r, "metadb-serve");
            t.setDaemon(true);
            return t;
        });
        http.setExecutor(threads);
        Server server = new Server(db.toAbsolutePath(), http, threads, maxRequests, HexFormat.of().formatHex(secret));
        http.createContext("/", server::handle);
        http.start();
        server.discovery.write(db);
        return server;
    }

    Discovery discovery() {
        return discovery;
    }

    /** Nanoseconds since the last request arrived. */
    long idleNanos() {
        return System.nanoTime() - lastRequestNanos;
    }

    private void handle(HttpExchange ex) throws IOException {
        lastRequestNanos = System.nanoTime();
        try (ex) {
            Map<String, String> params = queryParams(ex.getRequestURI().getRawQuery());
            if (!authorised(ex, params.get("_token"))) {
                send(ex, 401, "text/plain", "metadb: this server answers requests that carry its token (Authorization:"
                        + " Bearer, from " + Discovery.fileOf(db) + ")\n");
                return;
            }
            String path = ex.getRequestURI().getPath();
            String method = ex.getRequestMethod();
            if (path.equals("/-/run") && method.equals("POST")) {
                admitted(ex, () -> runCommandLine(ex));
            } else if (path.equals("/-/status.json") && method.equals("GET")) {
                send(ex, 200, "application/json", "{\"db\":" + jsonString(db.toString()) + ",\"pid\":" + discovery.pid()
                        + ",\"max_requests\":" + maxRequests + ",\"answered\":" + answered.get() + "}\n");
            } else if (method.equals("GET")) {
                admitted(ex, () -> answerApi(ex, path, params));
            } else {
                send(ex, 405, "text/plain", "metadb: " + method + " is not answered here\n");
            }
        } catch (RuntimeException | Error e) {
            send(ex, 500, "text/plain", "metadb: " + e + "\n");
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
            answered.incrementAndGet();
        } finally {
            slots.release();
        }
    }

    private boolean authorised(HttpExchange ex, String queryToken) {
        String header = ex.getRequestHeaders().getFirst("Authorization");
        String given = header != null && header.startsWith("Bearer ") ? header.substring("Bearer ".length()).trim() : queryToken;
        return given != null && MessageDigest.isEqual(token, given.getBytes(StandardCharsets.US_ASCII));
    }

    /** {@code POST /-/run}: the launcher's client; answers exactly as the command would. */
    private void runCommandLine(HttpExchange ex) throws IOException {
        byte[] body;
        try (InputStream in = ex.getRequestBody()) {
            body = in.readNBytes(1 << 20);
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
        if (invoked == null || !answers(invoked)) {
            respond(ex, 2, "", "metadb: metadb serve answers reports and query only, not "
                    + (invoked == null ? "this command line" : invoked) + "\n");
            return;
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(onThisDb(args), new PrintWriter(out), new PrintWriter(err), true);
        respond(ex, code, out.toString(), err.toString());
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

    private void respond(HttpExchange ex, int exit, String stdout, String stderr) throws IOException {
        ex.getResponseHeaders().set("X-Metadb-Exit", String.valueOf(exit));
        ex.getResponseHeaders().set("X-Metadb-Stderr", URLEncoder.encode(stderr, StandardCharsets.UTF_8));
        send(ex, 200, "text/plain", stdout);
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
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(onThisDb(args), new PrintWriter(out), new PrintWriter(err), true);
        if (code == 0) {
            send(ex, 200, contentType, out.toString());
        } else {
            send(ex, code == Main.EXIT_BAD_INPUT ? 400 : 500, "text/plain", err.toString());
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
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", contentType + "; charset=utf-8");
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

    /** Stops answering (requests running get a second to finish) and removes the discovery file. */
    @Override
    public void close() {
        discovery.remove(db);
        http.stop(1);
        threads.shutdownNow();
    }
}
