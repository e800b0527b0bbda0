package io.metadb.payload;

/** A source_errors row's payload (SPEC §2.2); {@link OptionalKey} marks optional keys. Immutable. */
public record SourceError(
        String source,
        String error,
        @OptionalKey String detail) implements Payload {
}
