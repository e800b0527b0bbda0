package io.metadb.generated.envelope;

/**
 * The names of the columns every row table shares (SPEC §2.2's envelope), written once here,
 * beside the generated classes: code that treats "any table's id" uses {@link RowTable}
 * instead of borrowing one table's fields. Constants only.
 */
public final class Envelope {
    /** The row's id, from {@code ids}. */
    public static final String ID = "id";
    /** The row's timestamp, stored as text. */
    public static final String TS = "ts";
    /** The whole payload of a JSON-row table. */
    public static final String ROW_JSON = "row_json";
    /** The payload key naming the agent, in the tables that have one. */
    public static final String AGENT = "agent";

    private Envelope() {}
}
