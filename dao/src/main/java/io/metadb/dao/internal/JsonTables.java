package io.metadb.dao.internal;

import io.metadb.core.BadInputException;
import static io.metadb.generated.Tables.API_ERRORS;
import static io.metadb.generated.Tables.CLI_INVOCATIONS;
import static io.metadb.generated.Tables.CLONE_DISPATCHES;
import static io.metadb.generated.Tables.CLONE_LIFECYCLE_EVENTS;
import static io.metadb.generated.Tables.COMMUNICATION_EVENTS;
import static io.metadb.generated.Tables.CRASHES;
import static io.metadb.generated.Tables.DEPENDENCY_INSTALLS;
import static io.metadb.generated.Tables.GIT_OPERATIONS;
import static io.metadb.generated.Tables.HARVESTS;
import static io.metadb.generated.Tables.IROH_EVENTS;
import static io.metadb.generated.Tables.MARKER_STATE_EVENTS;
import static io.metadb.generated.Tables.MCP_TOOL_CALLS;
import static io.metadb.generated.Tables.MESSAGES;
import static io.metadb.generated.Tables.OWNER_DIRECTIVES;
import static io.metadb.generated.Tables.PREPUSH_BYPASS_EVENTS;
import static io.metadb.generated.Tables.SESSIONS;
import static io.metadb.generated.Tables.SOURCE_ERRORS;
import static io.metadb.generated.Tables.TASKS;
import static io.metadb.generated.Tables.TESTS;
import static io.metadb.generated.Tables.TICKS;
import static io.metadb.generated.Tables.TOKEN_USAGE;
import static io.metadb.generated.Tables.TOOL_USE_EVENTS;
import static io.metadb.generated.Tables.WATCHDOG_EVENTS;
import static io.metadb.generated.Tables.WORKSPACES;

import io.metadb.generated.envelope.JsonRowTable;
import io.metadb.payload.ApiError;
import io.metadb.payload.CliInvocation;
import io.metadb.payload.CloneDispatch;
import io.metadb.payload.CloneLifecycleEvent;
import io.metadb.payload.CommunicationEvent;
import io.metadb.payload.Crash;
import io.metadb.payload.DependencyInstall;
import io.metadb.payload.GitOperation;
import io.metadb.payload.Harvest;
import io.metadb.payload.IrohEvent;
import io.metadb.payload.MarkerStateEvent;
import io.metadb.payload.McpToolCall;
import io.metadb.payload.Message;
import io.metadb.payload.OwnerDirective;
import io.metadb.payload.Payload;
import io.metadb.payload.PrepushBypassEvent;
import io.metadb.payload.Session;
import io.metadb.payload.SourceError;
import io.metadb.payload.Task;
import io.metadb.payload.TestRun;
import io.metadb.payload.Tick;
import io.metadb.payload.TokenUsage;
import io.metadb.payload.ToolUseEvent;
import io.metadb.payload.WatchdogEvent;
import io.metadb.payload.Workspace;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jooq.Field;
import org.jooq.Table;

/**
 * The JSON-row tables: each generated table with its payload record. The one place that
 * pairs them; names, columns and types come from the generated classes. Immutable.
 */
public final class JsonTables {
    /** One JSON-row table: its envelope fields (ts bound as stored text) and payload spec. */
    public record JsonTable(Table<?> table, Field<Long> id, Field<Instant> ts, Field<String> tsText,
            Field<String> rowJson, Class<? extends Payload> payloadType) {
        JsonTable(JsonRowTable t, Class<? extends Payload> payloadType) {
            this(t.table(), t.id(), t.ts(), t.tsText(), t.rowJson(), payloadType);
        }

        public String name() {
            return table.getName();
        }

        /**
         * The payload's keys, read from its record on first use: reading 23 records through
         * method handles costs tens of milliseconds that the report path does not need.
         */
        public PayloadSpec spec() {
            return SPECS.get(payloadType);
        }
    }

    private static final ClassValue<PayloadSpec> SPECS = new ClassValue<>() {
        @Override
        @SuppressWarnings("unchecked")
        protected PayloadSpec computeValue(Class<?> type) {
            return PayloadSpec.of(BY_TYPE.get(type).name(), (Class<? extends Payload>) type);
        }
    };

    private static final Map<String, JsonTable> BY_NAME = new LinkedHashMap<>();
    private static final Map<Class<?>, JsonTable> BY_TYPE = new LinkedHashMap<>();

    static {
        add(MESSAGES, Message.class);
        add(CLI_INVOCATIONS, CliInvocation.class);
        add(CRASHES, Crash.class);
        add(TICKS, Tick.class);
        add(WORKSPACES, Workspace.class);
        add(SESSIONS, Session.class);
        add(CLONE_DISPATCHES, CloneDispatch.class);
        add(HARVESTS, Harvest.class);
        add(COMMUNICATION_EVENTS, CommunicationEvent.class);
        add(MCP_TOOL_CALLS, McpToolCall.class);
        add(GIT_OPERATIONS, GitOperation.class);
        add(OWNER_DIRECTIVES, OwnerDirective.class);
        add(TOKEN_USAGE, TokenUsage.class);
        add(TESTS, TestRun.class);
        add(WATCHDOG_EVENTS, WatchdogEvent.class);
        add(TASKS, Task.class);
        add(SOURCE_ERRORS, SourceError.class);
        add(IROH_EVENTS, IrohEvent.class);
        add(TOOL_USE_EVENTS, ToolUseEvent.class);
        add(CLONE_LIFECYCLE_EVENTS, CloneLifecycleEvent.class);
        add(PREPUSH_BYPASS_EVENTS, PrepushBypassEvent.class);
        add(MARKER_STATE_EVENTS, MarkerStateEvent.class);
        add(DEPENDENCY_INSTALLS, DependencyInstall.class);
        add(API_ERRORS, ApiError.class);
    }

    private JsonTables() {}

    private static void add(Table<?> table, Class<? extends Payload> type) {
        JsonTable t = new JsonTable((JsonRowTable) table, type);
        BY_NAME.put(t.name(), t);
        BY_TYPE.put(type, t);
    }

    /** The table named {@code name}; {@code IllegalArgumentException} naming the known ones if none. */
    public static JsonTable byName(String name) {
        JsonTable t = BY_NAME.get(name);
        if (t == null) {
            throw new BadInputException("unknown table '" + name + "'; JSON-row tables are: "
                    + String.join(", ", BY_NAME.keySet()));
        }
        return t;
    }

    /** The table whose payload is {@code type}. */
    public static JsonTable byType(Class<?> type) {
        JsonTable t = BY_TYPE.get(type);
        if (t == null) {
            throw new BadInputException(type.getName() + " is not a metadb payload type");
        }
        return t;
    }

    /** Every JSON-row table, in SPEC order (an unmodifiable view). */
    public static Collection<JsonTable> all() {
        return java.util.Collections.unmodifiableCollection(BY_NAME.values());
    }
}
