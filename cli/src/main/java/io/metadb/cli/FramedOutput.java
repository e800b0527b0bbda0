package io.metadb.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A served command's answer to the launcher, in frames (what {@code bin/metadb} reads with bash
 * builtins and, for large frames, one {@code head -c}):
 * <ul>
 *   <li>{@code t N\n} then N bytes of stdout holding no NUL (bash reads them itself);</li>
 *   <li>{@code b N\n} then N bytes of stdout (a larger frame, or one holding a NUL);</li>
 *   <li>{@code k\n}: nothing yet, the command is still running (sent after a second of silence,
 *       so that a client's idle timeout tells a stopped server from a slow command);</li>
 *   <li>{@code x CODE N\n} then N bytes of stderr: the end, with the exit code.</li>
 * </ul>
 * Stdout is buffered up to {@link #MAX_FRAME} bytes; a flush by the command sends what is
 * buffered only if nothing was sent for {@link #COALESCE_NANOS} (a quick answer goes as one
 * frame, a long export in large frames, and a slow one still shows its first rows at once).
 * Thread-safe: the command writes, a keep-alive timer may call {@link #keepAlive}.
 */
final class FramedOutput extends OutputStream {
    /** The largest frame: bounds the server's buffer per answer. */
    static final int MAX_FRAME = 1 << 20;
    /** The largest frame sent as text (bash reads it a byte per system call: small ones only). */
    static final int MAX_TEXT_FRAME = 4096;
    private static final long COALESCE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final long KEEP_ALIVE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final OutputStream sink;
    private final ReentrantLock lock = new ReentrantLock();
    private final byte[] buf = new byte[8192];
    private byte[] frame = buf;
    private int n;
    private long lastSentNanos = System.nanoTime();
    private boolean failed;
    private boolean finished;

    FramedOutput(OutputStream sink) {
        this.sink = sink;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        lock.lock();
        try {
            while (len > 0) {
                if (n == frame.length && frame.length < MAX_FRAME) {
                    frame = java.util.Arrays.copyOf(frame, Math.min(MAX_FRAME, frame.length * 2));
                }
                int take = Math.min(len, frame.length - n);
                System.arraycopy(b, off, frame, n, take);
                n += take;
                off += take;
                len -= take;
                if (n == MAX_FRAME) {
                    send();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void flush() throws IOException {
        lock.lock();
        try {
            if (n > 0 && System.nanoTime() - lastSentNanos >= COALESCE_NANOS) {
                send();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Sends {@code k} (or what is buffered) if nothing was sent for a second; never waits for the command. */
    void keepAlive() {
        if (!lock.tryLock()) {
            return; // the command is writing: that is a sign of life already
        }
        try {
            if (!finished && !failed && System.nanoTime() - lastSentNanos >= KEEP_ALIVE_NANOS) {
                if (n > 0) {
                    send();
                } else {
                    raw("k\n".getBytes(StandardCharsets.US_ASCII));
                }
            }
        } catch (IOException e) {
            // the client went away: the command learns it at its next write
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sends the rest of stdout and the end frame in one write (a client never sees a short
     * answer's stdout without its exit code); the caller closes the exchange.
     */
    void finish(int exit, String stderr) throws IOException {
        lock.lock();
        try {
            byte[] rest = n > 0 ? takeFrame() : new byte[0];
            byte[] err = stderr.getBytes(Main.OUTPUT_CHARSET);
            byte[] head = ("x " + exit + " " + err.length + "\n").getBytes(StandardCharsets.US_ASCII);
            byte[] all = new byte[rest.length + head.length + err.length];
            System.arraycopy(rest, 0, all, 0, rest.length);
            System.arraycopy(head, 0, all, rest.length, head.length);
            System.arraycopy(err, 0, all, rest.length + head.length, err.length);
            finished = true;
            raw(all);
        } finally {
            lock.unlock();
        }
    }

    private void send() throws IOException {
        raw(takeFrame());
    }

    /** The buffered stdout as one frame (emptying the buffer). */
    private byte[] takeFrame() {
        boolean text = n <= MAX_TEXT_FRAME;
        for (int i = 0; text && i < n; i++) {
            text = frame[i] != 0;
        }
        byte[] head = ((text ? "t " : "b ") + n + "\n").getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[head.length + n];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(frame, 0, all, head.length, n);
        n = 0;
        if (frame.length > buf.length * 16) {
            frame = buf; // a large answer's buffer is not kept once it went out
        }
        return all;
    }

    private void raw(byte[] bytes) throws IOException {
        if (failed) {
            throw new IOException("the client went away");
        }
        try {
            sink.write(bytes);
            sink.flush();
            lastSentNanos = System.nanoTime();
        } catch (IOException e) {
            failed = true;
            throw e;
        }
    }
}
