package io.metadb.payload;

/** A token_usage row's payload (SPEC §2.2; {@code duration_ms} from v12); {@link OptionalKey} marks optional keys. Immutable. */
public record TokenUsage(
        String agent,
        @OptionalKey String sessionId,
        String provider,
        String model,
        @Range(min = 0, max = Range.TOKENS) long inputTokens,
        @Range(min = 0, max = Range.TOKENS) long outputTokens,
        @OptionalKey @Range(min = 0, max = Range.TOKENS) Long cacheReadTokens,
        @OptionalKey @Range(min = 0, max = Range.TOKENS) Long cacheWriteTokens,
        @Range(min = 0, max = Range.COST_USD) double costUsd,
        @OptionalKey @Range(min = 0, max = Range.DURATION_MS) Long durationMs) implements Payload {
    /** A builder of this payload by key name (generated: {@code TokenUsageBuilder}). */
    public static TokenUsageBuilder builder() {
        return new TokenUsageBuilder();
    }


    /** A row without the request's duration (the payload of schema versions before v12). */
    public TokenUsage(String agent, String sessionId, String provider, String model, long inputTokens, long outputTokens,
            Long cacheReadTokens, Long cacheWriteTokens, double costUsd) {
        this(agent, sessionId, provider, model, inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens, costUsd,
                null);
    }
}
