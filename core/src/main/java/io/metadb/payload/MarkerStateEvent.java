package io.metadb.payload;

/** A marker_state_events row's payload (SPEC §2.2); {@link OptionalKey} marks optional keys. Immutable. */
public record MarkerStateEvent(
        @OptionalKey String agent,
        String marker,
        @OptionalKey String fromState,
        String toState) implements Payload {
    /** A builder of this payload by key name (generated: {@code MarkerStateEventBuilder}). */
    public static MarkerStateEventBuilder builder() {
        return new MarkerStateEventBuilder();
    }

}
