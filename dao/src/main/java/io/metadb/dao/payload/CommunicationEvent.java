package io.metadb.dao.payload;

/** A communication_events row's payload (SPEC §2.2); {@link OptionalKey} marks optional keys. Immutable. */
public record CommunicationEvent(
        @OptionalKey String agent,
        String channel,
        @OneOf({"in", "out"}) String direction,
        @OneOf({"received", "sent", "delivered", "failed"}) String event,
        @OptionalKey String messageId,
        @OptionalKey String error) implements Payload {
}
