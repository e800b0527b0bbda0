package io.metadb.payload;

/** A crashes row's payload (SPEC §2.2); {@link OptionalKey} marks optional keys. Immutable. */
public record Crash(
        String agent,
        String component,
        String error,
        @OptionalKey String backtrace) implements Payload {
}
