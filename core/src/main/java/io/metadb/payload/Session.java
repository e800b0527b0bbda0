package io.metadb.payload;

/** A sessions row's payload (SPEC §2.2); {@link OptionalKey} marks optional keys. Immutable. */
public record Session(
        String agent,
        String sessionId,
        @OneOf({START, END}) String phase,
        @OptionalKey String model) implements Payload {
    /** A builder of this payload by key name (generated: {@code SessionBuilder}). */
    public static SessionBuilder builder() {
        return new SessionBuilder();
    }

    /** A value of {@code phase}. */
    public static final String START = "start";
    /** A value of {@code phase}. */
    public static final String END = "end";
}
