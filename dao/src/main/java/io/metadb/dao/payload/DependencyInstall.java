package io.metadb.dao.payload;

import com.fasterxml.jackson.annotation.JsonProperty;

/** A dependency_installs row's payload (SPEC §2.2); {@link OptionalKey} marks optional keys. Immutable. */
public record DependencyInstall(
        @OptionalKey String agent,
        String ecosystem,
        @JsonProperty("package") String packageName,
        @OptionalKey String version,
        long durationMs,
        boolean ok) implements Payload {
}
