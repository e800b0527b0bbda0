package io.metadb.dao;

/**
 * What a write committed: its rows' ids, how many, and whether it was a repeat under an
 * idempotency key that was answered as the first write was, writing nothing.
 *
 * @param ids the rows' ids ({@code first - 1 == last} for no rows)
 * @param rows how many rows
 * @param replayed true if nothing was written now: these are the first write's rows
 */
public record Ingested(IdRange ids, long rows, boolean replayed) {}
