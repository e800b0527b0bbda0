package io.metadb.analytics.report;

import java.time.Instant;

/** One row of any table as a line: the rows of {@code recent} and {@code audit}. */
public record Activity(Instant ts, String tableName, long id, String agent, String summary) {}
