package io.metadb.core;

/**
 * The one way metadb writes a name or a text into SQL it builds as a string (where jOOQ's
 * rendering does not reach: DDL of in-memory copies, pragmas, ATTACH). Both engines read
 * these forms alike. Stateless.
 */
public final class Identifiers {
    private Identifiers() {}

    /** {@code name} as a quoted identifier: {@code "a""b"} for {@code a"b}. */
    public static String quote(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    /** {@code text} as a string literal: {@code 'it''s'} for {@code it's}. */
    public static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }
}
