package io.metadb.payload;

import java.lang.reflect.RecordComponent;
import java.util.List;

/** What the payload records declare about their keys, for code that offers or checks values. Stateless. */
public final class Payloads {
    private Payloads() {}

    /**
     * The values {@link OneOf} allows for the key {@code key} (snake_case, as the column is
     * named) of {@code type}: the one source for the values reports match on and the CLI's
     * choices.
     *
     * @throws IllegalArgumentException if the key has no {@link OneOf}
     */
    public static List<String> allowed(Class<? extends Payload> type, String key) {
        for (RecordComponent c : type.getRecordComponents()) {
            OneOf oneOf = c.getAnnotation(OneOf.class);
            if (keyName(c).equals(key) && oneOf != null) {
                return List.of(oneOf.value());
            }
        }
        throw new IllegalArgumentException(type.getSimpleName() + "." + key + " declares no allowed values");
    }

    /** The payload key a record component stands for: its {@link Key}, else its name in snake_case. */
    public static String keyName(RecordComponent c) {
        Key named = c.getAnnotation(Key.class);
        if (named != null) {
            return named.value();
        }
        StringBuilder out = new StringBuilder();
        for (char ch : c.getName().toCharArray()) {
            if (Character.isUpperCase(ch)) {
                out.append('_').append(Character.toLowerCase(ch));
            } else {
                out.append(ch);
            }
        }
        return out.toString();
    }
}
