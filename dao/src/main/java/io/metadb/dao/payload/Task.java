package io.metadb.dao.payload;

/** A tasks row's payload (SPEC §2.2); {@link OptionalKey} marks optional keys. Immutable. */
public record Task(
        String taskId,
        @OptionalKey String agent,
        String title,
        @OneOf({"open", "in_progress", "blocked", "done"}) String status,
        @OptionalKey Long priority) implements Payload {
}
