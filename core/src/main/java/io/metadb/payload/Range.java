package io.metadb.payload;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The values a numeric payload key may take, bounds included (a test requires one on every
 * numeric key). The bounds keep every sum a report or retention takes far inside 64 bits:
 * a billion rows at the largest token count still sum below 2^63.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.PARAMETER, ElementType.FIELD, ElementType.METHOD})
public @interface Range {
    long min();

    long max();

    /** Token counts of one call: up to a billion. */
    long TOKENS = 1_000_000_000L;
    /** Durations: up to a year, in ms. */
    long DURATION_MS = 365L * 24 * 3600 * 1000;
    /** Cost of one call in USD: up to a million. */
    long COST_USD = 1_000_000L;
    /** Attempts of one call (retries counted): up to a million. */
    long ATTEMPTS = 1_000_000L;
}
