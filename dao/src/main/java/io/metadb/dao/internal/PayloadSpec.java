package io.metadb.dao.internal;

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
    public record Key(String name, Kind kind, boolean required, Set<String> allowed, MethodHandle accessor) {}

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
            case INTEGER -> token == com.fasterxml.jackson.core.JsonToken.VALUE_NUMBER_INT
                    && parser.getNumberType() != com.fasterxml.jackson.core.JsonParser.NumberType.BIG_INTEGER;
            case REAL -> token.isNumeric();
            case BOOLEAN -> token.isBoolean();
            case ARRAY -> token == com.fasterxml.jackson.core.JsonToken.START_ARRAY;
        };
        if (!ok) {
            String text = token.isStructStart() ? Json.MAPPER.readTree(parser).toString()
                    : token == com.fasterxml.jackson.core.JsonToken.VALUE_STRING ? Json.MAPPER.writeValueAsString(parser.getText())
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
        if (key.allowed() != null) {
            checkAllowed(key, parser.getText());
        }
        return true;
    }

    /** Throws for the first required key not marked present. */
    public void checkPresent(boolean[] present) {
        for (int i = 0; i < keys.size(); i++) {
            if (!present[i] && keys.get(i).required()) {
                throw invalid(keys.get(i).name(), "missing required key");
            }
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
            io.metadb.payload.Key key = c.getAnnotation(io.metadb.payload.Key.class);
            String name = key != null ? key.value() : snakeCase(c.getName());
            OneOf oneOf = c.getAnnotation(OneOf.class);
            boolean required = c.getAnnotation(OptionalKey.class) == null;
            try {
                keys.add(new Key(name, kindOf(c.getType()), required,
                        oneOf == null ? null : Set.of(oneOf.value()), lookup.unreflect(c.getAccessor())));
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
        for (Key key : keys) {
            Object value;
            try {
                value = key.accessor().invoke(payload);
            } catch (Throwable e) {
                throw new IllegalStateException("cannot read " + key.name(), e);
            }
            if (value == null) {
                if (key.required()) {
                    throw invalid(key.name(), "missing required key");
                }
                continue;
            }
            if (value instanceof Double d && !Double.isFinite(d)) {
                throw invalid(key.name(), "must be a finite number, was " + d);
            }
            if (key.kind() == Kind.ARRAY && ((Collection<?>) value).stream().anyMatch(java.util.Objects::isNull)) {
                throw invalid(key.name(), "must not contain null");
            }
            checkAllowed(key, value);
        }
    }

    private void checkAllowed(Key key, Object value) {
        if (key.allowed() != null && !key.allowed().contains(value)) {
            throw invalid(key.name(), "must be one of " + key.allowed().stream().sorted().toList() + ", was '" + value + "'");
        }
    }

    private IllegalArgumentException invalid(String key, String reason) {
        return new IllegalArgumentException(table + "." + key + ": " + reason);
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

    static String snakeCase(String camel) {
        StringBuilder out = new StringBuilder();
        for (char ch : camel.toCharArray()) {
            if (Character.isUpperCase(ch)) {
                out.append('_').append(Character.toLowerCase(ch));
            } else {
                out.append(ch);
            }
        }
        return out.toString();
    }
}
