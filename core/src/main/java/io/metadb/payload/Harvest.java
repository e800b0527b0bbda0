package io.metadb.payload;

/** A harvests row's payload (SPEC §2.2); {@link OptionalKey} marks optional keys. Immutable. */
public record Harvest(
        String agent,
        @Key("clone") String cloneName,
        String taskId,
        @OneOf({MERGED, DISCARDED, PARTIAL}) String outcome,
        @OptionalKey String summary) implements Payload {
    /** A builder of this payload by key name (generated: {@code HarvestBuilder}). */
    public static HarvestBuilder builder() {
        return new HarvestBuilder();
    }

    /** A value of {@code outcome}. */
    public static final String MERGED = "merged";
    /** A value of {@code outcome}. */
    public static final String DISCARDED = "discarded";
    /** A value of {@code outcome}. */
    public static final String PARTIAL = "partial";
}
