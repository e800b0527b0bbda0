package io.metadb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.metadb.dao.Demo;
import io.metadb.cli.InProcess.Run;
import io.metadb.core.SchemaVersion;
import io.metadb.dao.MetaDb;
import io.metadb.payload.McpToolCall;
import io.metadb.migrations.testing.Sql;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operator's command: formats, exit codes, errors as one line, the query write refusal. */
class CliTest {
    private static final String NOW = "2026-04-20T12:00:00.000Z";

    @TempDir
    Path dir;

    private static Run run(String... args) {
        return InProcess.run(args);
    }

    private Path mcpDb() {
        Path db = dir.resolve("m.db");
        try (MetaDb metaDb = MetaDb.open(db)) {
            var mcp = metaDb.dao(McpToolCall.class);
            mcp.record(Instant.parse("2026-04-20T11:00:00.000Z"), new McpToolCall("a", "fs", "read", 10, true, null));
            mcp.record(Instant.parse("2026-04-20T11:30:00.000Z"), new McpToolCall("a", "fs", "read", 15, false, "x, \"y\""));
            mcp.record(Instant.parse("2026-04-20T11:40:00.000Z"), new McpToolCall("a", "gh", "pr,list", 7, true, null));
        }
        return db;
    }

    @Test
    void tableJsonAndCsv() {
        Path db = mcpDb();
        Run table = run("--db", db.toString(), "--now", NOW, "mcp");
        assertThat(table.code()).isZero();
        assertThat(table.out()).isEqualTo(String.join("\n",
                "server  tool     calls  errors  avg_ms  max_ms",
                "fs      read         2       1      13      15",
                "gh      pr,list      1       0       7       7", ""));

        Run json = run("--db", db.toString(), "--now", NOW, "mcp", "--json");
        assertThat(json.out().strip()).isEqualTo("[{\"server\":\"fs\",\"tool\":\"read\",\"calls\":2,\"errors\":1,\"avg_ms\":12.5,\"max_ms\":15},"
                + "{\"server\":\"gh\",\"tool\":\"pr,list\",\"calls\":1,\"errors\":0,\"avg_ms\":7.0,\"max_ms\":7}]");

        Run csv = run("--db", db.toString(), "--now", NOW, "mcp", "--csv");
        assertThat(csv.out()).isEqualTo("server,tool,calls,errors,avg_ms,max_ms\r\nfs,read,2,1,12.5,15\r\ngh,\"pr,list\",1,0,7,7\r\n");

        Run recent = run("--db", db.toString(), "recent", "--csv", "--limit", "1");
        assertThat(recent.out()).isEqualTo("ts,table_name,id,agent,summary\r\n"
                + "2026-04-20T11:40:00.000Z,mcp_tool_calls,3,a,gh.pr,list ok in 7 ms\r\n".replace("gh.pr,list ok in 7 ms", "\"gh.pr,list ok in 7 ms\""));
    }

    @Test
    void debugTellsTheSnapshotsTimeFromTheReportsOwn() {
        Path db = mcpDb();
        Run plain = run("--db", db.toString(), "--now", NOW, "mcp", "--csv");
        Run debug = run("--db", db.toString(), "--now", NOW, "--debug", "mcp", "--csv");
        assertThat(debug.code()).isZero();
        assertThat(debug.out()).isEqualTo(plain.out());
        assertThat(debug.err()).matches("metadb: snapshot of 1 tables in \\d+\\.\\d ms, report in \\d+\\.\\d ms\n");
        assertThat(plain.err()).isEmpty();
    }

    @Test
    void nullsAndEmptyResults() {
        Path db = mcpDb();
        Run json = run("--db", db.toString(), "--now", NOW, "delivery", "imessage", "--json");
        assertThat(json.code()).isZero();
        assertThat(json.out().strip()).isEqualTo("[]");
        Run table = run("--db", db.toString(), "--now", NOW, "crashes");
        assertThat(table.out()).isEqualTo("component  crashes  agents  last_ts  last_error\n");
        Run watchdog = run("--db", db.toString(), "--now", NOW, "watchdog", "--json");
        assertThat(watchdog.out().strip()).isEqualTo("[]");
    }

    @Test
    void badInputExitsTwoWithOneLine() {
        Path db = mcpDb();
        for (String[] args : new String[][] {
                {"--db", db.toString(), "mcp", "--since", "yesterday"},
                {"--db", db.toString(), "--now", "noon", "mcp"},
                {"--db", db.toString(), "cost", "--by", "color"},
                {"--db", db.toString(), "audit", "--day", "2026-13-01"},
                {"--db", db.toString(), "mcp", "--json", "--csv"},
                {"--db", db.toString(), "recent", "--table", "nope"},
                {"--db", db.toString(), "frobnicate"}}) {
            Run r = run(args);
            assertThat(r.code()).as(Arrays.toString(args)).isEqualTo(2);
            assertThat(r.err()).as(Arrays.toString(args)).doesNotContain("Exception").doesNotContain("\tat ");
        }
        Run r = run("--db", db.toString(), "mcp", "--since", "yesterday");
        assertThat(r.err()).isEqualTo("metadb: --since: 'yesterday' is not a duration (30m, 24h, 7d, 1h30m), a day (2026-04-20)"
                + " or a timestamp (2026-04-20T13:05:09.123Z; without an offset, UTC: 2026-04-20 13:05) (see: metadb mcp --help)\n");
    }

    @Test
    void aMissingDatabaseIsAFailureWithAHint() {
        Run r = run("--db", dir.resolve("absent.db").toString(), "summary");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).startsWith("metadb: no database at ").endsWith("(create one with: metadb --db "
                + dir.resolve("absent.db") + " migrate)\n");
        assertThat(dir.resolve("absent.db")).doesNotExist();
    }

    @Test
    void queryReadsAndRefusesWritesLeavingTheFileUntouched() throws Exception {
        Path db = mcpDb();
        Run ok = run("--db", db.toString(), "query", "SELECT tool, duration_ms FROM mcp_tool_calls ORDER BY id LIMIT 2", "--json");
        assertThat(ok.code()).isZero();
        assertThat(ok.out().strip()).isEqualTo("[{\"tool\":\"read\",\"duration_ms\":10},{\"tool\":\"read\",\"duration_ms\":15}]");
        Run schema = run("--db", db.toString(), "query",
                "SELECT table_name, table_type FROM information_schema.tables WHERE table_name LIKE 'mcp%'", "--csv");
        assertThat(schema.out()).isEqualTo("table_name,table_type\r\nmcp_tool_calls,BASE TABLE\r\n");

        byte[] before = Files.readAllBytes(db);
        for (String sql : new String[] {"DELETE FROM mcp_tool_calls", "INSERT INTO meta VALUES ('k', 'v')",
                "UPDATE meta SET value = '1'", "DROP TABLE mcp_tool_calls", "CREATE TABLE t (x)",
                "ATTACH DATABASE '" + dir.resolve("other.db") + "' AS o", "PRAGMA journal_mode = DELETE",
                "PRAGMA user_version = 7", "pragma main.user_version=7", "PRAGMA journal_mode", "PRAGMA optimize",
                "PRAGMA wal_checkpoint(TRUNCATE)", "PRAGMA table_info(ticks); DELETE FROM meta",
                "VACUUM INTO '" + dir.resolve("copy.db") + "'", "SELECT 1; DELETE FROM meta",
                "WITH x AS (SELECT 1) DELETE FROM mcp_tool_calls", "  -- comment\n INSERT INTO ids VALUES ('x', 1)"}) {
            Run r = run("--db", db.toString(), "query", sql);
            assertThat(r.code()).as(sql).isEqualTo(2);
            assertThat(r.err()).as(sql).startsWith("metadb: query: ");
        }
        assertThat(Files.readAllBytes(db)).isEqualTo(before);
        assertThat(dir.resolve("other.db")).doesNotExist();
        assertThat(dir.resolve("copy.db")).doesNotExist();
        assertThat(Sql.value(db, "SELECT count(*) FROM mcp_tool_calls")).isEqualTo("3");
        Run syntax = run("--db", db.toString(), "query", "SELEC 1");
        assertThat(syntax.code()).isEqualTo(2);

        // Pragmas that only read answer, as SQLite's PRAGMA prints them (quoted names, a schema, a ';').
        assertThat(run("--db", db.toString(), "query", "PRAGMA table_info(mcp_tool_calls)", "--csv").out().lines().limit(3))
                .containsExactly("cid,name,type,notnull,dflt_value,pk", "0,id,INTEGER,0,,1", "1,ts,TEXT,1,,0");
        assertThat(run("--db", db.toString(), "query", "pragma main.index_list('mcp_tool_calls');", "--csv").out())
                .isEqualTo("seq,name,unique,origin,partial\r\n0,mcp_tool_calls_server_tool,0,c,0\r\n1,mcp_tool_calls_ts,0,c,0\r\n");
        assertThat(run("--db", db.toString(), "query", "PRAGMA index_info(\"mcp_tool_calls_ts\")", "--csv").out())
                .isEqualTo("seqno,cid,name\r\n0,1,ts\r\n");
        assertThat(run("--db", db.toString(), "query", "PRAGMA quick_check", "--csv").out()).isEqualTo("quick_check\r\nok\r\n");
        assertThat(run("--db", db.toString(), "query", "PRAGMA user_version", "--csv").out()).isEqualTo("user_version\r\n0\r\n");
        assertThat(Files.readAllBytes(db)).isEqualTo(before);
    }

    @Test
    void queryDelimitsTheStatementAsSqliteDoes() {
        Path db = mcpDb();
        // Issue 10 §5: a quote inside a comment hid the ';' from a text scan, and SQLite ran
        // the first statement while the rest was dropped without a word.
        for (String sql : new String[] {"SELECT 1 -- it's\n; SELECT 2", "SELECT 1 /* it's */; SELECT 2",
                "SELECT 1; SELECT 2", "SELECT 1;\n DELETE FROM meta", "SELECT 1 -- c\n;;SELECT 2"}) {
            Run r = run("--db", db.toString(), "query", sql);
            assertThat(r.code()).as(sql).isEqualTo(2);
            assertThat(r.err()).as(sql).isEqualTo("metadb: query: one statement at a time\n");
        }
        // What SQLite reads as one statement runs, whatever a text scan would have made of it.
        String[][] single = {
            {"SELECT ';' AS x", "x\n;\n"},
            {"SELECT 1 AS n; -- done, it's", "n\n1\n"},
            {"SELECT 1 AS n -- it's; SELECT 2", "n\n1\n"},
            {"SELECT \"a;b\" FROM (SELECT 3 AS \"a;b\")", "a;b\n3\n"},
            {"SELECT [x;y] FROM (SELECT 4 AS [x;y]);;", "x;y\n4\n"},
            {"/* it's; */ SELECT 5 AS n", "n\n5\n"},
        };
        for (String[] c : single) {
            Run r = run("--db", db.toString(), "query", c[0], "--csv");
            assertThat(r.err()).as(c[0]).isEmpty();
            assertThat(r.out().replace("\r\n", "\n")).as(c[0]).isEqualTo(c[1]);
        }
    }

    @Test
    void aQueryLeavesTheSnapshotAsItWasGiven() throws Exception {
        Path db = mcpDb();
        try (io.metadb.analytics.Snapshot snapshot = io.metadb.analytics.Snapshot.of(db)) {
            for (int i = 0; i < 2; i++) {
                // The second run failed: "database information_schema is already in use".
                assertThat(io.metadb.analytics.ReadOnlyQuery.run(snapshot, "SELECT count(*) AS n FROM information_schema.tables"
                        + " WHERE table_name = 'mcp_tool_calls'").rows()).containsExactly(java.util.List.of(1L));
            }
            assertThat(io.metadb.analytics.Reports.on(snapshot, Instant.parse(NOW))
                    .run(io.metadb.analytics.report.McpReport.of(Instant.parse("2026-04-01T00:00:00Z"))))
                    .hasSize(2);
            try (java.sql.Statement s = snapshot.connection().createStatement();
                 java.sql.ResultSet rs = s.executeQuery("PRAGMA query_only")) {
                rs.next();
                assertThat(rs.getInt(1)).as("query_only after the query").isZero();
            }
        }
    }

    private static final String ENDLESS = "WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r) SELECT x FROM r";

    @Test
    void aRunawayStatementIsStoppedAtItsLimitOnASnapshotAndOnTheFile() throws Exception {
        Path db = mcpDb();
        try (io.metadb.analytics.Snapshot snapshot = io.metadb.analytics.Snapshot.of(db)) {
            snapshot.limitStatements(java.time.Duration.ofSeconds(1));
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> io.metadb.analytics.ReadOnlyQuery.run(snapshot,
                            "SELECT count(*) FROM (" + ENDLESS + ")"))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("query: stopped after 1 s: the statement ran past its time limit (--timeout sets it; default 10 s)");
            // The snapshot is still usable, and its reports too.
            assertThat(io.metadb.analytics.ReadOnlyQuery.run(snapshot, "SELECT 1 AS n").rows()).containsExactly(java.util.List.of(1L));
        }
        Run run = run("--db", db.toString(), "--timeout", "1s", "query", "SELECT count(*) FROM (" + ENDLESS + ")");
        assertThat(run.code()).isEqualTo(Main.EXIT_FAILURE);
        assertThat(run.err()).isEqualTo("metadb: query: stopped after 1 s: the statement ran past its time limit"
                + " (--timeout sets it; default 10 s)\n");
        assertThat(run("--db", db.toString(), "--timeout", "0s", "query", "SELECT 1").err())
                .startsWith("metadb: --timeout must be at least 1s");
    }

    @Test
    void aStreamedQueryStopsReadingWhenItsSinkStopsAndReadsOneConsistentView() throws Exception {
        Path db = mcpDb();
        java.util.List<java.util.List<Object>> seen = new java.util.ArrayList<>();
        class Enough extends RuntimeException {
            private static final long serialVersionUID = 1L;
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> io.metadb.analytics.ReadOnlyQuery.stream(db, ENDLESS,
                java.time.Duration.ofSeconds(30), new io.metadb.analytics.RowSink() {
                    @Override
                    public void columns(java.util.List<String> names) {
                        assertThat(names).containsExactly("x");
                    }

                    @Override
                    public void row(java.util.List<Object> values) {
                        seen.add(values);
                        if (seen.size() == 5) {
                            throw new Enough();
                        }
                    }

                    @Override
                    public void end() {
                        throw new AssertionError("an endless statement has no end");
                    }
                })).isInstanceOf(Enough.class);
        assertThat(seen).containsExactly(java.util.List.of(1L), java.util.List.of(2L), java.util.List.of(3L),
                java.util.List.of(4L), java.util.List.of(5L));
        // One read transaction: rows another connection commits while the statement streams are not seen.
        java.util.List<Long> counts = new java.util.ArrayList<>();
        io.metadb.analytics.ReadOnlyQuery.stream(db, "SELECT (SELECT count(*) FROM mcp_tool_calls) AS n FROM mcp_tool_calls",
                java.time.Duration.ofSeconds(30), new io.metadb.analytics.RowSink() {
                    @Override
                    public void columns(java.util.List<String> names) {
                    }

                    @Override
                    public void row(java.util.List<Object> values) {
                        counts.add((Long) values.get(0));
                        if (counts.size() == 1) {
                            try (io.metadb.dao.MetaDb writer = io.metadb.dao.MetaDb.open(db)) {
                                writer.dao(io.metadb.payload.McpToolCall.class).record(new io.metadb.payload.McpToolCall(
                                        "a", "s", "t", 1, true, null)).join();
                            }
                        }
                    }

                    @Override
                    public void end() {
                    }
                });
        assertThat(counts).hasSizeGreaterThan(1).allMatch(n -> n.equals(counts.get(0)));
        assertThat(run("--db", db.toString(), "query", "SELECT count(*) AS n FROM mcp_tool_calls", "--csv").out())
                .isEqualTo("n\r\n" + (counts.get(0) + 1) + "\r\n");
    }

    @Test
    void aQueryThatFailsForAnotherReasonThanItsTextIsAFailureNotBadInput() throws Exception {
        // A corrupt page: the statement is fine, the file is not. That is exit 1, like every
        // other failure; exit 2 is for input to fix (it was 2: every IllegalArgumentException).
        Path db = dir.resolve("corrupt.db");
        try (MetaDb metaDb = MetaDb.open(db)) {
            java.util.List<io.metadb.payload.Tick> ticks = new java.util.ArrayList<>();
            for (int i = 0; i < 5_000; i++) {
                ticks.add(new io.metadb.payload.Tick("agent-with-a-long-name-" + i, "k", "ok", i));
            }
            metaDb.dao(io.metadb.payload.Tick.class).recordAll(ticks).join();
        }
        long pages = Files.size(db) / 4096;
        try (java.nio.channels.FileChannel f = java.nio.channels.FileChannel.open(db, java.nio.file.StandardOpenOption.WRITE)) {
            byte[] junk = new byte[4096];
            Arrays.fill(junk, (byte) 0xff);
            for (long page = pages / 2; page < pages / 2 + 5; page++) {
                f.write(java.nio.ByteBuffer.wrap(junk), page * 4096);
            }
        }
        Run r = run("--db", db.toString(), "query", "SELECT sum(duration_ms) FROM ticks");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("metadb: query: database disk image is malformed\n");
        Run summary = run("--db", db.toString(), "--now", NOW, "summary");
        assertThat(summary.code()).isEqualTo(1);
        assertThat(summary.err()).isEqualTo("metadb: cannot snapshot " + db + ": database disk image is malformed\n");
    }

    @Test
    void aPathIsAPathEverywhere() throws Exception {
        // Issue 10 §5: "live.db?cache_size=1" was the file live.db to the writer (sqlite-jdbc
        // read the rest as settings) and another name to the readers; a quote broke query.
        for (String name : new String[] {"live.db?cache_size=1", "it's.db", "50%#1.db"}) {
            Path db = dir.resolve(name);
            Path in = dir.resolve("in.jsonl");
            Files.writeString(in, "{\"agent\":\"a\",\"kind\":\"k\",\"status\":\"ok\",\"duration_ms\":7}\n");
            Run made = run("--db", db.toString(), "migrate");
            assertThat(made.err()).as(name).isEmpty();
            assertThat(db).as(name).exists();
            Run ingest = run("--db", db.toString(), "ingest", "ticks", in.toString());
            assertThat(ingest.err()).as(name).isEmpty();
            Run query = run("--db", db.toString(), "query", "SELECT sum(duration_ms) AS d FROM ticks", "--csv");
            assertThat(query.err()).as(name).isEmpty();
            assertThat(query.out()).as(name).isEqualTo("d\r\n7\r\n");
            Run report = run("--db", db.toString(), "summary", "--json"); // the row's ts is the clock's: no --now before it
            assertThat(report.err()).as(name).isEmpty();
            assertThat(report.out()).as(name).contains("{\"metric\":\"rows_total\",\"value\":1}");
        }
        try (var files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString()).sorted().toList())
                    .containsExactly("50%#1.db", "50%#1.db-migrate.lock", "in.jsonl", "it's.db", "it's.db-migrate.lock",
                            "live.db?cache_size=1", "live.db?cache_size=1-migrate.lock");
        }
    }

    @Test
    void migrateAndIngest() throws Exception {
        Path db = dir.resolve("new.db");
        Run first = run("--db", db.toString(), "migrate");
        assertThat(first.out()).isEqualTo("created " + db + " at schema version " + SchemaVersion.HEAD + " ("
                + io.metadb.migrations.Migrations.HEAD_CHANGESETS + " changesets)\n");
        assertThat(run("--db", db.toString(), "migrate").out())
                .isEqualTo(db + " is already at schema version " + SchemaVersion.HEAD + ": nothing to do\n");

        Path lines = dir.resolve("ticks.jsonl");
        Files.writeString(lines, "{\"agent\":\"a\",\"kind\":\"k\",\"status\":\"ok\",\"duration_ms\":1}\n"
                + "{\"agent\":\"a\",\"kind\":\"k\",\"status\":\"ok\",\"duration_ms\":2}\n");
        Run ok = run("--db", db.toString(), "--now", NOW, "ingest", "ticks", lines.toString());
        assertThat(ok.code()).isZero();
        assertThat(ok.out()).isEqualTo("wrote 2 rows to ticks (ids 1..2)\n");
        assertThat(Sql.value(db, "SELECT group_concat(ts) FROM ticks")).isEqualTo(NOW + "," + NOW);

        Files.writeString(lines, "{\"agent\":\"a\",\"kind\":\"k\",\"status\":\"ok\",\"duration_ms\":1}\n{\"agent\":\"a\"}\n");
        Run bad = run("--db", db.toString(), "ingest", "ticks", lines.toString());
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).isEqualTo("metadb: line 2: ticks: missing required keys kind, status, duration_ms\nmetadb: nothing was written\n");
        StringBuilder many = new StringBuilder();
        for (int i = 1; i <= 25; i++) {
            many.append(i % 2 == 1 ? "{\"agent\":\"a\"}\n" : "{\"agent\":\"a\",\"kind\":\"k\",\"status\":\"ok\",\"duration_ms\":1}\n");
        }
        many.append("{oops\n".repeat(10));
        Files.writeString(lines, many.toString());
        Run manyBad = run("--db", db.toString(), "ingest", "ticks", lines.toString());
        assertThat(manyBad.code()).isEqualTo(2);
        java.util.List<String> errLines = manyBad.err().lines().toList();
        assertThat(errLines).hasSize(21);
        assertThat(errLines.get(0)).isEqualTo("metadb: line 1: ticks: missing required keys kind, status, duration_ms");
        assertThat(errLines.get(12)).isEqualTo("metadb: line 25: ticks: missing required keys kind, status, duration_ms");
        assertThat(errLines.get(13)).startsWith("metadb: line 26: not valid JSON");
        assertThat(errLines.get(20)).isEqualTo("metadb: and 3 more bad lines; nothing was written");
        assertThat(Sql.value(db, "SELECT count(*) FROM ticks")).isEqualTo("2");
        Run unknown = run("--db", db.toString(), "ingest", "tickz", lines.toString());
        assertThat(unknown.code()).isEqualTo(2);
        Run missing = run("--db", db.toString(), "ingest", "ticks", dir.resolve("none.jsonl").toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).isEqualTo("metadb: no such file: " + dir.resolve("none.jsonl") + "\n");
    }

    @Test
    void subcommandNamesMatchTheirAnnotations() {
        java.util.Map<String, Class<?>> all = new java.util.LinkedHashMap<>(MetadbCommand.WRITE_COMMANDS);
        all.putAll(MetadbCommand.TOOL_COMMANDS);
        all.forEach((name, type) ->
                assertThat(type.getAnnotation(picocli.CommandLine.Command.class).name()).isEqualTo(name));
    }

    @Test
    void everyCommandHasHelpWithAnExample() {
        java.util.List<String> commands = new java.util.ArrayList<>(java.util.List.of("migrate", "ingest", "demo", "query"));
        io.metadb.analytics.Reports.all().forEach(r -> commands.add(r.name()));
        for (String command : commands) {
            Run r = run("help", command);
            assertThat(r.code()).as(command).isZero();
            assertThat(r.out()).as(command).contains("Example").contains("metadb ");
            Run own = run(command, "--help"); // what an operator types first
            assertThat(own.code()).as(command + " --help").isZero();
            assertThat(own.out()).as(command + " --help").isEqualTo(r.out());
        }
        assertThat(run("help").out()).contains("hot-tables").contains("clones").contains("retention");
        Run version = run("--version");
        assertThat(version.code()).isZero();
        assertThat(version.out()).startsWith("metadb 0.1.0-SNAPSHOT (commit ").contains("\nschema version ");
        Run none = run();
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err()).isEqualTo("metadb: no command given (see: metadb help)\n");
    }

    /** Every example a report's help shows runs, in every format, on a demo database. */
    @Test
    void everyReportsExamplesRunInEveryFormat() {
        Path db = dir.resolve("demo.db");
        try (MetaDb metaDb = MetaDb.open(db)) {
            new Demo(metaDb, 5, Instant.parse(NOW), 0.02).run();
        }
        for (io.metadb.analytics.Report<?, ?> report : io.metadb.analytics.Reports.all()) {
            for (String example : report.examples()) {
                for (String format : new String[] {"", " --json", " --csv"}) {
                    String[] args = ("--db " + db + " --now " + NOW + " " + example + format).split(" ");
                    Run r = run(args);
                    assertThat(r.code()).as(example + format + ": " + r.err()).isZero();
                    assertThat(r.err()).as(example + format).isEmpty();
                    assertThat(r.out()).as(example + format).isNotBlank();
                }
            }
        }
    }

    /** Every error the parser or metadb catches in the arguments: exit 2 and exactly one line with a hint. */
    @Test
    void everyUsageErrorIsOneLineWithAHint() {
        Path db = mcpDb();
        String[][] cases = {
            {"cost --bogus", "metadb: Unknown option: '--bogus' (see: metadb cost --help)"},
            {"cost --since", "metadb: Missing required parameter for option '--since' (WHEN) (see: metadb cost --help)"},
            {"cost --since 1d --since 2d", "metadb: option '--since' (WHEN) should be specified only once (see: metadb cost --help)"},
            {"frobnicate", "metadb: unknown command 'frobnicate' (see: metadb help)"},
            {"recent --limit abc", "metadb: --limit: 'abc' is not a whole number (see: metadb recent --help)"},
            {"tasks --status bad", "metadb: --status: 'bad' is not one of open, in_progress, blocked, done (see: metadb tasks --help)"},
            {"tasks --status in-progress", "metadb: --status: 'in-progress' is not one of open, in_progress, blocked, done (see: metadb tasks --help)"},
            {"tests --status FAIL", "metadb: --status: 'FAIL' is not one of pass, fail, skip (see: metadb tests --help)"},
            {"cost --by bad", "metadb: --by: 'bad' is not one of model, agent, day (see: metadb cost --help)"},
            {"cost --since 999999999999d", "metadb: --since: '999999999999d' reaches back before the year 0000 (see: metadb cost --help)"},
            {"cost --since 99999999999999999999d", "metadb: --since: '99999999999999999999d' reaches back before the year 0000 (see: metadb cost --help)"},
            {"audit --day 2026-13-01", "metadb: --day: '2026-13-01' is not a day like 2026-04-20, today or yesterday (see: metadb audit --help)"},
            {"timeline --bucket 2h", "metadb: --bucket: '2h' is not one of 1h, 1d (see: metadb timeline --help)"},
            {"query selec", "metadb: query: near \"selec\": syntax error"},
        };
        for (String[] c : cases) {
            java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("--db", db.toString(), "--now", NOW));
            args.addAll(java.util.List.of(c[0].split(" ")));
            Run r = run(args.toArray(String[]::new));
            assertThat(r.code()).as(c[0]).isEqualTo(2);
            assertThat(r.err()).as(c[0]).isEqualTo(c[1] + "\n");
            assertThat(r.out()).as(c[0]).isEmpty();
        }
        Run syntax = run("--db", db.toString(), "query", "SELEC 1");
        assertThat(syntax.err()).isEqualTo("metadb: query: near \"SELEC\": syntax error\n");
    }

    /** SPEC §4: a window ends at --now; a plain day starts a window; audit's day is today by default. */
    @Test
    void aWindowEndsAtNowAndDaysAreAccepted() {
        Path db = mcpDb(); // calls at 11:00, 11:30, 11:40 on 2026-04-20
        Run before = run("--db", db.toString(), "--now", "2026-04-20T11:30:00.000Z", "mcp", "--csv");
        assertThat(before.out()).isEqualTo("server,tool,calls,errors,avg_ms,max_ms\r\nfs,read,2,1,12.5,15\r\n");
        Run day = run("--db", db.toString(), "--now", NOW, "mcp", "--since", "2026-04-20", "--csv");
        assertThat(day.out()).contains("fs,read,2").contains("gh,\"pr,list\",1");
        Run nextDay = run("--db", db.toString(), "--now", NOW, "mcp", "--since", "2026-04-21", "--csv");
        assertThat(nextDay.out()).isEqualTo("server,tool,calls,errors,avg_ms,max_ms\r\n");
        Run audit = run("--db", db.toString(), "--now", NOW, "audit", "--csv");
        assertThat(audit.code()).isZero();
        assertThat(audit.out()).isEqualTo("ts,table_name,id,agent,summary\r\n");
    }

    /** An empty answer about one name says on stderr which names exist; the output stays valid. */
    @Test
    void anEmptyAnswerAboutANameSaysWhichExist() {
        Path db = mcpDb();
        Run agent = run("--db", db.toString(), "--now", NOW, "agent", "nobody", "--json");
        assertThat(agent.code()).isZero();
        assertThat(agent.out().strip()).isEqualTo("[]");
        assertThat(agent.err()).isEqualTo("metadb: nothing about 'nobody'; known agents: a\n");
        Run channel = run("--db", db.toString(), "--now", NOW, "delivery", "nowhere", "--csv");
        assertThat(channel.out()).isEqualTo("metric,value\r\n");
        assertThat(channel.err()).isEqualTo("metadb: nothing about 'nowhere'; known channels: none\n");
        Run known = run("--db", db.toString(), "--now", NOW, "agent", "a");
        assertThat(known.err()).isEmpty();
    }

    /**
     * The aligned table is for people (separators, aligned decimals, null distinct from "-",
     * one line per row, long text cut, cost's total line); JSON, --nl and CSV carry every value whole.
     */
    @Test
    void theTableIsForPeopleAndTheMachineFormatsCarryEverything() {
        Path db = dir.resolve("t.db");
        String longError = "first line\tof an error that goes on " + "and on ".repeat(20) + "\nsecond line";
        try (MetaDb metaDb = MetaDb.open(db)) {
            metaDb.dao(io.metadb.payload.Crash.class).record(Instant.parse("2026-04-20T11:00:00.000Z"),
                    new io.metadb.payload.Crash("a", "-", longError, null));
            var tokens = metaDb.dao(io.metadb.payload.TokenUsage.class);
            tokens.record(Instant.parse("2026-04-20T11:00:00.000Z"),
                    new io.metadb.payload.TokenUsage("a", null, "p", "m1", 1_234_567, 10, null, null, 1.5));
            tokens.record(Instant.parse("2026-04-20T11:10:00.000Z"),
                    new io.metadb.payload.TokenUsage("b", null, "p", "m2", 3, 4, 5L, null, 0.25)).join();
        }
        Run cost = run("--db", db.toString(), "--now", NOW, "cost");
        assertThat(cost.out()).isEqualTo(String.join("\n",
                "model  calls  input_tokens  output_tokens  cache_read_tokens  cache_write_tokens  cost_usd",
                "m1         1     1,234,567             10                  0                   0     $1.50",
                "m2         1             3              4                  5                   0     $0.25",
                "total      2     1,234,570             14                  5                   0     $1.75", ""));
        Run crashes = run("--db", db.toString(), "--now", NOW, "crashes");
        String line = crashes.out().lines().toList().get(1);
        assertThat(crashes.out().lines()).hasSize(2); // the error's newline is escaped: one row, one line
        assertThat(line).startsWith("-                1       1  2026-04-20T11:00:00.000Z  first line\\tof an error")
                .endsWith("\u2026").doesNotContain("second line");
        Run recent = run("--db", db.toString(), "--now", NOW, "recent", "--table", "crashes");
        assertThat(recent.out().lines().toList().get(1)).endsWith("\u2026").contains("  a      -: first line");
        Run json = run("--db", db.toString(), "--now", NOW, "recent", "--table", "crashes", "--json");
        assertThat(json.out()).contains("-: " + longError.replace("\t", "\\t").replace("\n", "\\n"));
        Run csv = run("--db", db.toString(), "--now", NOW, "crashes", "--csv");
        assertThat(csv.out()).contains(longError);
        Run nl = run("--db", db.toString(), "--now", NOW, "cost", "--nl");
        assertThat(nl.out()).isEqualTo("{\"model\":\"m1\",\"calls\":1,\"input_tokens\":1234567,\"output_tokens\":10,"
                + "\"cache_read_tokens\":0,\"cache_write_tokens\":0,\"cost_usd\":1.5}\n"
                + "{\"model\":\"m2\",\"calls\":1,\"input_tokens\":3,\"output_tokens\":4,"
                + "\"cache_read_tokens\":5,\"cache_write_tokens\":0,\"cost_usd\":0.25}\n");
        Run emptyNl = run("--db", db.toString(), "--now", NOW, "mcp", "--nl");
        assertThat(emptyNl.out()).isEmpty();
        Run nulls = run("--db", db.toString(), "--now", NOW, "cli");
        assertThat(nulls.out()).isEqualTo("command  calls  failures  p50_ms  p95_ms  max_ms\n");
        Run agentNull = run("--db", db.toString(), "--now", NOW, "query", "SELECT NULL AS n, '-' AS dash");
        assertThat(agentNull.out()).isEqualTo("n  dash\n\u2205  -\n");
        Run both = run("--db", db.toString(), "cost", "--nl", "--json");
        assertThat(both.code()).isEqualTo(2);
    }

    /** The schema at hand: tables with kind and rows, columns with type, nullability and payload key. */
    @Test
    void tablesAndSchemaAndInformationSchemaColumns() {
        Path db = mcpDb();
        Run tables = run("--db", db.toString(), "tables", "--csv");
        assertThat(tables.code()).isZero();
        assertThat(tables.out().lines()).hasSize(33).contains("mcp_tool_calls,json-row,3", "meta,fixed,1", "events,fixed,0",
                "idempotency_keys,fixed,0", "api_errors,json-row,0",
                "cli_daily,rollup,0", "ids,fixed,1");
        Run schema = run("--db", db.toString(), "schema", "mcp_tool_calls", "--csv");
        assertThat(schema.out()).isEqualTo("table_name,column_name,data_type,nullable,payload_key\r\n"
                + "mcp_tool_calls,id,INTEGER,false,\r\n"
                + "mcp_tool_calls,ts,TEXT,false,\r\n"
                + "mcp_tool_calls,row_json,TEXT,false,\r\n"
                + "mcp_tool_calls,agent,TEXT,false,agent\r\n"
                + "mcp_tool_calls,server,TEXT,false,server\r\n"
                + "mcp_tool_calls,tool,TEXT,false,tool\r\n"
                + "mcp_tool_calls,duration_ms,INTEGER,false,duration_ms\r\n"
                + "mcp_tool_calls,ok,BOOLEAN,false,ok\r\n"
                + "mcp_tool_calls,error,TEXT,true,error\r\n");
        Run unknown = run("--db", db.toString(), "schema", "nope");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).startsWith("metadb: unknown table 'nope'; tables are: api_errors, cli_daily, ");
        Run columns = run("--db", db.toString(), "query",
                "SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_name = 'ids'", "--csv");
        assertThat(columns.out()).isEqualTo("column_name,data_type,is_nullable\r\nname,TEXT,YES\r\nid,INTEGER,NO\r\n");
    }

    /** Retention says what it wrote (rollup rows), what a dry run would take (chunks), and the space it freed; --vacuum returns it. */
    @Test
    void retentionReportsRollupRowsChunksAndSpace() throws Exception {
        Path db = dir.resolve("r.db");
        try (MetaDb metaDb = MetaDb.open(db)) {
            new Demo(metaDb, 3, Instant.parse(NOW), 0.2).run();
        }
        String[] windows = {"--cli", "3d", "--watchdog", "2d"};
        java.util.List<String> dry = new java.util.ArrayList<>(java.util.List.of("--db", db.toString(), "--now", NOW, "retention",
                "--dry-run", "--csv"));
        dry.addAll(java.util.List.of(windows));
        Run dryRun = run(dry.toArray(String[]::new));
        java.util.List<String> real = new java.util.ArrayList<>(java.util.List.of("--db", db.toString(), "--now", NOW, "retention",
                "--csv"));
        real.addAll(java.util.List.of(windows));
        Run done = run(real.toArray(String[]::new));
        assertThat(done.code()).isZero();
        java.util.List<String[]> dryRows = dryRun.out().lines().skip(1).map(l -> l.split(",")).toList();
        java.util.List<String[]> doneRows = done.out().lines().skip(1).map(l -> l.split(",")).toList();
        for (int i = 0; i < 3; i++) {
            assertThat(doneRows.get(i)[4]).as("chunks of " + doneRows.get(i)[0]).isEqualTo(dryRows.get(i)[4]);
        }
        String[] cli = doneRows.get(1);
        assertThat(Long.parseLong(cli[1])).isPositive();
        assertThat(cli[2]).as("rollup rows written = cli_daily rows (it was empty)").isEqualTo(Sql.value(db, "SELECT count(*) FROM cli_daily"));
        assertThat(done.err()).startsWith("metadb: ").contains("is free pages").endsWith("run: metadb --db " + db + " retention --vacuum\n");
        assertThat(Output.shellWord("/tmp/my dir/it's.db")).isEqualTo("'/tmp/my dir/it'\\''s.db'");
        long before = Files.size(db);
        Run vacuum = run("--db", db.toString(), "--now", NOW, "retention", "--vacuum", "--csv");
        assertThat(vacuum.code()).isZero();
        assertThat(vacuum.err()).startsWith("metadb: vacuumed ");
        assertThat(Files.size(db)).isLessThan(before);
        assertThat(Sql.value(db, "PRAGMA freelist_count")).isEqualTo("0");
    }

    /** demo checks its scale before touching the disk; help shows paths whole and each command its own examples. */
    @Test
    void demoValidatesFirstAndHelpIsTidy() {
        Path db = dir.resolve("never.db");
        Run zero = run("--db", db.toString(), "demo", "--rows-scale", "0");
        assertThat(zero.code()).isEqualTo(2);
        assertThat(db).doesNotExist();
        assertThat(dir.resolve("never.db-migrate.lock")).doesNotExist();
        assertThat(run("--db", db.toString(), "demo", "--rows-scale", "-1").code()).isEqualTo(2);
        assertThat(db).doesNotExist();
        assertThat(run("--help").out()).contains("else ./meta.db)");
        assertThat(run("cost", "--help").out()).contains("--since=WHEN").contains("window: a duration (30m, 24h, 7d, 1h30m)");
        String bench = run("bench", "--help").out();
        assertThat(bench).contains("metadb bench write --rows").doesNotContain("demo --replace");
        assertThat(run("bench", "reports", "--help").out()).doesNotContain(",\n").contains("whole-file copy.");
    }

    /** Values outside the valid ranges, non-finite numbers, lone surrogates and invalid UTF-8 are refused, the line named. */
    @Test
    void ingestRefusesWhatWouldBeStoredAltered() throws Exception {
        Path db = dir.resolve("v.db");
        run("--db", db.toString(), "migrate");
        String ok = "{\"agent\":\"a\",\"provider\":\"p\",\"model\":\"m\",\"input_tokens\":1,\"output_tokens\":2,\"cost_usd\":0.5}";
        String[][] cases = {
            {ok.replace("\"input_tokens\":1", "\"input_tokens\":9223372036854775807"),
                "metadb: line 2: token_usage.input_tokens: must be within 0..1000000000, was 9223372036854775807"},
            {ok.replace("\"input_tokens\":1", "\"input_tokens\":92233720368547758070"),
                "metadb: line 2: token_usage.input_tokens: must be within 0..1000000000, was 92233720368547758070"},
            {ok.replace("\"output_tokens\":2", "\"output_tokens\":-2"),
                "metadb: line 2: token_usage.output_tokens: must be within 0..1000000000, was -2"},
            {ok.replace("0.5", "1e400"), "metadb: line 2: token_usage.cost_usd: must be a finite number, was too large"},
            {ok.replace("\"agent\":\"a\"", "\"agent\":\"a\\ud800\""),
                "metadb: line 2: token_usage: holds a lone surrogate (\\ud800), which is not valid Unicode"},
            {ok.replace("}", ",\"note\":\"x\\udc00y\"}"),
                "metadb: line 2: token_usage: holds a lone surrogate (\\udc00), which is not valid Unicode"},
        };
        for (String[] c : cases) {
            Path lines = dir.resolve("in.jsonl");
            Files.writeString(lines, ok + "\n" + c[0] + "\n");
            Run r = run("--db", db.toString(), "ingest", "token_usage", lines.toString());
            assertThat(r.code()).as(c[0]).isEqualTo(2);
            assertThat(r.err()).as(c[0]).isEqualTo(c[1] + "\nmetadb: nothing was written\n");
        }
        // Invalid UTF-8, from a file and from stdin: the line is named, nothing is written.
        byte[] bad = (ok + "\n" + ok.replace("\"a\"", "\"a\u00ff\"") + "\n").getBytes(StandardCharsets.ISO_8859_1);
        Path binary = dir.resolve("latin1.jsonl");
        Files.write(binary, bad);
        Run file = run("--db", db.toString(), "ingest", "token_usage", binary.toString());
        assertThat(file.code()).isEqualTo(2);
        assertThat(file.err()).isEqualTo("metadb: line 2: not valid UTF-8\nmetadb: nothing was written\n");
        java.io.InputStream stdin = System.in;
        Run piped;
        try {
            System.setIn(new java.io.ByteArrayInputStream(bad));
            piped = run("--db", db.toString(), "ingest", "token_usage", "-");
        } finally {
            System.setIn(stdin);
        }
        assertThat(piped.code()).isEqualTo(2);
        assertThat(piped.err()).isEqualTo(file.err());
        assertThat(Sql.value(db, "SELECT count(*) FROM token_usage")).isEqualTo("0");
        Files.writeString(binary, ok + "\r\n" + ok.replace("\"a\"", "\"\u00e9t\u00e9\"") + "\n");
        Run utf8 = run("--db", db.toString(), "ingest", "token_usage", binary.toString());
        assertThat(utf8.code()).as(utf8.err()).isZero();
        assertThat(Sql.value(db, "SELECT group_concat(agent) FROM token_usage")).isEqualTo("a,\u00e9t\u00e9");
    }

    /**
     * Values written before metadb checked ranges make the sums that meet them fail, that
     * report only and clearly; retention still runs (its sums saturate).
     */
    @Test
    void outOfRangeValuesAlreadyStoredFailOnlyTheReportsThatSumThem() {
        Path db = mcpDb();
        String big = "{\"agent\":\"a\",\"provider\":\"p\",\"model\":\"m\",\"input_tokens\":9223372036854775807,"
                + "\"output_tokens\":1,\"cost_usd\":1}";
        String tick = "{\"agent\":\"a\",\"kind\":\"k\",\"status\":\"ok\",\"duration_ms\":4611686018427387904}";
        Sql.exec(db, "INSERT INTO token_usage (id, ts, row_json) VALUES (1, '2026-04-20T11:00:00.000Z', '" + big + "'), "
                        + "(2, '2026-04-20T11:05:00.000Z', '" + big + "')",
                "INSERT INTO ticks (id, ts, row_json) VALUES (1, '2026-02-01T00:00:00.000Z', '" + tick + "'), "
                        + "(2, '2026-02-01T01:00:00.000Z', '" + tick + "')");
        Run cost = run("--db", db.toString(), "--now", NOW, "cost");
        assertThat(cost.code()).isEqualTo(1);
        assertThat(cost.err()).isEqualTo("metadb: cost: a sum is beyond 64-bit integers: the file holds values outside the"
                + " valid ranges (see docs/cli.md, Payload values), written before metadb checked them\n");
        assertThat(run("--db", db.toString(), "--now", NOW, "mcp").code()).isZero();
        assertThat(run("--db", db.toString(), "--now", NOW, "hot-tables").code()).isZero();
        Run retention = run("--db", db.toString(), "--now", NOW, "retention", "--csv");
        assertThat(retention.code()).as(retention.err()).isZero();
        assertThat(retention.out()).contains("ticks,2,1,2,1,");
        assertThat(Sql.value(db, "SELECT total_duration_ms FROM tick_rollups")).isEqualTo("9223372036854775807");
        assertThat(run("--db", db.toString(), "--now", NOW, "retention", "--csv").code()).isZero();
    }

    /** Issue 26: --now as people type it: a day is its midnight, a timestamp without an offset is UTC. */
    @Test
    void nowAsPeopleTypeIt() {
        Path db = mcpDb();
        Run exact = run("--db", db.toString(), "--now", "2026-04-20T12:00:00.000Z", "mcp", "--json");
        assertThat(exact.code()).as(exact.err()).isZero();
        for (String typed : new String[] {"2026-04-20 12:00", "2026-04-20T12:00", "2026-04-20T14:00:00+02:00"}) {
            Run r = run("--db", db.toString(), "--now", typed, "mcp", "--json");
            assertThat(r.out()).as(typed).isEqualTo(exact.out());
        }
        Run midnight = run("--db", db.toString(), "--now", "2026-04-20", "mcp", "--json");
        assertThat(midnight.out()).isEqualTo(run("--db", db.toString(), "--now", "2026-04-20T00:00:00Z", "mcp",
                "--json").out());
        Run bad = run("--db", db.toString(), "--now", "noon", "mcp");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).startsWith("metadb: --now: 'noon' is not a timestamp").contains("a day").endsWith("\n");
        assertThat(bad.err().lines()).hasSize(1);
    }

    /** Issue 26: a port already in use is named. */
    @Test
    void aPortInUseIsNamed() throws Exception {
        Path db = mcpDb();
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Run r = run("--db", db.toString(), "serve", "--port", Integer.toString(taken.getLocalPort()));
            assertThat(r.code()).isEqualTo(1);
            assertThat(r.err()).isEqualTo("metadb: cannot listen on 127.0.0.1:" + taken.getLocalPort()
                    + ": Address already in use (another process has it: choose another --port, or none)\n");
        }
        assertThat(Discovery.fileOf(db)).doesNotExist();
    }

    /** Issue 26: every missing key is named at once. */
    @Test
    void everyMissingKeyIsNamed() {
        Path db = mcpDb();
        Run r = run("--db", db.toString(), "record", "ticks", "agent=a");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("metadb: ticks: missing required keys kind, status, duration_ms\n");
    }

    /** Issue 26: a write to a path with no database creates nothing there, and says how to make one. */
    @Test
    void aWriteToNoDatabaseCreatesNothing() throws Exception {
        Path typo = dir.resolve("mets.db");
        Path lines = dir.resolve("one.jsonl");
        Files.writeString(lines, "{\"agent\":\"a\",\"kind\":\"k\",\"status\":\"ok\",\"duration_ms\":1}\n");
        for (String[] args : new String[][] {{"--db", typo.toString(), "ingest", "ticks", lines.toString()},
            {"--db", typo.toString(), "record", "ticks", "agent=a", "kind=k", "status=ok", "duration_ms:=1"}}) {
            Run r = run(args);
            assertThat(r.code()).as(String.join(" ", args)).isEqualTo(1);
            assertThat(r.err()).isEqualTo("metadb: no database at " + typo + " (create one with: metadb --db " + typo
                    + " migrate)\n");
        }
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("mets.db"));
        }
    }
}
