package io.metadb.analytics;

import io.metadb.core.BadInputException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * One parameter of a report: its name ({@code since}: {@code --since} on the command line),
 * how it is shown, its default, and how its text becomes a typed value. A report declares
 * its parameters once; the CLI builds its options from them and {@link Args} parses them.
 * Immutable.
 */
public final class Param<T> {
    /** Turns a parameter's text into its value at {@code now}. */
    @FunctionalInterface
    interface Parser<T> {
        T parse(String text, Instant now);
    }

    private final String name;
    private final String label;
    private final boolean positional;
    private final boolean required;
    private final String defaultValue;
    private final String description;
    private final List<String> choices;
    private final Parser<T> parser;
    private final Known naming;

    private Param(String name, String label, boolean positional, boolean required, String defaultValue,
            String description, List<String> choices, Parser<T> parser) {
        this(name, label, positional, required, defaultValue, description, choices, parser, null);
    }

    private Param(String name, String label, boolean positional, boolean required, String defaultValue,
            String description, List<String> choices, Parser<T> parser, Known naming) {
        this.name = name;
        this.label = label;
        this.positional = positional;
        this.required = required;
        this.defaultValue = defaultValue;
        this.description = description;
        this.choices = List.copyOf(choices);
        this.parser = parser;
        this.naming = naming;
    }

    /**
     * A window start: a duration back from now ({@code 24h}), a day or a timestamp; the
     * description gets the accepted forms appended.
     */
    public static Param<Instant> since(String defaultValue, String description) {
        return new Param<>("since", "WHEN", false, false, defaultValue,
                description + ": a duration (30m, 24h, 7d, 1h30m), a day (2026-04-20: its midnight UTC) or a"
                        + " timestamp (2026-04-20T13:05, UTC without an offset)", List.of(), Since::cutoff);
    }

    /** An optional text option; null when absent. */
    public static Param<String> text(String name, String label, String description) {
        return new Param<>(name, label, false, false, null, description, List.of(), (t, now) -> t);
    }

    /** A required text argument given by position ({@code agent NAME}). */
    public static Param<String> positional(String name, String label, String description) {
        return new Param<>(name, label, true, true, null, description, List.of(), (t, now) -> t);
    }

    /** A whole number of at least 1. */
    public static Param<Integer> count(String name, String defaultValue, String description) {
        return new Param<>(name, "N", false, false, defaultValue, description, List.of(), (t, now) -> {
            int n;
            try {
                n = Integer.parseInt(t.trim());
            } catch (NumberFormatException e) {
                throw new BadInputException("--" + name + ": '" + t + "' is not a whole number");
            }
            if (n < 1) {
                throw new BadInputException("--" + name + " must be >= 1, was " + n);
            }
            return n;
        });
    }

    /** A UTC day: {@code YYYY-MM-DD}, {@code today} or {@code yesterday} (of now); by default today. */
    public static Param<LocalDate> day(String name, String label, String description) {
        return new Param<>(name, label, false, false, "today", description, List.of(), (t, now) -> {
            LocalDate today = LocalDate.ofInstant(now, java.time.ZoneOffset.UTC);
            if (t.equals("today")) {
                return today;
            }
            if (t.equals("yesterday")) {
                return today.minusDays(1);
            }
            try {
                return LocalDate.parse(t);
            } catch (DateTimeParseException e) {
                throw new BadInputException("--" + name + ": '" + t + "' is not a day like 2026-04-20, today or yesterday");
            }
        });
    }

    /** One of {@code values}, exactly as written there. */
    public static Param<String> oneOf(String name, List<String> values, String defaultValue, String description) {
        return new Param<>(name, String.join("|", values), false, false, defaultValue, description, values, (t, now) -> {
            if (!values.contains(t)) {
                throw new BadInputException("--" + name + ": '" + t + "' is not one of " + String.join(", ", values));
            }
            return t;
        });
    }

    /** One of an enum's constants, written in lower case. */
    public static <E extends Enum<E>> Param<E> choice(String name, Class<E> type, E defaultValue, String description) {
        List<String> names = Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT)).toList();
        return new Param<>(name, String.join("|", names), false, false, defaultValue.name().toLowerCase(Locale.ROOT),
                description, names, (t, now) -> {
                    try {
                        return Enum.valueOf(type, t.toUpperCase(Locale.ROOT));
                    } catch (IllegalArgumentException e) {
                        throw new BadInputException("--" + name + ": '" + t + "' is not one of " + String.join(", ", names));
                    }
                });
    }

    /**
     * This parameter names something of {@code kind} (an agent, a channel): when a report about
     * it is empty, the CLI says which exist.
     */
    public Param<T> naming(Known kind) {
        return new Param<>(name, label, positional, required, defaultValue, description, choices, parser, kind);
    }

    /** What this parameter names, or null. */
    public Known naming() {
        return naming;
    }

    /** The value of {@code text} at {@code now}. @throws IllegalArgumentException saying what is wrong */
    T parse(String text, Instant now) {
        return parser.parse(text, now);
    }

    public String name() {
        return name;
    }

    /** How the value is shown in usage ({@code NAME}, {@code model|agent|day}); null for the default. */
    public String label() {
        return label;
    }

    /** Given by position rather than as {@code --name}. */
    public boolean positional() {
        return positional;
    }

    public boolean required() {
        return required;
    }

    /** The default's text, or null. */
    public String defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }

    /** The allowed values, or empty if any text may be given. */
    public List<String> choices() {
        return choices;
    }

    @Override
    public String toString() {
        return positional ? label : "--" + name;
    }
}
