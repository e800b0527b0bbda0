package io.metadb.payload;

/** A token_usage row's payload (SPEC §2.2); {@link OptionalKey} marks optional keys. Immutable. */
public record TokenUsage(
        String agent,
        @OptionalKey String sessionId,
        String provider,
        String model,
        @Range(min = 0, max = Range.TOKENS) long inputTokens,
        @Range(min = 0, max = Range.TOKENS) long outputTokens,
        @OptionalKey @Range(min = 0, max = Range.TOKENS) Long cacheReadTokens,
        @OptionalKey @Range(min = 0, max = Range.TOKENS) Long cacheWriteTokens,
        @Range(min = 0, max = Range.COST_USD) double costUsd) implements Payload {
}
