package io.metadb.payload;

/** A clone_lifecycle_events row's payload (SPEC §2.2); {@link OptionalKey} marks optional keys. Immutable. */
public record CloneLifecycleEvent(
        @OptionalKey String agent,
        @Key("clone") String cloneName,
        @OneOf({SPAWN, READY, BUSY, IDLE, STOP, CRASH}) String phase) implements Payload {
    /** A builder of this payload by key name (generated: {@code CloneLifecycleEventBuilder}). */
    public static CloneLifecycleEventBuilder builder() {
        return new CloneLifecycleEventBuilder();
    }

    /** A value of {@code phase}. */
    public static final String SPAWN = "spawn";
    /** A value of {@code phase}. */
    public static final String READY = "ready";
    /** A value of {@code phase}. */
    public static final String BUSY = "busy";
    /** A value of {@code phase}. */
    public static final String IDLE = "idle";
    /** A value of {@code phase}. */
    public static final String STOP = "stop";
    /** A value of {@code phase}. */
    public static final String CRASH = "crash";
}
