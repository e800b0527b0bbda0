package io.metadb.dao.internal;

import io.metadb.core.BadInputException;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.PropertyName;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import io.metadb.payload.Key;
import io.metadb.generated.convert.Timestamps;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** The JSON and timestamp conventions of metadb (SPEC §2). Thread-safe. */
public final class Json {
    /** Largest payload accepted, in UTF-8 bytes. */
    public static final int MAX_PAYLOAD_BYTES = 1024 * 1024;

    /**
     * Payload records: snake_case keys, absent optional keys left out. Private: an
     * ObjectMapper is mutable, and one caller's configure() would change every write.
     */
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .setAnnotationIntrospector(new KeyNames())
            .setDefaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL))
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    /** Jackson's own annotations, and {@link Key} naming a payload key that is not its component's name. */
    private static final class KeyNames extends JacksonAnnotationIntrospector {
        private static final long serialVersionUID = 1L;

        @Override
        public PropertyName findNameForSerialization(Annotated a) {
            Key key = _findAnnotation(a, Key.class);
            return key != null ? PropertyName.construct(key.value()) : super.findNameForSerialization(a);
        }
    }

    /** Reads one JSON value and nothing after it (an immutable reader). */
    private static final ObjectReader STRICT_READER = MAPPER.reader()
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private static final Instant MIN_TS = Instant.parse("0000-01-01T00:00:00Z");
    private static final Instant MAX_TS = Instant.parse("9999-12-31T23:59:59.999Z");

    private Json() {}

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot serialise " + value.getClass().getSimpleName() + ": "
                    + e.getOriginalMessage(), e);
        }
    }

    /** Parses {@code json} as exactly one JSON value: trailing content is an error. */
    public static JsonNode readStrict(String json) throws JsonProcessingException {
        return STRICT_READER.readTree(json);
    }

    /** The value at the parser's current token, as a tree (the parser moves past it). */
    public static JsonNode readTree(JsonParser parser) throws java.io.IOException {
        return MAPPER.readTree(parser);
    }

    /** Throws if {@code json} is over {@link #MAX_PAYLOAD_BYTES}. */
    public static void checkSize(String table, String json) {
        // UTF-8 is at most 3 bytes per UTF-16 char: only count when it could matter.
        if (json.length() * 3L > MAX_PAYLOAD_BYTES) {
            int bytes = json.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > MAX_PAYLOAD_BYTES) {
                throw new BadInputException(table + ": payload is " + bytes + " bytes, over the limit of "
                        + MAX_PAYLOAD_BYTES + " bytes (1 MiB)");
            }
        }
    }

    /** Whether {@code t} is exactly the stored form {@code uuuu-MM-ddTHH:mm:ss.SSSZ} of a real instant. */
    static boolean isCanonical(String t) {
        return Timestamps.parseStored(t) != null;
    }

    /** The stored form of a timestamp; rejects years outside 0000..9999 (they would not sort). */
    public static String ts(Instant ts) {
        if (ts == null) {
            throw new BadInputException("ts: missing");
        }
        if (ts.isBefore(MIN_TS) || ts.isAfter(MAX_TS)) {
            throw new BadInputException("ts: " + ts + " is outside years 0000..9999");
        }
        return Timestamps.format(ts);
    }

    /** Parses a timestamp given as text (ISO-8601 with offset or Z), normalised to the stored form. */
    public static String ts(String text) {
        if (isCanonical(text)) {
            return text; // already in the stored form: skip the general parser (hot in ingest)
        }
        Instant parsed;
        try {
            parsed = Timestamps.parse(text);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("ts: '" + text + "' is not an ISO-8601 timestamp like 2026-04-20T13:05:09.123Z");
        }
        return ts(parsed);
    }
}
