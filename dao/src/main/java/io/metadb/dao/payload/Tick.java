package io.metadb.dao.payload;

/** A ticks row's payload (SPEC §2.2); {@link OptionalKey} marks optional keys. Immutable. */
public record Tick(
        String agent,
        String kind,
        @OneOf({"ok", "fail"}) String status,
        long durationMs) implements Payload {
}
