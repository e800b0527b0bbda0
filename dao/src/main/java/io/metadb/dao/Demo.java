package io.metadb.dao;

import io.metadb.core.BadInputException;
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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;

/**
 * Writes a realistic fleet history through the DAOs, shaped like the live file (SPEC §6):
 * at scale 1 the same row counts, each hot table spread back from {@code now} over as many
 * days as its 24-hour pace implies, the rest over two weeks. Deterministic for a seed and
 * a {@code now}. Not thread-safe; one generation per instance.
 */
public final class Demo {
    /** Rows per table at scale 1, and rows per 24 hours (0: spread over {@link #QUIET_SPAN}). */
    private record Shape(int rows, int per24h) {}

    private static final Duration QUIET_SPAN = Duration.ofDays(14);
    private static final int CHUNK = 5_000;

    private static final String[] AGENTS = {"agent0", "agent1", "agent2", "agent3", "agent4", "agent5", "agent6", "agent8"};
    private static final String[] CLONES = {"clone-a", "clone-b", "clone-c", "clone-d", "clone-e", "clone-f"};
    private static final String[] MODELS = {"claude-opus-4-20250514", "claude-sonnet-4-20250514",
        "claude-haiku-4-20251001", "gpt-5-2025-08-07", "gemini-2.5-pro-preview-06-05"};
    private static final String[] PROVIDERS = {"anthropic", "anthropic", "anthropic", "openai", "google"};
    private static final double[] IN_PRICE = {15e-6, 3e-6, 0.8e-6, 1.25e-6, 1.25e-6};
    private static final double[] OUT_PRICE = {75e-6, 15e-6, 4e-6, 10e-6, 10e-6};
    private static final String[] COMMANDS = {"git", "cargo", "npm", "pytest", "rg", "ls", "make", "mvn", "gh", "netsky"};
    private static final String[] CHANNELS = {"imessage", "email", "slack", "discord"};
    private static final String[] CHECKS = {"disk_space", "tick_lag", "clone_health", "queue_depth", "memory", "token_budget"};
    private static final String[] TICK_KINDS = {"heartbeat", "poll_sources", "dispatch", "harvest", "retention"};
    private static final String[] MCP = {"github:create_issue", "github:list_prs", "fs:read_file", "fs:write_file",
        "browser:navigate", "browser:screenshot", "search:query"};
    private static final String[] COMPONENTS = {"dispatcher", "source:imessage", "watchdog", "clone-runner", "mcp-bridge"};
    private static final String[] ERRORS = {"connection reset by peer", "timeout after 30s", "exit status 101",
        "database is locked", "rate limited (429)", "permission denied"};
    private static final String[] SUITES = {"netsky-db", "netsky-cli", "dispatch", "sources"};
    private static final String[] REPOS = {"netsky", "netsky-db", "fleet-config", "website"};

    private final MetaDb db;
    private final Random random;
    private final Instant now;
    private final double scale;
    private final Map<String, Integer> written = new LinkedHashMap<>();
    private final List<CompletableFuture<?>> pending = new ArrayList<>();

    public Demo(MetaDb db, long seed, Instant now, double scale) {
        checkScale(scale);
        this.db = db;
        this.random = new Random(seed);
        this.now = now;
        this.scale = scale;
    }

    /** Writes everything; returns rows written per table, in write order. */
    /** Throws if {@code scale} is not in (0, 100]: checked before anything touches the disk. */
    public static void checkScale(double scale) {
        if (!(scale > 0) || scale > 100) {
            throw new BadInputException("--rows-scale must be in (0, 100], was " + scale);
        }
    }

    public Map<String, Integer> run() {
        table(TokenUsage.class, new Shape(76_384, 6_086), (r, i) -> {
            int m = r.nextInt(MODELS.length);
            long in = 200 + (long) (r.nextDouble() * r.nextDouble() * 60_000);
            long out = 50 + (long) (r.nextDouble() * r.nextDouble() * 8_000);
            Long cacheRead = r.nextInt(3) == 0 ? null : (long) (in * 4 * r.nextDouble());
            Long cacheWrite = r.nextInt(4) == 0 ? null : (long) (in * 0.3 * r.nextDouble());
            double cost = in * IN_PRICE[m] + out * OUT_PRICE[m] + (cacheRead == null ? 0 : cacheRead * IN_PRICE[m] / 10);
            return new TokenUsage(agent(r), uuid(r), PROVIDERS[m], MODELS[m],
                    in, out, cacheRead, cacheWrite, Math.round(cost * 1e6) / 1e6);
        });
        table(CliInvocation.class, new Shape(20_061, 5_227), (r, i) -> {
            String cmd = pick(r, COMMANDS);
            boolean fail = r.nextInt(100) < 7;
            return new CliInvocation(agent(r), cmd, args(cmd, r),
                    fail ? 1 + r.nextInt(2) * 100 : 0, (long) (5 + Math.pow(r.nextDouble(), 3) * 90_000),
                    r.nextInt(5) > 0 ? "/home/fleet/work/clones/" + pick(r, CLONES) + "/" + pick(r, REPOS) : null);
        });
        table(CommunicationEvent.class, new Shape(13_602, 1_785), (r, i) -> {
            boolean in = r.nextInt(5) < 2;
            String event = in ? "received" : r.nextInt(25) == 0 ? "failed" : r.nextBoolean() ? "sent" : "delivered";
            return new CommunicationEvent(r.nextInt(10) == 0 ? null : agent(r), pick(r, CHANNELS), in ? "in" : "out", event,
                    "<" + uuid(r) + "@" + "fleet.local>", event.equals("failed") ? pick(r, ERRORS) : null);
        });
        table(WatchdogEvent.class, new Shape(8_101, 2_533), (r, i) -> {
            int roll = r.nextInt(100);
            String level = roll < 3 ? "red" : roll < 15 ? "yellow" : "green";
            return new WatchdogEvent(agent(r), pick(r, CHECKS), level,
                    level.equals("green") ? null : "threshold exceeded: " + (50 + r.nextInt(50)) + "% (limit 80%)");
        });
        table(Tick.class, new Shape(3_957, 2_007), (r, i) -> new Tick(agent(r), pick(r, TICK_KINDS),
                r.nextInt(40) == 0 ? "fail" : "ok", (long) (2 + Math.pow(r.nextDouble(), 2) * 4_000)));
        table(Message.class, new Shape(2_131, 0), (r, i) -> {
            boolean in = r.nextBoolean();
            return new Message(agent(r), pick(r, CHANNELS), in ? "in" : "out", in ? "owner" : "agent", in ? "agent" : "owner",
                    body(r), r.nextInt(3) == 0 ? "thread-" + r.nextInt(200) : null);
        });
        table(McpToolCall.class, new Shape(1_761, 0), (r, i) -> {
            String[] st = pick(r, MCP).split(":");
            boolean ok = r.nextInt(20) != 0;
            return new McpToolCall(agent(r), st[0], st[1], (long) (20 + Math.pow(r.nextDouble(), 2) * 8_000), ok,
                    ok ? null : pick(r, ERRORS));
        });
        table(Crash.class, new Shape(60, 0), (r, i) -> new Crash(agent(r), pick(r, COMPONENTS), "panicked: " + pick(r, ERRORS),
                r.nextBoolean() ? "at src/main.rs:" + r.nextInt(900) + "\nat src/lib.rs:" + r.nextInt(3000) : null));
        table(Workspace.class, new Shape(120, 0), (r, i) -> new Workspace(agent(r), i % 2 == 0 ? "created" : "removed",
                "/work/clones/" + pick(r, CLONES) + "-" + (i / 2), r.nextBoolean() ? "task/" + (i / 2) : null));
        table(Session.class, new Shape(400, 0), (r, i) -> new Session(agent(r), "sess-" + (i / 2),
                i % 2 == 0 ? "start" : "end", pick(r, MODELS)));
        dispatches();
        table(GitOperation.class, new Shape(500, 0), (r, i) -> {
            String op = pick(r, new String[] {"commit", "commit", "push", "pull", "rebase", "merge"});
            boolean ok = r.nextInt(15) != 0;
            return new GitOperation(agent(r), pick(r, REPOS), op, op.equals("commit") ? null : "refs/heads/main", ok,
                    (long) (30 + r.nextInt(4_000)));
        });
        table(OwnerDirective.class, new Shape(40, 0), (r, i) -> new OwnerDirective(r.nextBoolean() ? agent(r) : null,
                pick(r, CHANNELS), "please " + pick(r, new String[] {"pause clones", "ship the release", "rotate keys", "review PR"}),
                pick(r, new String[] {"received", "acknowledged", "done"})));
        table(TestRun.class, new Shape(900, 0), (r, i) -> {
            int n = r.nextInt(60);
            boolean flaky = n % 13 == 0;
            String status = r.nextInt(flaky ? 3 : 40) == 0 ? "fail" : r.nextInt(50) == 0 ? "skip" : "pass";
            return new TestRun(r.nextBoolean() ? agent(r) : null, SUITES[n % SUITES.length], "test_case_" + n, status,
                    (long) r.nextInt(3_000), Long.toHexString(r.nextLong()).substring(0, 7));
        });
        table(SourceError.class, new Shape(50, 0), (r, i) -> new SourceError(pick(r, CHANNELS), pick(r, ERRORS),
                r.nextBoolean() ? "retrying in " + r.nextInt(60) + "s" : null));
        table(IrohEvent.class, new Shape(200, 0), (r, i) -> new IrohEvent("peer-" + r.nextInt(6),
                pick(r, new String[] {"connected", "disconnected", "sync", "ping"}), r.nextBoolean() ? "rtt " + r.nextInt(90) + "ms" : null));
        table(ToolUseEvent.class, new Shape(800, 0), (r, i) -> {
            boolean ok = r.nextInt(25) != 0;
            return new ToolUseEvent(agent(r), pick(r, new String[] {"bash", "edit", "read", "grep", "web_fetch"}),
                    (long) r.nextInt(20_000), ok, ok ? null : pick(r, ERRORS));
        });
        table(CloneLifecycleEvent.class, new Shape(400, 0), (r, i) -> new CloneLifecycleEvent(r.nextBoolean() ? agent(r) : null,
                pick(r, CLONES), pick(r, new String[] {"spawn", "ready", "busy", "idle", "busy", "idle", "stop", "crash"})));
        table(PrepushBypassEvent.class, new Shape(12, 0), (r, i) -> new PrepushBypassEvent(agent(r), pick(r, REPOS),
                r.nextBoolean() ? "refs/heads/main" : null, pick(r, new String[] {"hook timeout", "owner override", "flaky lint"})));
        table(MarkerStateEvent.class, new Shape(80, 0), (r, i) -> new MarkerStateEvent(r.nextBoolean() ? agent(r) : null,
                "marker-" + r.nextInt(10), r.nextInt(4) == 0 ? null : "idle", pick(r, new String[] {"armed", "fired", "idle"})));
        table(DependencyInstall.class, new Shape(150, 0), (r, i) -> new DependencyInstall(r.nextBoolean() ? agent(r) : null,
                pick(r, new String[] {"cargo", "npm", "pip", "maven"}), "pkg-" + r.nextInt(80),
                r.nextBoolean() ? "1." + r.nextInt(20) + "." + r.nextInt(9) : null, (long) r.nextInt(120_000), r.nextInt(12) != 0));
        events();
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
        return written;
    }

    /** Multi-step dispatches: dispatched, accepted, completed or failed; tasks moving with them; harvests. */
    private void dispatches() {
        int tasks = rows(new Shape(100, 0));
        List<Stamped<? extends CloneDispatch>> dispatchRows = new ArrayList<>();
        List<Stamped<? extends Harvest>> harvestRows = new ArrayList<>();
        List<Stamped<? extends Task>> taskRows = new ArrayList<>();
        for (int t = 0; t < tasks; t++) {
            String taskId = "task-" + (1000 + t);
            String agent = agent(random);
            String clone = pick(random, CLONES);
            Instant ts = randomTs(QUIET_SPAN);
            String title = pick(random, new String[] {"fix flaky test", "add retention", "port reports", "upgrade deps",
                "write docs"}) + " #" + t;
            long priority = 1 + random.nextInt(4);
            taskRows.add(new Stamped<>(ts, new Task(taskId, agent, title, "open", priority)));
            dispatchRows.add(new Stamped<>(ts = later(ts), new CloneDispatch(agent, clone, taskId, "dispatched", title)));
            if (random.nextInt(10) == 0) {
                continue; // stuck: never accepted
            }
            dispatchRows.add(new Stamped<>(ts = later(ts), new CloneDispatch(agent, clone, taskId, "accepted", null)));
            taskRows.add(new Stamped<>(ts, new Task(taskId, clone, title, "in_progress", priority)));
            if (random.nextInt(6) == 0) {
                taskRows.add(new Stamped<>(ts = later(ts), new Task(taskId, clone, title, "blocked", priority)));
                continue;
            }
            boolean ok = random.nextInt(5) != 0;
            dispatchRows.add(new Stamped<>(ts = later(ts), new CloneDispatch(agent, clone, taskId, ok ? "completed" : "failed", null)));
            if (ok) {
                harvestRows.add(new Stamped<>(ts = later(ts), new Harvest(agent, clone, taskId,
                        pick(random, new String[] {"merged", "merged", "partial", "discarded"}), "harvested " + taskId)));
                taskRows.add(new Stamped<>(ts, new Task(taskId, agent, title, "done", priority)));
            }
        }
        write(db.dao(CloneDispatch.class), dispatchRows);
        write(db.dao(Harvest.class), harvestRows);
        write(db.dao(Task.class), taskRows);
    }

    private void events() {
        int n = rows(new Shape(634, 0));
        List<CompletableFuture<Long>> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Instant ts = randomTs(Duration.ofDays(10));
            ids.add(db.events().enqueue(ts, pick(random, CHANNELS), "reply", "{\"text\":\"" + body(random) + "\"}"));
        }
        for (int i = 0; i < n; i++) {
            long id = ids.get(i).join();
            int roll = random.nextInt(100);
            if (roll < 90) {
                pending.add(db.events().markDelivered(id));
            } else if (roll < 95) {
                pending.add(db.events().markFailed(id, pick(random, ERRORS)));
            }
        }
        for (String channel : CHANNELS) {
            pending.add(db.sourceCursors().advance(channel, null, "cursor-" + random.nextInt(100_000)));
        }
        written.put("events", n);
    }

    private <P extends Payload> void table(Class<P> type, Shape shape, BiFunction<Random, Integer, P> make) {
        int n = rows(shape);
        Duration span = shape.per24h() == 0 ? QUIET_SPAN : Duration.ofSeconds((long) (86_400.0 * shape.rows() / shape.per24h()));
        List<Instant> times = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            times.add(randomTs(span));
        }
        times.sort(Comparator.naturalOrder());
        List<Stamped<? extends P>> rows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            rows.add(new Stamped<>(times.get(i), make.apply(random, i)));
        }
        write(db.dao(type), rows);
    }

    private <P extends Payload> void write(JsonRowDao<P> dao, List<Stamped<? extends P>> rows) {
        rows.sort(Comparator.comparing(Stamped::ts));
        for (int from = 0; from < rows.size(); from += CHUNK) {
            pending.add(dao.recordAllStamped(rows.subList(from, Math.min(rows.size(), from + CHUNK))));
        }
        written.merge(dao.table(), rows.size(), Integer::sum);
    }

    private int rows(Shape shape) {
        return Math.max(1, (int) Math.round(shape.rows() * scale));
    }

    private Instant randomTs(Duration span) {
        return now.minusMillis((long) (random.nextDouble() * span.toMillis()));
    }

    private Instant later(Instant ts) {
        Instant next = ts.plusSeconds(30 + random.nextInt(3_600));
        return next.isAfter(now) ? now : next;
    }

    private static String uuid(Random r) {
        return new java.util.UUID(r.nextLong(), r.nextLong()).toString();
    }

    /** Arguments as agents pass them: subcommand, flags, long paths, sometimes a message. */
    private static List<String> args(String cmd, Random r) {
        List<String> args = new ArrayList<>();
        args.add(sub(cmd, r));
        int n = 2 + r.nextInt(6);
        for (int i = 0; i < n; i++) {
            switch (r.nextInt(4)) {
                case 0 -> args.add("--" + pick(r, new String[] {"verbose", "color=never", "no-pager", "quiet", "all"}));
                case 1 -> args.add("/home/fleet/work/clones/" + pick(r, CLONES) + "/" + pick(r, REPOS) + "/src/crates/"
                        + pick(r, REPOS) + "/src/module_" + r.nextInt(400) + ".rs");
                case 2 -> args.add("--message=" + body(r));
                default -> args.add("task/" + (1000 + r.nextInt(200)));
            }
        }
        return args;
    }

    private static String agent(Random r) {
        return AGENTS[r.nextInt(AGENTS.length)];
    }

    private static String pick(Random r, String[] values) {
        return values[r.nextInt(values.length)];
    }

    private static String sub(String cmd, Random r) {
        return switch (cmd) {
            case "git" -> pick(r, new String[] {"status", "diff", "commit", "push", "log"});
            case "cargo" -> pick(r, new String[] {"build", "test", "clippy"});
            case "npm" -> pick(r, new String[] {"install", "test", "run"});
            default -> "run";
        };
    }

    private static String body(Random r) {
        String[] words = {"deploy", "looks", "good", "the", "clone", "finished", "can", "you", "check", "tests", "failing",
            "again", "merged", "thanks", "status", "update", "please", "retry", "tonight", "queue"};
        StringBuilder sb = new StringBuilder();
        int n = 6 + r.nextInt(40);
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : " ").append(pick(r, words));
        }
        return sb.toString();
    }
}
