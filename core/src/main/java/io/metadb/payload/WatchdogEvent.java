package io.metadb.payload;

/** A watchdog_events row's payload (SPEC §2.2); {@link OptionalKey} marks optional keys. Immutable. */
public record WatchdogEvent(
        String agent,
        String checkName,
        @OneOf({GREEN, YELLOW, RED}) String level,
        @OptionalKey String detail) implements Payload {
    /** A builder of this payload by key name (generated: {@code WatchdogEventBuilder}). */
    public static WatchdogEventBuilder builder() {
        return new WatchdogEventBuilder();
    }

    /** A value of {@code level}. */
    public static final String GREEN = "green";
    /** A value of {@code level}. */
    public static final String YELLOW = "yellow";
    /** A value of {@code level}. */
    public static final String RED = "red";
}
