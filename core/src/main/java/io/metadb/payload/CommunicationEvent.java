package io.metadb.payload;

/** A communication_events row's payload (SPEC §2.2); {@link OptionalKey} marks optional keys. Immutable. */
public record CommunicationEvent(
        @OptionalKey String agent,
        String channel,
        @OneOf({IN, OUT}) String direction,
        @OneOf({RECEIVED, SENT, DELIVERED, FAILED}) String event,
        @OptionalKey String messageId,
        @OptionalKey String error) implements Payload {
    /** A builder of this payload by key name (generated: {@code CommunicationEventBuilder}). */
    public static CommunicationEventBuilder builder() {
        return new CommunicationEventBuilder();
    }

    /** A value of {@code direction}. */
    public static final String IN = "in";
    /** A value of {@code direction}. */
    public static final String OUT = "out";
    /** A value of {@code event}. */
    public static final String RECEIVED = "received";
    /** A value of {@code event}. */
    public static final String SENT = "sent";
    /** A value of {@code event}. */
    public static final String DELIVERED = "delivered";
    /** A value of {@code event}. */
    public static final String FAILED = "failed";
}
