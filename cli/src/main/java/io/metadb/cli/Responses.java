package io.metadb.cli;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** How the server writes an answer and reads a query string: one place for the charset and the headers. Stateless. */
final class Responses {
    /** The bytes of the answers: the command's own (UTF-8, whatever the server's locale). */
    static final java.nio.charset.Charset CHARSET = Main.OUTPUT_CHARSET;
    /** The charset as Content-Type names it (lower case, as the HTTP examples write it). */
    static final String CHARSET_NAME = CHARSET.name().toLowerCase(Locale.ROOT);
    /** Characters of a body buffered before a chunk is sent. */
    static final int BODY_BUFFER_CHARS = 1 << 16;

    private Responses() {}

    /** An answer that failed after its 200 and part of its body were sent. */
    static final class CutAnswer extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CutAnswer(String message) {
            super(message);
        }
    }

    static Map<String, String> queryParams(String raw) {
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

    static void send(HttpExchange ex, int status, String contentType, String body) throws IOException {
        send(ex, status, contentType, body.getBytes(CHARSET));
    }

    static void send(HttpExchange ex, int status, String contentType, byte[] bytes) throws IOException {
        ex.getResponseHeaders().set("Content-Type", contentType + "; charset=" + CHARSET_NAME);
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream os = ex.getResponseBody()) {
                os.write(bytes);
            }
        }
    }
}
