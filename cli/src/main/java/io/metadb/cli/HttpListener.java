package io.metadb.cli;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP/1.x listener under {@link Server}: a thread per connection, at most
 * {@link Limits#maxConnections} of them, each request head read within
 * {@link Limits#headTimeout} and at most {@link Limits#maxHeadBytes}, an idle keep-alive
 * connection closed after {@link Limits#idleTimeout}. A connection counts as unauthenticated
 * while it has not delivered a whole request head (nobody can be authenticated before that):
 * when every connection is taken, the one that has waited longest in that state is closed to
 * let the new one in, so silent or trickling clients can hold neither threads nor the
 * answers of those who send requests. (The JDK's own server read request heads on its
 * request threads with no time limit: eight clients sending one byte each held all eight.)
 * Requests are handed to the handler as {@link HttpExchange}s with the JDK server's framing
 * rules: {@code sendResponseHeaders(code, 0)} streams (chunked to HTTP/1.1, to the end of the
 * connection for HTTP/1.0), {@code -1} has no body; an exchange the handler leaves unclosed,
 * or a handler that throws, drops the connection (the client sees an incomplete answer).
 * Thread-safe.
 */
final class HttpListener implements AutoCloseable {
    /**
     * The listener's bounds.
     *
     * @param maxConnections connections open at once
     * @param headTimeout time to deliver a request's line and headers, from its first byte
     * @param idleTimeout time a kept-alive connection may wait for its next request
     * @param bodyReadTimeout time a request body may pause between bytes
     * @param maxHeadBytes the largest request line and headers
     */
    record Limits(int maxConnections, Duration headTimeout, Duration idleTimeout, Duration bodyReadTimeout,
            int maxHeadBytes) {
        static final int DEFAULT_MAX_CONNECTIONS = 256;
        static final Duration DEFAULT_HEAD_TIMEOUT = Duration.ofSeconds(5);
        static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);
        static final Duration DEFAULT_BODY_READ_TIMEOUT = Duration.ofSeconds(30);
        static final int DEFAULT_MAX_HEAD_BYTES = 16 * 1024;

        static Limits defaults() {
            return new Limits(DEFAULT_MAX_CONNECTIONS, DEFAULT_HEAD_TIMEOUT, DEFAULT_IDLE_TIMEOUT,
                    DEFAULT_BODY_READ_TIMEOUT, DEFAULT_MAX_HEAD_BYTES);
        }

        Limits {
            if (maxConnections < 2) {
                throw new IllegalArgumentException("maxConnections must be >= 2, was " + maxConnections);
            }
        }
    }

    /** What answers a request. */
    interface Handler {
        void handle(HttpExchange exchange) throws IOException;
    }

    private final ServerSocket socket;
    private final Handler handler;
    private final Limits limits;
    private final ThreadPoolExecutor threads;
    private final Set<Connection> open = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private volatile boolean closed;

    private HttpListener(ServerSocket socket, Handler handler, Limits limits) {
        this.socket = socket;
        this.handler = handler;
        this.limits = limits;
        // One thread per open connection, and room for as many again whose connections were
        // evicted and whose threads have not yet seen the close (the connection count is bounded).
        this.threads = new ThreadPoolExecutor(0, 2 * limits.maxConnections() + 1, 30, TimeUnit.SECONDS,
                new SynchronousQueue<>(), r -> {
                    Thread t = new Thread(r, "metadb-serve");
                    t.setDaemon(true);
                    return t;
                });
        this.acceptor = new Thread(this::acceptLoop, "metadb-serve-accept");
        this.acceptor.setDaemon(true);
    }

    /** Listens on {@code address} (port 0: any free one) and starts accepting. */
    static HttpListener start(InetSocketAddress address, int backlog, Handler handler, Limits limits) throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(address, backlog);
        HttpListener listener = new HttpListener(socket, handler, limits);
        listener.acceptor.start();
        return listener;
    }

    InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket s;
            try {
                s = socket.accept();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                continue; // (out of file descriptors, say: the next accept may succeed)
            }
            try {
                admit(s);
            } catch (IOException | RuntimeException | Error e) {
                closeQuietly(s);
            }
        }
    }

    private void admit(Socket s) throws java.net.SocketException {
        s.setTcpNoDelay(true); // headers, then body: no wait for the client's delayed ACK
        if (open.size() >= limits.maxConnections() && !evictOneWaiting()) {
            refuseBusy(s); // every connection is running a request
            return;
        }
        Connection c = new Connection(s);
        open.add(c);
        try {
            threads.execute(c);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            open.remove(c);
            refuseBusy(s);
        }
    }

    /** Tells the client every connection is busy, and closes its connection. */
    private static void refuseBusy(Socket s) {
        try {
            s.setSoTimeout(1000);
            s.getOutputStream().write(("HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
                    + "Content-Length: 48\r\nRetry-After: 1\r\nConnection: close\r\n\r\n"
                    + "metadb: every connection is busy; try again\n    ").getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            // gone already
        }
        closeQuietly(s);
    }

    /** Closes the connection that has waited longest for a request head; false if none waits. */
    private boolean evictOneWaiting() {
        Connection oldest = null;
        for (Connection c : open) {
            if (c.waiting && (oldest == null || c.waitingSince < oldest.waitingSince)) {
                oldest = c;
            }
        }
        if (oldest == null) {
            return false;
        }
        // Out of the count at once: its thread may take a moment to see the close, and the
        // next connection must not be refused (or evict again) for a slot already freed.
        open.remove(oldest);
        oldest.drop();
        return true;
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // nothing left to do
        }
    }

    /**
     * Stops accepting and drops every connection; requests running get a second to finish.
     * Connections waiting for a request (kept alive between requests) are dropped at once:
     * their threads would otherwise hold the close for its whole second (serve --stop took
     * 3-4.5 s).
     */
    @Override
    public void close() {
        closed = true;
        try {
            socket.close();
        } catch (IOException e) {
            // closed
        }
        open.forEach(c -> {
            if (c.waiting) {
                c.drop();
            }
        });
        threads.shutdown();
        try {
            threads.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        open.forEach(Connection::drop);
        threads.shutdownNow();
    }

    /** A request that cannot be read: answered with {@code status} and the connection closed. */
    static final class BadRequest extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;

        BadRequest(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    /** One client connection, served on its own thread. */
    private final class Connection implements Runnable {
        private final Socket s;
        private volatile boolean waiting = true;
        private volatile long waitingSince = System.nanoTime();

        Connection(Socket s) {
            this.s = s;
        }

        void drop() {
            closeQuietly(s);
        }

        @Override
        public void run() {
            try (s) {
                InputStream in = new java.io.BufferedInputStream(s.getInputStream(), 8192);
                // Buffered: a chunk's size line, its bytes and its line end leave in one write.
                OutputStream out = new java.io.BufferedOutputStream(s.getOutputStream(), 1 << 16);
                boolean first = true;
                while (!closed) {
                    waitingSince = System.nanoTime();
                    waiting = true;
                    Request request;
                    try {
                        request = readHead(in, first);
                    } catch (BadRequest e) {
                        answerBad(out, e);
                        return;
                    }
                    if (request == null) {
                        return; // the client closed, or idled out
                    }
                    waiting = false;
                    first = false;
                    ServedExchange ex = new ServedExchange(request, in, out, s);
                    try {
                        handler.handle(ex);
                    } catch (IOException | RuntimeException e) {
                        return; // a cut answer, or the client gone: drop the connection
                    }
                    if (!ex.reusable()) {
                        return;
                    }
                }
            } catch (IOException | RuntimeException | Error e) {
                // the connection is dropped; the listener goes on
            } finally {
                open.remove(this);
            }
        }

        /**
         * The next request's line and headers; null if the client closed the connection or
         * sent nothing in time (a kept-alive connection waits {@link Limits#idleTimeout} for
         * its next request, then the head must come whole within {@link Limits#headTimeout}).
         */
        private Request readHead(InputStream in, boolean first) throws IOException, BadRequest {
            long headNanos = limits.headTimeout().toNanos();
            s.setSoTimeout((int) (first ? limits.headTimeout() : limits.idleTimeout()).toMillis());
            int b;
            try {
                b = in.read();
                while (b == '\r' || b == '\n') { // stray line ends between requests
                    b = in.read();
                }
            } catch (SocketTimeoutException e) {
                return null;
            }
            if (b < 0) {
                return null;
            }
            long deadline = System.nanoTime() + headNanos;
            ByteArrayOutputStream head = new ByteArrayOutputStream(512);
            head.write(b);
            int ends = 0; // of "\r\n\r\n" or "\n\n"
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new BadRequest(408, "the request's head did not arrive within "
                            + limits.headTimeout().toSeconds() + " s");
                }
                s.setSoTimeout((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                try {
                    b = in.read();
                } catch (SocketTimeoutException e) {
                    throw new BadRequest(408, "the request's head did not arrive within "
                            + limits.headTimeout().toSeconds() + " s");
                }
                if (b < 0) {
                    return null;
                }
                if (head.size() >= limits.maxHeadBytes()) {
                    throw new BadRequest(431, "the request's head is over " + limits.maxHeadBytes() + " bytes");
                }
                head.write(b);
                if (b == '\n') {
                    if (++ends == 2) {
                        break;
                    }
                } else if (b != '\r') {
                    ends = 0;
                }
            }
            s.setSoTimeout((int) limits.bodyReadTimeout().toMillis());
            return Request.parse(head.toString(StandardCharsets.ISO_8859_1));
        }

        private void answerBad(OutputStream out, BadRequest e) {
            byte[] body = ("metadb: " + e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8);
            String reason = switch (e.status) {
                case 408 -> "Request Timeout";
                case 431 -> "Request Header Fields Too Large";
                default -> "Bad Request";
            };
            try {
                s.setSoTimeout(1000);
                out.write(("HTTP/1.1 " + e.status + " " + reason + "\r\nContent-Type: text/plain; charset=utf-8\r\n"
                        + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
            } catch (IOException ignored) {
                // the client is gone
            }
        }
    }

    /** A parsed request line and headers. */
    record Request(String method, URI uri, String protocol, Headers headers) {
        private static final java.util.regex.Pattern METHOD = java.util.regex.Pattern.compile("[A-Z]{1,16}");

        static Request parse(String head) throws BadRequest {
            String[] lines = head.split("\r?\n");
            String[] line = lines[0].split(" ", -1);
            if (line.length != 3 || !METHOD.matcher(line[0]).matches() || !line[2].matches("HTTP/1\\.[01]")
                    || !line[1].startsWith("/")) {
                throw new BadRequest(400, "not an HTTP/1.x request line");
            }
            URI uri;
            try {
                uri = new URI(line[1]);
            } catch (java.net.URISyntaxException e) {
                throw new BadRequest(400, "not a request target: " + e.getReason());
            }
            Headers headers = new Headers();
            for (int i = 1; i < lines.length; i++) {
                if (lines[i].isEmpty()) {
                    break;
                }
                int colon = lines[i].indexOf(':');
                if (colon <= 0 || lines[i].charAt(0) == ' ' || lines[i].charAt(0) == '\t') {
                    throw new BadRequest(400, "not a header line");
                }
                headers.add(lines[i].substring(0, colon).trim(), lines[i].substring(colon + 1).trim());
            }
            return new Request(line[0], uri, line[2], headers);
        }
    }

}
