package io.metadb.dao.internal;

import io.metadb.core.BadInputException;
import io.metadb.payload.OneOf;
import io.metadb.payload.OptionalKey;
import io.metadb.payload.Payload;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * The keys of one payload type, read once from its record (names, JSON types, required,
 * allowed values), and the validation of a record or a parsed JSON object against them.
 * Immutable and thread-safe.
 */
public final class PayloadSpec {
    /** The JSON type a key must have. */
    public enum Kind { TEXT, INTEGER, REAL, BOOLEAN, ARRAY }

    /** One payload key. */
    /** One payload key; {@code range} bounds a numeric one (null for others). */
    public record Key(String name, Kind kind, boolean required, Set<String> allowed, io.metadb.payload.Range range,
            MethodHandle accessor) {}

    private final String table;
    private final List<Key> keys;
    private final java.util.Map<String, Integer> indexByName = new java.util.HashMap<>();

    private PayloadSpec(String table, List<Key> keys) {
        this.table = table;
        this.keys = List.copyOf(keys);
        for (int i = 0; i < keys.size(); i++) {
            indexByName.put(keys.get(i).name(), i);
        }
    }

    /** Position of the key named {@code name} in {@link #keys()}, or -1 for an unknown (kept) key. */
    public int indexOf(String name) {
        Integer i = indexByName.get(name);
        return i == null ? -1 : i;
    }

    /**
     * Checks the value the parser stands on (the ingest path reads JSON as a stream).
     *
     * @return whether the value is present (not JSON null)
     */
    public boolean checkValue(int index, com.fasterxml.jackson.core.JsonParser parser) throws java.io.IOException {
        Key key = keys.get(index);
        com.fasterxml.jackson.core.JsonToken token = parser.currentToken();
        if (token == com.fasterxml.jackson.core.JsonToken.VALUE_NULL) {
            return false;
        }
        boolean ok = switch (key.kind()) {
            case TEXT -> token == com.fasterxml.jackson.core.JsonToken.VALUE_STRING;
            case INTEGER -> token == com.fasterxml.jackson.core.JsonToken.VALUE_NUMBER_INT;
            case REAL -> token.isNumeric();
            case BOOLEAN -> token.isBoolean();
            case ARRAY -> token == com.fasterxml.jackson.core.JsonToken.START_ARRAY;
        };
        if (!ok) {
            String text = token.isStructStart() ? Json.readTree(parser).toString()
                    : token == com.fasterxml.jackson.core.JsonToken.VALUE_STRING ? Json.write(parser.getText())
                    : parser.getText();
            String type = switch (token) {
                case VALUE_STRING -> "string";
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number";
                case VALUE_TRUE, VALUE_FALSE -> "boolean";
                case START_ARRAY -> "array";
                default -> "object";
            };
            throw invalid(key.name(), "must be " + describe(key.kind()) + ", was " + type + " " + abbreviate(text));
        }
        if (key.kind() == Kind.INTEGER) {
            checkRange(key, parser.getNumberType() == com.fasterxml.jackson.core.JsonParser.NumberType.BIG_INTEGER
                    ? parser.getBigIntegerValue() : parser.getLongValue());
        } else if (key.kind() == Kind.REAL) {
            checkRange(key, parser.getDoubleValue());
        }
        if (key.allowed() != null) {
            checkAllowed(key, parser.getText());
        }
        return true;
    }

    /** Throws naming every required key not marked present. */
    public void checkPresent(boolean[] present) {
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            if (!present[i] && keys.get(i).required()) {
                missing.add(keys.get(i).name());
            }
        }
        throwIfMissing(missing);
    }

    /** "t.k: missing required key", or "t: missing required keys a, b, c": every one, so one fix does. */
    private void throwIfMissing(List<String> missing) {
        if (missing.size() == 1) {
            throw invalid(missing.get(0), "missing required key");
        }
        if (!missing.isEmpty()) {
            throw new BadInputException(table + ": missing required keys " + String.join(", ", missing));
        }
    }

    /** Reads the keys of {@code type}'s record components. */
    public static PayloadSpec of(String table, Class<? extends Payload> type) {
        if (!type.isRecord()) {
            throw new IllegalArgumentException(type + " is not a record");
        }
        List<Key> keys = new ArrayList<>();
        MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        for (RecordComponent c : type.getRecordComponents()) {
            String name = io.metadb.payload.Payloads.keyName(c);
            OneOf oneOf = c.getAnnotation(OneOf.class);
            boolean required = c.getAnnotation(OptionalKey.class) == null;
            try {
                keys.add(new Key(name, kindOf(c.getType()), required, oneOf == null ? null : Set.of(oneOf.value()),
                        c.getAnnotation(io.metadb.payload.Range.class), lookup.unreflect(c.getAccessor())));
            } catch (IllegalAccessException e) {
                throw new IllegalStateException("cannot read " + type.getName() + "." + c.getName(), e);
            }
        }
        return new PayloadSpec(table, keys);
    }

    public String table() {
        return table;
    }

    public List<Key> keys() {
        return keys;
    }

    /** Checks a typed payload: required keys present, values allowed. */
    public void validate(Payload payload) {
        List<String> missing = new ArrayList<>();
        for (Key key : keys) {
            Object value;
            try {
                value = key.accessor().invoke(payload);
            } catch (Throwable e) {
                throw new IllegalStateException("cannot read " + key.name(), e);
            }
            if (value == null) {
                if (key.required()) {
                    missing.add(key.name());
                }
                continue;
            }
            if (value instanceof Number n) {
                checkRange(key, n);
            }
            if (value instanceof String text) {
                checkUnicode(table + "." + key.name(), text);
            }
            if (key.kind() == Kind.ARRAY) {
                for (Object element : (Collection<?>) value) {
                    if (element == null) {
                        throw invalid(key.name(), "must not contain null");
                    }
                    if (element instanceof String text) {
                        checkUnicode(table + "." + key.name(), text);
                    }
                }
            }
            checkAllowed(key, value);
        }
        throwIfMissing(missing);
    }

    /** A number within its key's {@link io.metadb.payload.Range} (and, if REAL, finite: 1e400 reads as infinity). */
    private void checkRange(Key key, Number value) {
        if (value instanceof Double d && !Double.isFinite(d)) {
            throw invalid(key.name(), "must be a finite number, was " + (d.isNaN() ? "NaN" : "too large"));
        }
        io.metadb.payload.Range range = key.range();
        if (range == null) {
            return;
        }
        boolean inside = value instanceof java.math.BigInteger big
                ? big.compareTo(java.math.BigInteger.valueOf(range.min())) >= 0 && big.compareTo(java.math.BigInteger.valueOf(range.max())) <= 0
                : value instanceof Double d ? d >= range.min() && d <= range.max()
                : value.longValue() >= range.min() && value.longValue() <= range.max();
        if (!inside) {
            throw invalid(key.name(), "must be within " + range.min() + ".." + range.max() + ", was " + value);
        }
    }

    /**
     * Text SQLite can store as given: no lone surrogate (a UTF-16 half without its other half
     * has no UTF-8 form and would be stored as '?').
     */
    public static void checkUnicode(String what, String text) {
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (Character.isHighSurrogate(ch) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(ch)) {
                throw new BadInputException(what + ": holds a lone surrogate (\\u" + Integer.toHexString(ch)
                        + "), which is not valid Unicode");
            }
        }
    }

    private void checkAllowed(Key key, Object value) {
        if (key.allowed() != null && !key.allowed().contains(value)) {
            throw invalid(key.name(), "must be one of " + key.allowed().stream().sorted().toList() + ", was '" + value + "'");
        }
    }

    private BadInputException invalid(String key, String reason) {
        return new BadInputException(table + "." + key + ": " + reason);
    }

    private static String describe(Kind kind) {
        return switch (kind) {
            case TEXT -> "a string";
            case INTEGER -> "an integer";
            case REAL -> "a number";
            case BOOLEAN -> "true or false";
            case ARRAY -> "a JSON array";
        };
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }

    private static Kind kindOf(Class<?> type) {
        if (type == String.class) {
            return Kind.TEXT;
        } else if (type == long.class || type == Long.class) {
            return Kind.INTEGER;
        } else if (type == double.class || type == Double.class) {
            return Kind.REAL;
        } else if (type == boolean.class || type == Boolean.class) {
            return Kind.BOOLEAN;
        } else if (List.class.isAssignableFrom(type)) {
            return Kind.ARRAY;
        }
        throw new IllegalArgumentException("unsupported payload type " + type);
    }

}
