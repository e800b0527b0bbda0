package io.metadb.analytics;

import io.metadb.dao.MetaDb;
import io.metadb.dao.MetaDbOptions;
import io.metadb.payload.CliInvocation;
import io.metadb.payload.CloneDispatch;
import io.metadb.payload.CloneLifecycleEvent;
import io.metadb.payload.CommunicationEvent;
import io.metadb.payload.Crash;
import io.metadb.payload.Harvest;
import io.metadb.payload.McpToolCall;
import io.metadb.payload.Message;
import io.metadb.payload.OwnerDirective;
import io.metadb.payload.Task;
import io.metadb.payload.TestRun;
import io.metadb.payload.TokenUsage;
import io.metadb.payload.WatchdogEvent;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

/**
 * A small database written through the DAOs, for which every report's rows were computed
 * by hand (see ReportsTest). NOW is the end of every window.
 */
final class Fixture {
    static final Instant NOW = Instant.parse("2026-04-20T12:00:00.000Z");

    private Fixture() {}

    static Instant ago(Duration d) {
        return NOW.minus(d);
    }

    static Instant hoursAgo(long h) {
        return ago(Duration.ofHours(h));
    }

    static Instant daysAgo(long d) {
        return ago(Duration.ofDays(d));
    }

    static Path write(Path dir) {
        Path file = dir.resolve("fixture.db");
        try (MetaDb db = MetaDb.open(file, MetaDbOptions.builder().clock(Clock.fixed(NOW, ZoneOffset.UTC)).build())) {
            var tokens = db.dao(TokenUsage.class);
            tokens.record(hoursAgo(1), new TokenUsage("a1", null, "p", "m1", 100, 10, 5L, null, 0.5));
            tokens.record(hoursAgo(2), new TokenUsage("a2", "s", "p", "m2", 200, 20, null, 7L, 0.75));
            tokens.record(hoursAgo(3), new TokenUsage("a1", null, "p", "m1", 50, 5, 1L, 1L, 0.25));
            tokens.record(hoursAgo(25), new TokenUsage("a1", null, "p", "m3", 1000, 100, null, null, 9.0));
            tokens.record(hoursAgo(24), new TokenUsage("a2", null, "p", "m3", 1, 1, null, null, 0.125)); // window edge: in

            var cli = db.dao(CliInvocation.class);
            cli.record(hoursAgo(1), new CliInvocation("a1", "git", List.of("status"), 0, 10, null));
            cli.record(hoursAgo(2), new CliInvocation("a1", "git", List.of("push"), 1, 30, null));
            cli.record(hoursAgo(3), new CliInvocation("a2", "git", List.of("pull"), 0, 20, null));
            cli.record(hoursAgo(4), new CliInvocation("a2", "git", List.of("log"), 0, 40, "/w"));
            cli.record(hoursAgo(5), new CliInvocation("a1", "ls", List.of(), 0, 5, null));
            cli.record(hoursAgo(30), new CliInvocation("a1", "ls", List.of(), 2, 999, null));

            var crashes = db.dao(Crash.class);
            crashes.record(daysAgo(1), new Crash("a1", "X", "e1", null));
            crashes.record(daysAgo(2), new Crash("a2", "X", "e2", null));
            crashes.record(daysAgo(1), new Crash("a1", "X", "e3", "bt")); // same ts as e1, higher id: latest
            crashes.record(daysAgo(3), new Crash("a1", "Y", "e4", null));
            crashes.record(daysAgo(8), new Crash("a1", "Z", "e5", null));

            var watchdog = db.dao(WatchdogEvent.class);
            watchdog.record(hoursAgo(1), new WatchdogEvent("a1", "c1", "green", null));
            watchdog.record(hoursAgo(2), new WatchdogEvent("a1", "c1", "red", "down"));
            watchdog.record(hoursAgo(3), new WatchdogEvent("a2", "c1", "red", "down"));
            watchdog.record(hoursAgo(1), new WatchdogEvent("a1", "c2", "yellow", null));
            watchdog.record(hoursAgo(30), new WatchdogEvent("a1", "c2", "red", null));

            db.dao(Message.class).record(hoursAgo(1), new Message("a1", "imessage", "in", "owner", "a1", "hi", null));

            var tests = db.dao(TestRun.class);
            tests.record(hoursAgo(3), new TestRun(null, "s", "n1", "pass", 5, null));
            tests.record(hoursAgo(2), new TestRun(null, "s", "n1", "fail", 5, null));
            tests.record(hoursAgo(1), new TestRun(null, "s", "n1", "pass", 5, null));
            tests.record(hoursAgo(1), new TestRun("a2", "s", "n2", "fail", 5, "abc1234"));
            tests.record(daysAgo(8), new TestRun(null, "s", "n3", "pass", 5, null));

            var mcp = db.dao(McpToolCall.class);
            mcp.record(hoursAgo(1), new McpToolCall("a1", "fs", "read", 10, true, null));
            mcp.record(hoursAgo(2), new McpToolCall("a1", "fs", "read", 20, false, "enoent"));
            mcp.record(hoursAgo(1), new McpToolCall("a1", "fs", "write", 5, true, null));
            mcp.record(hoursAgo(1), new McpToolCall("a2", "gh", "pr", 7, true, null));
            mcp.record(hoursAgo(2), new McpToolCall("a2", "gh", "pr", 8, true, null));

            var lifecycle = db.dao(CloneLifecycleEvent.class);
            lifecycle.record(hoursAgo(3), new CloneLifecycleEvent(null, "cl-a", "spawn"));
            lifecycle.record(hoursAgo(2), new CloneLifecycleEvent(null, "cl-a", "busy"));
            lifecycle.record(hoursAgo(1), new CloneLifecycleEvent("d1", "cl-a", "crash"));
            lifecycle.record(hoursAgo(1), new CloneLifecycleEvent(null, "cl-b", "spawn"));
            lifecycle.record(hoursAgo(30), new CloneLifecycleEvent(null, "cl-c", "spawn"));

            var dispatches = db.dao(CloneDispatch.class);
            dispatches.record(daysAgo(3), new CloneDispatch("d1", "cl-a", "T1", "dispatched", "brief"));
            dispatches.record(daysAgo(2), new CloneDispatch("d1", "cl-a", "T1", "accepted", null));
            dispatches.record(daysAgo(1), new CloneDispatch("d1", "cl-a", "T1", "completed", null));
            dispatches.record(daysAgo(2), new CloneDispatch("d1", "cl-b", "T2", "dispatched", null));
            dispatches.record(daysAgo(10), new CloneDispatch("d1", "cl-a", "T3", "dispatched", null));
            dispatches.record(daysAgo(1), new CloneDispatch("d1", "cl-a", "T3", "completed", null));
            dispatches.record(daysAgo(1), new CloneDispatch("d2", "cl-a", "T4", "dispatched", null));
            var harvests = db.dao(Harvest.class);
            harvests.record(daysAgo(1), new Harvest("d1", "cl-a", "T1", "merged", null));
            harvests.record(hoursAgo(20), new Harvest("d1", "cl-a", "T1", "discarded", null));

            var tasks = db.dao(Task.class);
            tasks.record(daysAgo(3), new Task("T1", "a1", "title one", "open", 2L));
            tasks.record(daysAgo(2), new Task("T1", "cl-a", "title one", "in_progress", 2L));
            tasks.record(daysAgo(1), new Task("T1", "a1", "title one", "done", 2L));
            tasks.record(daysAgo(2), new Task("T2", null, "title two", "open", null));

            var events = db.events();
            long e1 = events.enqueue(hoursAgo(5), "imessage", "reply", "{}").join();
            events.enqueue(hoursAgo(3), "imessage", "reply", "{}").join();
            long e3 = events.enqueue(hoursAgo(4), "imessage", "reply", "{}").join();
            long e4 = events.enqueue(hoursAgo(2), "imessage", "reply", "{}").join();
            long e5 = events.enqueue(hoursAgo(1), "imessage", "reply", "{}").join();
            events.enqueue(hoursAgo(6), "email", "reply", "{}").join();
            events.markDelivered(e3).join();
            events.markFailed(e4, "boom").join();
            events.markFailed(e5, "bang").join();
            if (e1 != 1) {
                throw new IllegalStateException("fixture expects event ids from 1");
            }
            db.sourceCursors().advance("imessage", null, "c42").join();

            var comm = db.dao(CommunicationEvent.class);
            comm.record(hoursAgo(1), new CommunicationEvent("a1", "imessage", "in", "received", null, null));
            comm.record(hoursAgo(2), new CommunicationEvent(null, "imessage", "in", "received", null, null));
            comm.record(hoursAgo(1), new CommunicationEvent("a1", "imessage", "out", "sent", "m1", null));
            comm.record(hoursAgo(1), new CommunicationEvent("a1", "imessage", "out", "failed", "m2", "refused"));
            comm.record(hoursAgo(25), new CommunicationEvent("a1", "imessage", "in", "received", null, null));

            var directives = db.dao(OwnerDirective.class);
            directives.record(Instant.parse("2026-04-19T00:00:00.000Z"), new OwnerDirective(null, "imessage", "pause", "received"));
            directives.record(Instant.parse("2026-04-20T00:00:00.000Z"), new OwnerDirective(null, "imessage", "resume", "done"));
            db.flush();
        }
        return file;
    }
}
