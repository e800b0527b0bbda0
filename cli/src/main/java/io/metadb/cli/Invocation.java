package io.metadb.cli;

import java.util.Map;

/**
 * One question to metadb, typed: a report (by name) or {@code query}, its parameters' values
 * (by name; {@code query}'s statement is {@code sql}), the output format, and the global
 * settings as given ("now" and the statement limit; null: the defaults). What both the
 * command line (after picocli parsed it) and the HTTP API (from a URL's parameters) hand to
 * {@link CommandService}: values stay values, never re-read as options. Immutable.
 *
 * @param now {@code --now}'s text, or null for the clock
 * @param timeout {@code --timeout}'s text, or null for the default limit
 * @param debug whether timings and stack traces go to stderr
 */
record Invocation(String command, Map<String, String> values, Output.Format format, String now, String timeout,
        boolean debug) {
    Invocation {
        values = Map.copyOf(values);
    }
}
