package io.metadb.cli;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One request and its answer on a {@link HttpListener} connection, with the JDK server's
 * {@link HttpExchange} semantics (see the listener). Used by one thread at a time.
 */
final class ServedExchange extends HttpExchange {
    private final HttpListener.Request request;
    private final Socket socket;
    private final OutputStream raw;
    private final Headers responseHeaders = new Headers();
    private final Map<String, Object> attributes = new HashMap<>();
    private final RequestBody body;
    private final boolean keepAliveAsked;
    private OutputStream responseBody;
    private int status = -1;
    private boolean closed;
    private boolean framed; // the answer's end is known to the client without the connection closing

    ServedExchange(HttpListener.Request request, InputStream in, OutputStream out, Socket socket) throws IOException {
        this.request = request;
        this.socket = socket;
        this.raw = out;
        String connection = request.headers().getFirst("Connection");
        boolean http11 = request.protocol().equals("HTTP/1.1");
        this.keepAliveAsked = http11 ? connection == null || !connection.equalsIgnoreCase("close")
                : connection != null && connection.equalsIgnoreCase("keep-alive");
        this.body = RequestBody.of(request.headers(), in, () -> {
            if (status < 0 && "100-continue".equalsIgnoreCase(request.headers().getFirst("Expect"))) {
                raw.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                raw.flush();
            }
        });
    }

    /** Whether the connection may carry the next request. */
    boolean reusable() {
        return closed && framed && keepAliveAsked && body.drained();
    }

    @Override
    public Headers getRequestHeaders() {
        return request.headers();
    }

    @Override
    public Headers getResponseHeaders() {
        return responseHeaders;
    }

    @Override
    public URI getRequestURI() {
        return request.uri();
    }

    @Override
    public String getRequestMethod() {
        return request.method();
    }

    @Override
    public HttpContext getHttpContext() {
        return null;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (status < 0) {
                sendResponseHeaders(500, -1);
            }
            responseBody.close();
        } catch (IOException e) {
            framed = false;
        }
    }

    @Override
    public InputStream getRequestBody() {
        return body;
    }

    @Override
    public OutputStream getResponseBody() {
        if (responseBody == null) {
            throw new IllegalStateException("sendResponseHeaders first");
        }
        return responseBody;
    }

    @Override
    public void sendResponseHeaders(int code, long length) throws IOException {
        if (status >= 0) {
            throw new IOException("headers already sent");
        }
        status = code;
        boolean http11 = request.protocol().equals("HTTP/1.1");
        boolean keepAlive = keepAliveAsked && (length != 0 || http11);
        StringBuilder head = new StringBuilder(256).append(http11 ? "HTTP/1.1 " : "HTTP/1.0 ").append(code).append(' ')
                .append(reason(code)).append("\r\n");
        for (Map.Entry<String, List<String>> h : responseHeaders.entrySet()) {
            for (String v : h.getValue()) {
                head.append(h.getKey()).append(": ").append(v).append("\r\n");
            }
        }
        boolean noBody = length < 0 || code == 204 || code == 304 || request.method().equals("HEAD");
        if (noBody) {
            if (code != 204 && code != 304) {
                head.append("Content-Length: 0\r\n");
            }
            responseBody = new Framed(raw, 0);
            framed = true;
        } else if (length > 0) {
            head.append("Content-Length: ").append(length).append("\r\n");
            responseBody = new Framed(raw, length);
            framed = true;
        } else if (http11) {
            head.append("Transfer-Encoding: chunked\r\n");
            responseBody = new Chunked(raw);
            framed = true;
        } else {
            responseBody = new Unframed(raw); // to the end of the connection (HTTP/1.0)
            framed = false;
        }
        head.append(keepAlive && framed ? (http11 ? "" : "Connection: keep-alive\r\n") : "Connection: close\r\n");
        head.append("\r\n");
        raw.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (noBody || length > 0) {
            raw.flush();
        }
        if (!keepAlive) {
            framed = false;
        }
    }

    private static String reason(int code) {
        return switch (code) {
            case 100 -> "Continue";
            case 200 -> "OK";
            case 204 -> "No Content";
            case 303 -> "See Other";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 413 -> "Content Too Large";
            case 421 -> "Misdirected Request";
            case 422 -> "Unprocessable Content";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 503 -> "Service Unavailable";
            default -> "Status";
        };
    }

    @Override
    public InetSocketAddress getRemoteAddress() {
        return (InetSocketAddress) socket.getRemoteSocketAddress();
    }

    @Override
    public int getResponseCode() {
        return status;
    }

    @Override
    public InetSocketAddress getLocalAddress() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    @Override
    public String getProtocol() {
        return request.protocol();
    }

    @Override
    public Object getAttribute(String name) {
        return attributes.get(name);
    }

    @Override
    public void setAttribute(String name, Object value) {
        attributes.put(name, value);
    }

    @Override
    public void setStreams(InputStream i, OutputStream o) {
        throw new UnsupportedOperationException("the streams are the connection's");
    }

    @Override
    public HttpPrincipal getPrincipal() {
        return null;
    }

    /** A body of a known length; closing it before the end leaves the answer cut (the connection is dropped). */
    private static final class Framed extends OutputStream {
        private final OutputStream out;
        private long left;

        Framed(OutputStream out, long length) {
            this.out = out;
            this.left = length;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len > left) {
                throw new IOException("more bytes than the answer's length");
            }
            out.write(b, off, len);
            left -= len;
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            out.flush();
            if (left != 0) {
                throw new IOException("the answer ended before its length");
            }
        }
    }

    /** A chunked body (HTTP/1.1): each write one chunk; close writes the last chunk. */
    private static final class Chunked extends OutputStream {
        private final OutputStream out;
        private boolean done;

        Chunked(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return;
            }
            out.write((Integer.toHexString(len) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(b, off, len);
            out.write(CRLF);
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            if (!done) {
                done = true;
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
        }

        private static final byte[] CRLF = {'\r', '\n'};
    }

    /** A body that ends where the connection does (an HTTP/1.0 streamed answer). */
    private static final class Unframed extends OutputStream {
        private final OutputStream out;

        Unframed(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}
