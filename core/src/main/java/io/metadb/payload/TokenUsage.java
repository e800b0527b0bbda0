package io.metadb.payload;

/** A token_usage row's payload (SPEC §2.2); {@link OptionalKey} marks optional keys. Immutable. */
public record TokenUsage(
        String agent,
        @OptionalKey String sessionId,
        String provider,
        String model,
        long inputTokens,
        long outputTokens,
        @OptionalKey Long cacheReadTokens,
        @OptionalKey Long cacheWriteTokens,
        double costUsd) implements Payload {
}
