package io.metadb.cli;

import static io.metadb.cli.Responses.BODY_BUFFER_CHARS;
import static io.metadb.cli.Responses.CHARSET;
import static io.metadb.cli.Responses.CHARSET_NAME;
import static io.metadb.cli.Responses.send;

import com.sun.net.httpserver.HttpExchange;
import io.metadb.analytics.Param;
import io.metadb.analytics.Report;
import io.metadb.analytics.Reports;
import io.metadb.core.Durations;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The HTTP API (Datasette's conventions): {@code GET /REPORT[.json|.csv|.txt|.nl]?option=value},
 * {@code GET /query.json?sql=…}, JSON unless the suffix says otherwise; 400 for bad input
 * (exit 2), 500 for a failure (exit 1), the command's error line as the body. The first MiB is
 * held back for that; a longer answer streams, and one that fails after it began is cut (the
 * connection drops before the body's end). Thread-safe.
 */
final class HttpApi {
    private final Commands commands;

    HttpApi(Commands commands) {
        this.commands = commands;
    }

    /** {@code GET /NAME[.ext]?…}: the same command, from a URL. */
    void answerApi(HttpExchange ex, String path, Map<String, String> params) throws IOException {
        String name = path.startsWith("/") ? path.substring(1) : path;
        String ext = "json";
        int dot = name.lastIndexOf('.');
        if (dot > 0) {
            ext = name.substring(dot + 1);
            name = name.substring(0, dot);
        }
        Report<?, ?> report = Reports.named(name);
        if (report == null && !name.equals(Commands.QUERY)) {
            send(ex, 404, "text/plain", "metadb: no report '" + name + "' here; reports: "
                    + String.join(", ", Reports.all().stream().map(Report::name).toList()) + ", and query\n");
            return;
        }
        Map<String, String> values = new LinkedHashMap<>();
        String bad = values(report, params, values);
        if (bad != null) {
            send(ex, 400, "text/plain", "metadb: " + bad + "\n");
            return;
        }
        String contentType;
        Output.Format format;
        switch (params.getOrDefault("_nl", "").equals("on") ? "nl" : ext) {
            case "json" -> {
                format = Output.Format.JSON;
                contentType = "application/json";
            }
            case "nl" -> {
                format = Output.Format.NL;
                contentType = "application/x-ndjson";
            }
            case "csv" -> {
                format = Output.Format.CSV;
                contentType = "text/csv";
            }
            case "txt" -> {
                format = Output.Format.TABLE;
                contentType = "text/plain";
            }
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
            if (!commands.allows(asked)) {
                send(ex, 400, "text/plain", "metadb: _timeout: this server stops statements after "
                        + commands.statementLimit().toSeconds() + " s at most\n");
                return;
            }
        }
        Invocation inv = new Invocation(name, values, format, params.get("_now"), params.get("_timeout"), false);
        if (!commands.statementSlot(name)) {
            send(ex, 503, "text/plain", Commands.busyStatements());
            return;
        }
        try {
            StringWriter err = new StringWriter();
            DeferredBody body = new DeferredBody(ex, contentType);
            PrintWriter out = new PrintWriter(new BufferedWriter(new OutputStreamWriter(body, CHARSET), BODY_BUFFER_CHARS));
            int code = commands.run(inv, out, new PrintWriter(err));
            out.flush();
            body.finish(code, err.toString());
        } finally {
            commands.releaseStatementSlot(name);
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
                throw new Responses.CutAnswer("the answer failed after it began: " + stderr.strip());
            }
            if (!failed) {
                live.close();
            }
        }
    }

    /** The invocation's values from the URL's parameters (into {@code values}); an error line for an unknown one. */
    private static String values(Report<?, ?> report, Map<String, String> params, Map<String, String> values) {
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
            values.put("sql", params.get("sql"));
            return null;
        }
        for (Param<?> p : report.params()) {
            if (params.get(p.name()) != null) {
                values.put(p.name(), params.get(p.name()));
            }
        }
        return null;
    }
}
