package io.metadb.dao.payload;

/** A sessions row's payload (SPEC §2.2); {@link OptionalKey} marks optional keys. Immutable. */
public record Session(
        String agent,
        String sessionId,
        @OneOf({"start", "end"}) String phase,
        @OptionalKey String model) implements Payload {
}
