package io.metadb.cli;

import static io.metadb.cli.Responses.CHARSET;
import static io.metadb.cli.Responses.CHARSET_NAME;
import static io.metadb.cli.Responses.BODY_BUFFER_CHARS;
import static io.metadb.cli.Responses.send;

import com.sun.net.httpserver.HttpExchange;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The launcher's protocol (what {@code bin/metadb} sends; not for other clients): {@code POST
 * /-/run} with an {@code X-Metadb-Ticket} and the NUL-separated command line, answered with
 * the command's stdout as it is printed; then {@code GET /-/result?ticket=…}, its exit code
 * and stderr, which exist only once it ended. A command the server does not answer (a write, a
 * longer statement limit than its own) gets 422: the client runs it in-process. Thread-safe.
 */
final class LauncherProtocol {
    /** The header naming a run, under which its exit code and stderr are kept. */
    static final String TICKET_HEADER = "X-Metadb-Ticket";
    private static final int MAX_TICKET_CHARS = 100;
    /** The largest command line a run sends (NUL-separated arguments). */
    private static final int MAX_RUN_BYTES = 1 << 20;

    private final Commands commands;
    private final Results results = new Results();

    LauncherProtocol(Commands commands) {
        this.commands = commands;
    }

    /**
     * {@code POST /-/run}: the launcher's client; answers exactly as the command would. The
     * command's stdout is the body, streamed as it is printed (chunked; to an HTTP/1.0
     * client, as the launcher is, unframed until the connection closes); its exit code and
     * stderr, known only at the end, are kept under the request's ticket for
     * {@code GET /-/result} (which the launcher asks next).
     */
    void runCommandLine(HttpExchange ex) throws IOException {
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
        if (invoked == null || !Commands.answers(invoked) || !commands.withinLimit(args)) {
            // Not this server's to answer (a write, or a longer statement than it allows):
            // the client runs the command in its own process.
            send(ex, 422, "text/plain", "metadb: not answered here; run it in-process\n");
            return;
        }
        if (!commands.statementSlot(invoked)) {
            send(ex, 503, "text/plain", Commands.busyStatements());
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
                code = commands.run(args, out, new PrintWriter(err));
                results.put(ticket, code, err.toString());
                out.flush();
            } catch (IOException e) {
                return; // the client went away (its result is kept until it expires)
            }
        } finally {
            commands.releaseStatementSlot(invoked);
        }
    }

    /** {@code GET /-/result?ticket=T}: the exit code, a newline, then the stderr of that run. */
    void answerResult(HttpExchange ex, Map<String, String> params) throws IOException {
        Results.Result r = results.take(params.getOrDefault("ticket", ""));
        if (r == null) {
            send(ex, 404, "text/plain", "metadb: no result for that ticket\n");
            return;
        }
        send(ex, 200, "text/plain", r.exit() + "\n" + r.stderr());
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
}
