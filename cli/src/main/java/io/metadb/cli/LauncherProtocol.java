package io.metadb.cli;

import static io.metadb.cli.Responses.BODY_BUFFER_CHARS;
import static io.metadb.cli.Responses.CHARSET;
import static io.metadb.cli.Responses.send;

import com.sun.net.httpserver.HttpExchange;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The launcher's protocol (what {@code bin/metadb} sends; not for other clients): one
 * {@code POST /-/run} per command. The body is the command line (NUL-separated, its length in
 * {@value #ARGS_HEADER}), then, for {@code ingest}, its input. The answer is the command's
 * stdout and then its exit code and stderr, in {@link FramedOutput}'s frames, so that one
 * request tells the client everything and a client can tell a slow answer from a stopped
 * server. A command the server does not answer (another write, a longer statement limit than
 * its own) gets 422, and one whose token does not grant it 403: the client runs it in-process.
 * Thread-safe.
 */
final class LauncherProtocol implements AutoCloseable {
    /** The header giving the command line's length in bytes, at the start of the body. */
    static final String ARGS_HEADER = "X-Metadb-Args";
    /** The largest command line a run sends (NUL-separated arguments). */
    private static final int MAX_RUN_BYTES = 1 << 20;
    /** The commands that write, answered through the server's writer (with the write token only). */
    static final Set<String> WRITES = Set.of("ingest", "record");

    private final Commands commands;
    private final Admission admission;
    private final java.util.function.Supplier<io.metadb.dao.MetaDb> writer;
    private final Set<FramedOutput> running = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> daemon(r,
            "metadb-keep-alive"));
    /** Keep-alives are written here: one client that stopped reading must not hold up the others'. */
    private final ExecutorService keepAlives = Executors.newCachedThreadPool(r -> daemon(r, "metadb-keep-alive-write"));

    LauncherProtocol(Commands commands, Admission admission, java.util.function.Supplier<io.metadb.dao.MetaDb> writer) {
        this.commands = commands;
        this.admission = admission;
        this.writer = writer;
        ticker.scheduleWithFixedDelay(() -> running.forEach(o -> keepAlives.execute(o::keepAlive)), 250, 250,
                TimeUnit.MILLISECONDS);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** {@code POST /-/run}: runs the command line and answers in frames (see the class comment). */
    void run(HttpExchange ex, Grant grant) throws IOException {
        long argsLength;
        try {
            argsLength = Long.parseLong(String.valueOf(ex.getRequestHeaders().getFirst(ARGS_HEADER)));
        } catch (NumberFormatException e) {
            send(ex, 400, "text/plain", "metadb: a run needs its command line's length in " + ARGS_HEADER + "\n");
            return;
        }
        if (argsLength < 0 || argsLength > MAX_RUN_BYTES) {
            drain(ex);
            send(ex, 413, "text/plain", "metadb: a command line over " + MAX_RUN_BYTES / 1024 + " KiB is not answered here\n");
            return;
        }
        InputStream body = ex.getRequestBody();
        byte[] line = body.readNBytes((int) argsLength);
        if (line.length < argsLength) {
            send(ex, 400, "text/plain", "metadb: the command line ended early\n");
            return;
        }
        List<String> args = new ArrayList<>();
        for (String arg : new String(line, StandardCharsets.UTF_8).split("\0", -1)) {
            args.add(arg);
        }
        if (!args.isEmpty() && args.get(args.size() - 1).isEmpty()) {
            args.remove(args.size() - 1); // the terminator after the last argument
        }
        String invoked = Main.invokedCommand(args.toArray(String[]::new));
        boolean write = invoked != null && WRITES.contains(invoked);
        if (invoked == null || !write && (!Commands.answers(invoked) || !commands.withinLimit(args))) {
            // Not this server's to answer (another write, or a longer statement than it allows):
            // the client runs the command in its own process.
            drain(ex);
            send(ex, 422, "text/plain", "metadb: not answered here; run it in-process\n");
            return;
        }
        if (grant != (write ? Grant.WRITE : Grant.READ)) {
            drain(ex);
            send(ex, 403, "text/plain", write ? "metadb: writes need the write token\n"
                    : "metadb: the write token does not read; reports and queries take the read token\n");
            return;
        }
        if (!admission.enter(write)) {
            busy(ex, write);
            return;
        }
        long length = write ? contentLength(ex) : 0;
        try {
            if (write && !Admission.fits(length)) {
                // Too large to hold here: the client runs it in-process (nothing of its input was used).
                drain(ex);
                send(ex, 413, "text/plain", "metadb: a write over " + Admission.WRITE_BODY_BUDGET / (1024 * 1024)
                        + " MiB is not taken here; run it in-process\n");
                return;
            }
            if (write && !admission.enterBody(length)) {
                busy(ex, true);
                return;
            }
            if (!write && !commands.statementSlot(invoked)) {
                send(ex, 503, "text/plain", Commands.busyStatements());
                return;
            }
            try {
                answer(ex, args, write ? new ServedWrites(writer, body) : null);
            } finally {
                if (write) {
                    admission.leaveBody(length);
                } else {
                    commands.releaseStatementSlot(invoked);
                }
            }
        } finally {
            admission.leave(write);
        }
    }

    /** 503 with Retry-After: nothing of the request was done (the launcher runs it in-process). */
    private void busy(HttpExchange ex, boolean write) throws IOException {
        drain(ex);
        ex.getResponseHeaders().set("Retry-After", "1");
        send(ex, 503, "text/plain", admission.busy(write));
    }

    /** The most of a refused request's body read (and dropped) before its answer. */
    private static final long DRAIN_BYTES = Admission.WRITE_BODY_BUDGET + MAX_RUN_BYTES;

    /**
     * Reads what is left of a refused request's body (up to {@link #DRAIN_BYTES}): a client
     * still sending it would otherwise see the connection reset instead of the answer.
     */
    static void drain(HttpExchange ex) throws IOException {
        InputStream in = ex.getRequestBody();
        byte[] skip = new byte[1 << 16];
        long left = DRAIN_BYTES;
        int n;
        while (left > 0 && (n = in.read(skip, 0, (int) Math.min(skip.length, left))) > 0) {
            left -= n;
        }
    }

    /** The request's Content-Length, or -1 if it has none (a body of unknown length is not taken for a write). */
    static long contentLength(HttpExchange ex) {
        try {
            return Long.parseLong(String.valueOf(ex.getRequestHeaders().getFirst("Content-Length")).trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private void answer(HttpExchange ex, List<String> args, ServedWrites served) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "application/x-metadb-frames");
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.sendResponseHeaders(200, 0);
        FramedOutput framed = new FramedOutput(ex.getResponseBody());
        running.add(framed);
        try {
            StringWriter err = new StringWriter();
            PrintWriter out = new PrintWriter(new BufferedWriter(new OutputStreamWriter(framed, CHARSET), BODY_BUFFER_CHARS));
            int code = commands.run(args, out, new PrintWriter(err), served);
            out.flush();
            if (out.checkError()) {
                return; // the client went away: nobody reads the end
            }
            framed.finish(code, err.toString());
        } catch (IOException e) {
            // the client went away
        } finally {
            running.remove(framed);
        }
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        keepAlives.shutdownNow();
    }
}
