package io.metadb.dao.payload;

/** A tests row's payload (SPEC §2.2); {@link OptionalKey} marks optional keys. Immutable. */
public record TestRun(
        @OptionalKey String agent,
        String suite,
        String name,
        @OneOf({"pass", "fail", "skip"}) String status,
        long durationMs,
        @OptionalKey String commitSha) implements Payload {
}
