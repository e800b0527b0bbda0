package io.metadb.payload;

import java.util.List;

/** A cli_invocations row's payload (SPEC §2.2); {@link OptionalKey} marks optional keys. Immutable. */
public record CliInvocation(
        String agent,
        String command,
        List<String> args,
        @Range(min = Integer.MIN_VALUE, max = Integer.MAX_VALUE) long exitCode,
        @Range(min = 0, max = Range.DURATION_MS) long durationMs,
        @OptionalKey String cwd) implements Payload {
    /** A builder of this payload by key name (generated: {@code CliInvocationBuilder}). */
    public static CliInvocationBuilder builder() {
        return new CliInvocationBuilder();
    }

}
