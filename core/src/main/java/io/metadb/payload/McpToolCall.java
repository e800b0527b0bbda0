package io.metadb.payload;

/** A mcp_tool_calls row's payload (SPEC §2.2); {@link OptionalKey} marks optional keys. Immutable. */
public record McpToolCall(
        String agent,
        String server,
        String tool,
        @Range(min = 0, max = Range.DURATION_MS) long durationMs,
        boolean ok,
        @OptionalKey String error) implements Payload {
    /** A builder of this payload by key name (generated: {@code McpToolCallBuilder}). */
    public static McpToolCallBuilder builder() {
        return new McpToolCallBuilder();
    }

}
