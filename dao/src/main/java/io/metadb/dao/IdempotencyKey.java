package io.metadb.dao;

import io.metadb.core.BadInputException;

/**
 * A write's idempotency key (SPEC §3): the caller's name for one request, and a digest of
 * what that request asked for. The first write under a key commits its rows and the key
 * together; any later write under the same key writes nothing and is answered as the first
 * was ({@link Ingested#replayed()}), for as long as the key is kept (at least 24 hours); the
 * same key with another request is refused. Immutable.
 *
 * @param key 1 to {@value #MAX_CHARS} visible ASCII characters
 * @param requestSha256 the request's digest (hex), compared on a repeat
 */
public record IdempotencyKey(String key, String requestSha256) {
    /** The longest key. */
    public static final int MAX_CHARS = 255;

    public IdempotencyKey {
        check(key);
        if (requestSha256 == null || requestSha256.isEmpty()) {
            throw new IllegalArgumentException("an idempotency key needs the request's digest");
        }
    }

    /** The key {@code key} for the request whose digest is {@code requestSha256}. */
    public static IdempotencyKey of(String key, String requestSha256) {
        return new IdempotencyKey(key, requestSha256);
    }

    /** Throws {@link BadInputException} saying what is wrong with {@code key}, if anything. */
    public static void check(String key) {
        if (key == null || key.isEmpty() || key.length() > MAX_CHARS) {
            throw new BadInputException("an idempotency key has 1 to " + MAX_CHARS + " characters");
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                throw new BadInputException("an idempotency key is visible ASCII characters only (no spaces)");
            }
        }
    }

    /** A key used again for a different request: nothing was written. */
    public static final class ReusedException extends IllegalArgumentException implements io.metadb.core.BadInput {
        private static final long serialVersionUID = 1L;

        public ReusedException(String key) {
            super("idempotency key " + key + " was used for a different request; nothing was written"
                    + " (use a new key for new rows)");
        }
    }
}
