package io.metadb.payload;

/**
 * The payload of a JSON-row table: a record whose components are exactly the table's
 * payload keys (camelCase for snake_case; SPEC §2.2). Required keys are primitives or
 * non-null; {@link OptionalKey} marks the optional ones; {@link OneOf} lists allowed values.
 */
public interface Payload {}
