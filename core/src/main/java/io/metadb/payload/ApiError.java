package io.metadb.payload;

/**
 * An api_errors row's payload (SPEC §2.2, v12): a model API call that failed, as an agent's
 * telemetry reports it. {@link OptionalKey} marks optional keys. Immutable.
 */
public record ApiError(
        @OptionalKey String agent,
        @OptionalKey String provider,
        String model,
        String error,
        @OptionalKey @Range(min = 100, max = 999) Long statusCode,
        @OptionalKey @Range(min = 0, max = Range.DURATION_MS) Long durationMs,
        @OptionalKey @Range(min = 0, max = Range.ATTEMPTS) Long attempt) implements Payload {
    /** A builder of this payload by key name (generated: {@code ApiErrorBuilder}). */
    public static ApiErrorBuilder builder() {
        return new ApiErrorBuilder();
    }

}
