package io.metadb.dao.payload;

/** A owner_directives row's payload (SPEC §2.2); {@link OptionalKey} marks optional keys. Immutable. */
public record OwnerDirective(
        @OptionalKey String agent,
        String source,
        String directive,
        @OneOf({"received", "acknowledged", "done"}) String status) implements Payload {
}
