package io.metadb.dao;

/**
 * The PostgreSQL server could not be reached (or the connection was lost and could not be
 * re-established) for longer than the configured wait ({@link MetaDbOptions#busyTimeoutMs()}):
 * the write was not committed. Or, rarely, the connection was lost during the commit itself
 * and the write's outcome could not be checked: the message says which.
 */
public final class MetaDbUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MetaDbUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
