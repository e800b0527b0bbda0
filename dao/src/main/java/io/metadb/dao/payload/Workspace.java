package io.metadb.dao.payload;

/** A workspaces row's payload (SPEC §2.2); {@link OptionalKey} marks optional keys. Immutable. */
public record Workspace(
        String agent,
        @OneOf({"created", "removed"}) String action,
        String path,
        @OptionalKey String branch) implements Payload {
}
