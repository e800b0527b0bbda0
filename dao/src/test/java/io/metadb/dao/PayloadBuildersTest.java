package io.metadb.dao;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.metadb.dao.internal.JsonTables;
import io.metadb.payload.CloneDispatch;
import io.metadb.payload.Payload;
import io.metadb.payload.Payloads;
import io.metadb.payload.TokenUsage;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every payload can be built by key name, and a builder names every required key it was not given. */
class PayloadBuildersTest {
    @Test
    void aBuilderReadsAsTheKeysAndBuildsWhatTheConstructorDoes() {
        TokenUsage built = TokenUsage.builder().agent("agent8").provider("anthropic").model("claude").inputTokens(10)
                .outputTokens(5).costUsd(0.01).build();
        assertThat(built).isEqualTo(new TokenUsage("agent8", null, "anthropic", "claude", 10, 5, null, null, 0.01));
        assertThat(CloneDispatch.builder().agent("a").cloneName("cl-1").taskId("T1").status(CloneDispatch.ACCEPTED).build()
                .status()).isEqualTo("accepted");
        // Zero is a value: a primitive key set to 0 counts as given.
        assertThat(TokenUsage.builder().agent("a").provider("p").model("m").inputTokens(0).outputTokens(0).costUsd(0)
                .build().inputTokens()).isZero();
        assertThatThrownBy(() -> TokenUsage.builder().agent("agent8").inputTokens(10).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("TokenUsage: missing required keys provider, model, output_tokens, cost_usd");
    }

    /** Each payload type's builder has one setter per component, of its type, and builds every component back. */
    @Test
    void everyPayloadHasABuilderOfEveryKey() throws Exception {
        List<Class<? extends Payload>> types = new ArrayList<>();
        JsonTables.all().forEach(t -> types.add(t.payloadType()));
        assertThat(types).hasSizeGreaterThan(20);
        for (Class<? extends Payload> type : types) {
            Object builder = type.getMethod("builder").invoke(null);
            RecordComponent[] components = type.getRecordComponents();
            Object[] values = new Object[components.length];
            for (int i = 0; i < components.length; i++) {
                RecordComponent c = components[i];
                values[i] = sample(c.getType(), i);
                Method setter = builder.getClass().getMethod(c.getName(), c.getType());
                assertThat(setter.invoke(builder, values[i])).as(type.getSimpleName() + "." + c.getName()).isSameAs(builder);
            }
            Object payload = builder.getClass().getMethod("build").invoke(builder);
            for (int i = 0; i < components.length; i++) {
                assertThat(components[i].getAccessor().invoke(payload)).as(type.getSimpleName() + "." + components[i].getName())
                        .isEqualTo(values[i]);
            }
            // Key names as the payload's JSON has them, in the error of an empty builder.
            Object empty = type.getMethod("builder").invoke(null);
            List<String> required = new ArrayList<>();
            for (RecordComponent c : components) {
                if (!c.isAnnotationPresent(io.metadb.payload.OptionalKey.class)) {
                    required.add(Payloads.keyName(c));
                }
            }
            assertThatThrownBy(() -> {
                try {
                    empty.getClass().getMethod("build").invoke(empty);
                } catch (java.lang.reflect.InvocationTargetException e) {
                    throw e.getCause();
                }
            }).as(type.getSimpleName()).hasMessage(type.getSimpleName() + ": missing required keys " + String.join(", ", required));
        }
    }

    private static Object sample(Class<?> type, int i) {
        if (type == long.class || type == Long.class) {
            return (long) i + 1;
        } else if (type == int.class || type == Integer.class) {
            return i + 1;
        } else if (type == double.class || type == Double.class) {
            return i + 0.5;
        } else if (type == boolean.class || type == Boolean.class) {
            return Boolean.TRUE;
        } else if (type == List.class) {
            return List.of("x" + i);
        } else if (type == String.class) {
            return "v" + i;
        }
        throw new AssertionError("a component of type " + type + ": add a sample value");
    }
}
