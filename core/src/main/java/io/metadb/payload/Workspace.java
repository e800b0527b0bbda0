package io.metadb.payload;

/** A workspaces row's payload (SPEC §2.2); {@link OptionalKey} marks optional keys. Immutable. */
public record Workspace(
        String agent,
        @OneOf({CREATED, REMOVED}) String action,
        String path,
        @OptionalKey String branch) implements Payload {
    /** A builder of this payload by key name (generated: {@code WorkspaceBuilder}). */
    public static WorkspaceBuilder builder() {
        return new WorkspaceBuilder();
    }

    /** A value of {@code action}. */
    public static final String CREATED = "created";
    /** A value of {@code action}. */
    public static final String REMOVED = "removed";
}
