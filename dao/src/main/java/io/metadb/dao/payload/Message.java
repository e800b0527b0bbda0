package io.metadb.dao.payload;

/** A messages row's payload (SPEC §2.2); {@link OptionalKey} marks optional keys. Immutable. */
public record Message(
        String agent,
        String channel,
        @OneOf({"in", "out"}) String direction,
        String sender,
        String recipient,
        String body,
        @OptionalKey String thread) implements Payload {
}
