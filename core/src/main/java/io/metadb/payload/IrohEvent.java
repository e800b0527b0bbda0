package io.metadb.payload;

/** A iroh_events row's payload (SPEC §2.2); {@link OptionalKey} marks optional keys. Immutable. */
public record IrohEvent(
        String peer,
        String event,
        @OptionalKey String detail) implements Payload {
    /** A builder of this payload by key name (generated: {@code IrohEventBuilder}). */
    public static IrohEventBuilder builder() {
        return new IrohEventBuilder();
    }

}
