package io.metadb.payload;

/** A prepush_bypass_events row's payload (SPEC §2.2); {@link OptionalKey} marks optional keys. Immutable. */
public record PrepushBypassEvent(
        String agent,
        String repo,
        @OptionalKey String ref,
        String reason) implements Payload {
    /** A builder of this payload by key name (generated: {@code PrepushBypassEventBuilder}). */
    public static PrepushBypassEventBuilder builder() {
        return new PrepushBypassEventBuilder();
    }

}
