package io.metadb.payload;

/** A crashes row's payload (SPEC §2.2); {@link OptionalKey} marks optional keys. Immutable. */
public record Crash(
        String agent,
        String component,
        String error,
        @OptionalKey String backtrace) implements Payload {
    /** A builder of this payload by key name (generated: {@code CrashBuilder}). */
    public static CrashBuilder builder() {
        return new CrashBuilder();
    }

}
