package io.metadb.payload;

/** A owner_directives row's payload (SPEC §2.2); {@link OptionalKey} marks optional keys. Immutable. */
public record OwnerDirective(
        @OptionalKey String agent,
        String source,
        String directive,
        @OneOf({RECEIVED, ACKNOWLEDGED, DONE}) String status) implements Payload {
    /** A builder of this payload by key name (generated: {@code OwnerDirectiveBuilder}). */
    public static OwnerDirectiveBuilder builder() {
        return new OwnerDirectiveBuilder();
    }

    /** A value of {@code status}. */
    public static final String RECEIVED = "received";
    /** A value of {@code status}. */
    public static final String ACKNOWLEDGED = "acknowledged";
    /** A value of {@code status}. */
    public static final String DONE = "done";
}
