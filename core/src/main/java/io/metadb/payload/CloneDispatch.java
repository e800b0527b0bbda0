package io.metadb.payload;

/** A clone_dispatches row's payload (SPEC §2.2); {@link OptionalKey} marks optional keys. Immutable. */
public record CloneDispatch(
        String agent,
        @Key("clone") String cloneName,
        String taskId,
        @OneOf({DISPATCHED, ACCEPTED, COMPLETED, FAILED}) String status,
        @OptionalKey String brief) implements Payload {
    /** A builder of this payload by key name (generated: {@code CloneDispatchBuilder}). */
    public static CloneDispatchBuilder builder() {
        return new CloneDispatchBuilder();
    }

    /** A value of {@code status}. */
    public static final String DISPATCHED = "dispatched";
    /** A value of {@code status}. */
    public static final String ACCEPTED = "accepted";
    /** A value of {@code status}. */
    public static final String COMPLETED = "completed";
    /** A value of {@code status}. */
    public static final String FAILED = "failed";
}
