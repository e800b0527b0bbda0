package io.metadb.payload;

import java.util.List;

/** A tests row's payload (SPEC §2.2); {@link OptionalKey} marks optional keys. Immutable. */
public record TestRun(
        @OptionalKey String agent,
        String suite,
        String name,
        @OneOf({PASS, FAIL, SKIP}) String status,
        @Range(min = 0, max = Range.DURATION_MS) long durationMs,
        @OptionalKey String commitSha) implements Payload {
    /** A builder of this payload by key name (generated: {@code TestRunBuilder}). */
    public static TestRunBuilder builder() {
        return new TestRunBuilder();
    }

    /** A value of {@code status}. */
    public static final String PASS = "pass";
    /** A value of {@code status}. */
    public static final String FAIL = "fail";
    /** A value of {@code status}. */
    public static final String SKIP = "skip";

    /** Every {@code status} value, read from its {@link OneOf} (the one place they are listed). */
    public static List<String> statuses() {
        return Payloads.allowed(TestRun.class, "status");
    }
}
