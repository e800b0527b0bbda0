package io.metadb.payload;

/** A source_errors row's payload (SPEC §2.2); {@link OptionalKey} marks optional keys. Immutable. */
public record SourceError(
        String source,
        String error,
        @OptionalKey String detail) implements Payload {
    /** A builder of this payload by key name (generated: {@code SourceErrorBuilder}). */
    public static SourceErrorBuilder builder() {
        return new SourceErrorBuilder();
    }

}
