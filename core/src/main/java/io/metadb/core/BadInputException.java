package io.metadb.core;

/** The caller's input is wrong; the message says what to change (see {@link BadInput}). */
public final class BadInputException extends IllegalArgumentException implements BadInput {
    private static final long serialVersionUID = 1L;

    public BadInputException(String message) {
        super(message);
    }

    public BadInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
