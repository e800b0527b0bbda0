package io.metadb.dao.payload;

/** A watchdog_events row's payload (SPEC §2.2); {@link OptionalKey} marks optional keys. Immutable. */
public record WatchdogEvent(
        String agent,
        String checkName,
        @OneOf({"green", "yellow", "red"}) String level,
        @OptionalKey String detail) implements Payload {
}
