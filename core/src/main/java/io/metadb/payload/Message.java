package io.metadb.payload;

/** A messages row's payload (SPEC §2.2); {@link OptionalKey} marks optional keys. Immutable. */
public record Message(
        String agent,
        String channel,
        @OneOf({IN, OUT}) String direction,
        String sender,
        String recipient,
        String body,
        @OptionalKey String thread) implements Payload {
    /** A builder of this payload by key name (generated: {@code MessageBuilder}). */
    public static MessageBuilder builder() {
        return new MessageBuilder();
    }

    /** A value of {@code direction}. */
    public static final String IN = "in";
    /** A value of {@code direction}. */
    public static final String OUT = "out";
}
