package io.metadb.payload;

/** A dependency_installs row's payload (SPEC §2.2); {@link OptionalKey} marks optional keys. Immutable. */
public record DependencyInstall(
        @OptionalKey String agent,
        String ecosystem,
        @Key("package") String packageName,
        @OptionalKey String version,
        long durationMs,
        boolean ok) implements Payload {
}
