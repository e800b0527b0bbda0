package io.metadb.analytics;

import io.metadb.core.BadInputException;
import java.time.Instant;
import java.util.Map;

/**
 * The raw values of a report's parameters (text by name, as a command line or a URL gives
 * them) and the "now" windows end at; {@link #get} parses one, applying its default.
 * Immutable.
 */
public final class Args {
    private final Map<String, String> values;
    private final Instant now;

    /** @param values parameter name to its text; absent or null for not given */
    public Args(Map<String, String> values, Instant now) {
        this.values = Map.copyOf(values.entrySet().stream().filter(e -> e.getValue() != null)
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
        this.now = now;
    }

    /**
     * The parameter's value: the given text or its default, parsed; null if neither.
     *
     * @throws IllegalArgumentException if the text is invalid or a required one is missing
     */
    public <T> T get(Param<T> param) {
        String text = values.getOrDefault(param.name(), param.defaultValue());
        if (text == null) {
            if (param.required()) {
                throw new BadInputException("missing " + param);
            }
            return null;
        }
        return param.parse(text, now);
    }

    public Instant now() {
        return now;
    }
}
