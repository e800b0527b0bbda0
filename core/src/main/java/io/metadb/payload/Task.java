package io.metadb.payload;

import java.util.List;

/** A tasks row's payload (SPEC §2.2); {@link OptionalKey} marks optional keys. Immutable. */
public record Task(
        String taskId,
        @OptionalKey String agent,
        String title,
        @OneOf({OPEN, IN_PROGRESS, BLOCKED, DONE}) String status,
        @OptionalKey @Range(min = Integer.MIN_VALUE, max = Integer.MAX_VALUE) Long priority) implements Payload {
    /** A builder of this payload by key name (generated: {@code TaskBuilder}). */
    public static TaskBuilder builder() {
        return new TaskBuilder();
    }

    /** A value of {@code status}. */
    public static final String OPEN = "open";
    /** A value of {@code status}. */
    public static final String IN_PROGRESS = "in_progress";
    /** A value of {@code status}. */
    public static final String BLOCKED = "blocked";
    /** A value of {@code status}. */
    public static final String DONE = "done";

    /** Every {@code status} value, read from its {@link OneOf} (the one place they are listed). */
    public static List<String> statuses() {
        return Payloads.allowed(Task.class, "status");
    }
}
