package io.metadb.dao.payload;

import com.fasterxml.jackson.annotation.JsonProperty;

/** A harvests row's payload (SPEC §2.2); {@link OptionalKey} marks optional keys. Immutable. */
public record Harvest(
        String agent,
        @JsonProperty("clone") String cloneName,
        String taskId,
        @OneOf({"merged", "discarded", "partial"}) String outcome,
        @OptionalKey String summary) implements Payload {
}
