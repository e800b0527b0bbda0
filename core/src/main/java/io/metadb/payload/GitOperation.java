package io.metadb.payload;

/** A git_operations row's payload (SPEC §2.2); {@link OptionalKey} marks optional keys. Immutable. */
public record GitOperation(
        String agent,
        String repo,
        @OneOf({COMMIT, PUSH, PULL, REBASE, MERGE}) String op,
        @OptionalKey String ref,
        boolean ok,
        @Range(min = 0, max = Range.DURATION_MS) long durationMs) implements Payload {
    /** A builder of this payload by key name (generated: {@code GitOperationBuilder}). */
    public static GitOperationBuilder builder() {
        return new GitOperationBuilder();
    }

    /** A value of {@code op}. */
    public static final String COMMIT = "commit";
    /** A value of {@code op}. */
    public static final String PUSH = "push";
    /** A value of {@code op}. */
    public static final String PULL = "pull";
    /** A value of {@code op}. */
    public static final String REBASE = "rebase";
    /** A value of {@code op}. */
    public static final String MERGE = "merge";
}
