package io.metadb.payload;

/** A dependency_installs row's payload (SPEC §2.2); {@link OptionalKey} marks optional keys. Immutable. */
public record DependencyInstall(
        @OptionalKey String agent,
        String ecosystem,
        @Key("package") String packageName,
        @OptionalKey String version,
        @Range(min = 0, max = Range.DURATION_MS) long durationMs,
        boolean ok) implements Payload {
    /** A builder of this payload by key name (generated: {@code DependencyInstallBuilder}). */
    public static DependencyInstallBuilder builder() {
        return new DependencyInstallBuilder();
    }

}
