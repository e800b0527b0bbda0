package io.metadb.payload;

/** A ticks row's payload (SPEC §2.2); {@link OptionalKey} marks optional keys. Immutable. */
public record Tick(
        String agent,
        String kind,
        @OneOf({OK, FAIL}) String status,
        @Range(min = 0, max = Range.DURATION_MS) long durationMs) implements Payload {
    /** A builder of this payload by key name (generated: {@code TickBuilder}). */
    public static TickBuilder builder() {
        return new TickBuilder();
    }

    /** A value of {@code status}. */
    public static final String OK = "ok";
    /** A value of {@code status}. */
    public static final String FAIL = "fail";
}
