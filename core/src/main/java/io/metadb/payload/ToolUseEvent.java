package io.metadb.payload;

/** A tool_use_events row's payload (SPEC §2.2); {@link OptionalKey} marks optional keys. Immutable. */
public record ToolUseEvent(
        String agent,
        String tool,
        @Range(min = 0, max = Range.DURATION_MS) long durationMs,
        boolean ok,
        @OptionalKey String error) implements Payload {
    /** A builder of this payload by key name (generated: {@code ToolUseEventBuilder}). */
    public static ToolUseEventBuilder builder() {
        return new ToolUseEventBuilder();
    }

}
