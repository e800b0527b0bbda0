package io.metadb.dao.internal;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.metadb.dao.payload.OneOf;
import io.metadb.dao.payload.OptionalKey;
import io.metadb.dao.payload.Payload;
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

    private PayloadSpec(String table, List<Key> keys) {
        this.table = table;
        this.keys = List.copyOf(keys);
    }

    /** Reads the keys of {@code type}'s record components. */
    public static PayloadSpec of(String table, Class<? extends Payload> type) {
        if (!type.isRecord()) {
            throw new IllegalArgumentException(type + " is not a record");
        }
        List<Key> keys = new ArrayList<>();
        MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        for (RecordComponent c : type.getRecordComponents()) {
            // Jackson's annotation propagates from the component to the accessor, not to the component.
            JsonProperty property = c.getAccessor().getAnnotation(JsonProperty.class);
            String name = property != null ? property.value() : snakeCase(c.getName());
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

    /** Checks a parsed JSON object (the ingest path): presence, JSON type, allowed values. */
    public void validate(ObjectNode payload) {
        for (Key key : keys) {
            JsonNode node = payload.get(key.name());
            if (node == null || node.isNull()) {
                if (key.required()) {
                    throw invalid(key.name(), "missing required key");
                }
                continue;
            }
            boolean ok = switch (key.kind()) {
                case TEXT -> node.isTextual();
                case INTEGER -> node.isIntegralNumber() && node.canConvertToLong();
                case REAL -> node.isNumber();
                case BOOLEAN -> node.isBoolean();
                case ARRAY -> node.isArray();
            };
            if (!ok) {
                throw invalid(key.name(), "must be " + describe(key.kind()) + ", was " + node.getNodeType().name().toLowerCase()
                        + " " + abbreviate(node.toString()));
            }
            if (key.allowed() != null) {
                checkAllowed(key, node.textValue());
            }
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
