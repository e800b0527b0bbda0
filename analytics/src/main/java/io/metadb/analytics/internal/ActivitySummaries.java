package io.metadb.analytics.internal;

import io.metadb.core.BadInputException;
import static io.metadb.generated.Tables.API_ERRORS;
import static io.metadb.generated.Tables.CLI_INVOCATIONS;
import static io.metadb.generated.Tables.CLONE_DISPATCHES;
import static io.metadb.generated.Tables.CLONE_LIFECYCLE_EVENTS;
import static io.metadb.generated.Tables.COMMUNICATION_EVENTS;
import static io.metadb.generated.Tables.CRASHES;
import static io.metadb.generated.Tables.DEPENDENCY_INSTALLS;
import static io.metadb.generated.Tables.EVENTS;
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
import static org.jooq.impl.DSL.coalesce;
import static org.jooq.impl.DSL.concat;
import static org.jooq.impl.DSL.inline;
import static org.jooq.impl.DSL.when;

import java.util.Map;
import org.jooq.Field;
import org.jooq.Table;

/**
 * The {@code summary} text of a row of each table (for {@code recent} and {@code audit}), as
 * jOOQ expressions over the generated columns: whole values (the CLI's table view cuts long
 * text and escapes newlines; JSON and CSV carry everything). Immutable.
 */
public final class ActivitySummaries {
    private static final Map<Table<?>, Field<String>> SUMMARIES = Map.ofEntries(
            Map.entry(MESSAGES, concat(MESSAGES.DIRECTION, inline(" "), MESSAGES.CHANNEL, inline(" "),
                    MESSAGES.SENDER, inline(" -> "), MESSAGES.RECIPIENT, inline(": "), MESSAGES.BODY)),
            Map.entry(CLI_INVOCATIONS, concat(CLI_INVOCATIONS.COMMAND, inline(" exit "), CLI_INVOCATIONS.EXIT_CODE,
                    inline(" in "), CLI_INVOCATIONS.DURATION_MS, inline(" ms"))),
            Map.entry(CRASHES, concat(CRASHES.COMPONENT, inline(": "), CRASHES.ERROR)),
            Map.entry(TICKS, concat(TICKS.KIND, inline(" "), TICKS.STATUS, inline(" in "), TICKS.DURATION_MS, inline(" ms"))),
            Map.entry(WORKSPACES, concat(WORKSPACES.ACTION, inline(" "), WORKSPACES.PATH,
                    optional(" on ", WORKSPACES.BRANCH))),
            Map.entry(SESSIONS, concat(SESSIONS.PHASE, inline(" "), SESSIONS.SESSION_ID, optional(" ", SESSIONS.MODEL))),
            Map.entry(CLONE_DISPATCHES, concat(CLONE_DISPATCHES.TASK_ID, inline(" "), CLONE_DISPATCHES.STATUS,
                    inline(" -> "), CLONE_DISPATCHES.CLONE)),
            Map.entry(HARVESTS, concat(HARVESTS.TASK_ID, inline(" "), HARVESTS.OUTCOME, inline(" from "), HARVESTS.CLONE)),
            Map.entry(COMMUNICATION_EVENTS, concat(COMMUNICATION_EVENTS.CHANNEL, inline(" "),
                    COMMUNICATION_EVENTS.DIRECTION, inline(" "), COMMUNICATION_EVENTS.EVENT,
                    optional(": ", COMMUNICATION_EVENTS.ERROR))),
            Map.entry(MCP_TOOL_CALLS, concat(MCP_TOOL_CALLS.SERVER, inline("."), MCP_TOOL_CALLS.TOOL, inline(" "),
                    okText(MCP_TOOL_CALLS.OK), inline(" in "), MCP_TOOL_CALLS.DURATION_MS, inline(" ms"),
                    optional(": ", MCP_TOOL_CALLS.ERROR))),
            Map.entry(GIT_OPERATIONS, concat(GIT_OPERATIONS.OP, inline(" "), GIT_OPERATIONS.REPO,
                    optional(" ", GIT_OPERATIONS.REF), inline(" "), okText(GIT_OPERATIONS.OK))),
            Map.entry(OWNER_DIRECTIVES, concat(OWNER_DIRECTIVES.STATUS, inline(" from "), OWNER_DIRECTIVES.SOURCE,
                    inline(": "), OWNER_DIRECTIVES.DIRECTIVE)),
            Map.entry(TOKEN_USAGE, concat(TOKEN_USAGE.MODEL, inline(" in "), TOKEN_USAGE.INPUT_TOKENS, inline(" out "),
                    TOKEN_USAGE.OUTPUT_TOKENS, inline(" $"), TOKEN_USAGE.COST_USD)),
            Map.entry(TESTS, concat(TESTS.SUITE, inline("::"), TESTS.NAME, inline(" "), TESTS.STATUS)),
            Map.entry(WATCHDOG_EVENTS, concat(WATCHDOG_EVENTS.CHECK_NAME, inline(" "), WATCHDOG_EVENTS.LEVEL,
                    optional(": ", WATCHDOG_EVENTS.DETAIL))),
            Map.entry(TASKS, concat(TASKS.TASK_ID, inline(" "), TASKS.STATUS, inline(": "), TASKS.TITLE)),
            Map.entry(SOURCE_ERRORS, concat(SOURCE_ERRORS.SOURCE, inline(": "), SOURCE_ERRORS.ERROR)),
            Map.entry(IROH_EVENTS, concat(IROH_EVENTS.PEER, inline(" "), IROH_EVENTS.EVENT, optional(": ", IROH_EVENTS.DETAIL))),
            Map.entry(TOOL_USE_EVENTS, concat(TOOL_USE_EVENTS.TOOL, inline(" "), okText(TOOL_USE_EVENTS.OK), inline(" in "),
                    TOOL_USE_EVENTS.DURATION_MS, inline(" ms"), optional(": ", TOOL_USE_EVENTS.ERROR))),
            Map.entry(CLONE_LIFECYCLE_EVENTS, concat(CLONE_LIFECYCLE_EVENTS.CLONE, inline(" "), CLONE_LIFECYCLE_EVENTS.PHASE)),
            Map.entry(PREPUSH_BYPASS_EVENTS, concat(PREPUSH_BYPASS_EVENTS.REPO, optional(" ", PREPUSH_BYPASS_EVENTS.REF),
                    inline(": "), PREPUSH_BYPASS_EVENTS.REASON)),
            Map.entry(MARKER_STATE_EVENTS, concat(MARKER_STATE_EVENTS.MARKER, inline(" "),
                    coalesce(MARKER_STATE_EVENTS.FROM_STATE, inline("?")), inline(" -> "), MARKER_STATE_EVENTS.TO_STATE)),
            Map.entry(DEPENDENCY_INSTALLS, concat(DEPENDENCY_INSTALLS.ECOSYSTEM, inline(" "), DEPENDENCY_INSTALLS.PACKAGE,
                    optional(" ", DEPENDENCY_INSTALLS.VERSION), inline(" "), okText(DEPENDENCY_INSTALLS.OK))),
            Map.entry(API_ERRORS, concat(API_ERRORS.MODEL, inline(": "), API_ERRORS.ERROR,
                    coalesce(concat(inline(" (status "), API_ERRORS.STATUS_CODE, inline(")")), inline("")))),
            Map.entry(EVENTS, concat(EVENTS.KIND, inline(" "), EVENTS.STATUS, inline(" to "), EVENTS.SOURCE,
                    inline(" (attempts "), EVENTS.ATTEMPTS, inline(")"))));

    private ActivitySummaries() {}

    /** The summary expression of {@code table}'s rows. */
    public static Field<String> of(Table<?> table) {
        Field<String> f = SUMMARIES.get(table);
        if (f == null) {
            throw new BadInputException("no summary for table " + table.getName());
        }
        return f;
    }


    private static Field<String> optional(String prefix, Field<String> value) {
        return coalesce(concat(inline(prefix), value), inline(""));
    }

    private static Field<String> okText(Field<Boolean> ok) {
        return when(ok.isTrue(), inline("ok")).otherwise(inline("FAILED"));
    }
}
