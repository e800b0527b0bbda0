package io.metadb.core;

/**
 * Marks an exception that means the caller's input is wrong (a value, a payload, an option,
 * a statement) and says what to change, as opposed to a failure (a locked or unreadable file,
 * a full disk, a bug). The {@code metadb} command exits 2 for these and 1 for everything else;
 * a Java caller may catch {@link IllegalArgumentException}, which every one of them is.
 */
public interface BadInput {}
