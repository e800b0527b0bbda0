package io.metadb.dao.payload;

import com.fasterxml.jackson.annotation.JsonProperty;

/** A clone_dispatches row's payload (SPEC §2.2); {@link OptionalKey} marks optional keys. Immutable. */
public record CloneDispatch(
        String agent,
        @JsonProperty("clone") String cloneName,
        String taskId,
        @OneOf({"dispatched", "accepted", "completed", "failed"}) String status,
        @OptionalKey String brief) implements Payload {
}
