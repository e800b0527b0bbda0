package io.metadb.dao.payload;

/** A git_operations row's payload (SPEC §2.2); {@link OptionalKey} marks optional keys. Immutable. */
public record GitOperation(
        String agent,
        String repo,
        @OneOf({"commit", "push", "pull", "rebase", "merge"}) String op,
        @OptionalKey String ref,
        boolean ok,
        long durationMs) implements Payload {
}
