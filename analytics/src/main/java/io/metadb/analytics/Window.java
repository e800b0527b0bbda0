package io.metadb.analytics;

import java.time.Instant;

/** The parameters of a report over one window: its start ({@code --since}). Immutable. */
public record Window(Instant since) {}
