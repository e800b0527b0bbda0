package io.metadb.dao.payload;

import com.fasterxml.jackson.annotation.JsonProperty;

/** A clone_lifecycle_events row's payload (SPEC §2.2); {@link OptionalKey} marks optional keys. Immutable. */
public record CloneLifecycleEvent(
        @OptionalKey String agent,
        @JsonProperty("clone") String cloneName,
        @OneOf({"spawn", "ready", "busy", "idle", "stop", "crash"}) String phase) implements Payload {
}
