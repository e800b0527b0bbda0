package io.metadb.cli;

/** The operator's input is wrong (exit 2); the message says what to change. */
public final class BadInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BadInputException(String message) {
        super(message);
    }
}
