package io.metadb.payload;

/** A tasks row's payload (SPEC §2.2); {@link OptionalKey} marks optional keys. Immutable. */
public record Task(
        String taskId,
        @OptionalKey String agent,
        String title,
        @OneOf({OPEN, IN_PROGRESS, BLOCKED, DONE}) String status,
        @OptionalKey Long priority) implements Payload {
    /** A value of {@code status}. */
    public static final String OPEN = "open";
    /** A value of {@code status}. */
    public static final String IN_PROGRESS = "in_progress";
    /** A value of {@code status}. */
    public static final String BLOCKED = "blocked";
    /** A value of {@code status}. */
    public static final String DONE = "done";
}
