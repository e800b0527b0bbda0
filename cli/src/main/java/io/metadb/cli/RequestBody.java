package io.metadb.cli;

import com.sun.net.httpserver.Headers;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;

/** A request body: {@code Content-Length} bytes, chunked, or none. */
abstract class RequestBody extends InputStream {
    /** Called before the first byte is read (for {@code Expect: 100-continue}). */
    interface BeforeRead {
        void run() throws IOException;
    }

    private BeforeRead before;

    static RequestBody of(Headers headers, InputStream in, BeforeRead before) throws IOException {
        String te = headers.getFirst("Transfer-Encoding");
        String cl = headers.getFirst("Content-Length");
        RequestBody body;
        if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
            body = new ChunkedIn(in);
        } else if (cl != null) {
            long n;
            try {
                n = Long.parseLong(cl.trim());
            } catch (NumberFormatException e) {
                throw new IOException("a bad Content-Length: " + cl);
            }
            if (n < 0) {
                throw new IOException("a bad Content-Length: " + cl);
            }
            body = new LengthIn(in, n);
        } else {
            body = new LengthIn(in, 0);
        }
        body.before = before;
        return body;
    }

    /** Whether every byte of the body was read (so the next request starts right after it). */
    abstract boolean drained();

    final void beforeRead() throws IOException {
        if (before != null) {
            BeforeRead b = before;
            before = null;
            b.run();
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    static final class LengthIn extends RequestBody {
        private final InputStream in;
        private long left;

        LengthIn(InputStream in, long length) {
            this.in = in;
            this.left = length;
        }

        @Override
        boolean drained() {
            return left == 0;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left == 0) {
                return -1;
            }
            beforeRead();
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) {
                throw new IOException("the request body ended early");
            }
            left -= n;
            return n;
        }
    }

    static final class ChunkedIn extends RequestBody {
        private final InputStream in;
        private long chunkLeft;
        private boolean done;

        ChunkedIn(InputStream in) {
            this.in = in;
        }

        @Override
        boolean drained() {
            return done;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (done) {
                return -1;
            }
            beforeRead();
            if (chunkLeft == 0) {
                String size = line();
                int semi = size.indexOf(';');
                try {
                    chunkLeft = Long.parseLong((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
                } catch (NumberFormatException e) {
                    throw new IOException("a bad chunk size: " + size);
                }
                if (chunkLeft < 0) {
                    throw new IOException("a bad chunk size: " + size);
                }
                if (chunkLeft == 0) {
                    while (!line().isEmpty()) {
                        // trailers: ignored
                    }
                    done = true;
                    return -1;
                }
            }
            int n = in.read(b, off, (int) Math.min(len, chunkLeft));
            if (n < 0) {
                throw new IOException("the request body ended early");
            }
            chunkLeft -= n;
            if (chunkLeft == 0 && !line().isEmpty()) {
                throw new IOException("a chunk without its line end");
            }
            return n;
        }

        private String line() throws IOException {
            StringBuilder sb = new StringBuilder();
            int c;
            while ((c = in.read()) >= 0 && c != '\n') {
                if (sb.length() > 1024) {
                    throw new IOException("a chunk line over 1 KiB");
                }
                if (c != '\r') {
                    sb.append((char) c);
                }
            }
            if (c < 0) {
                throw new IOException("the request body ended early");
            }
            return sb.toString();
        }
    }
}
