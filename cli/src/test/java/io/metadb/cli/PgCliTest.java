package io.metadb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.metadb.cli.InProcess.Run;
import io.metadb.analytics.Reports;
import io.metadb.migrations.testing.PgCluster;
import io.metadb.migrations.testing.PgSql;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI on PostgreSQL, against a real server the test starts: the demo of one seed gives
 * the same bytes for every report and format as on SQLite; copy moves it to PostgreSQL and
 * back with every row and id; query is read-only and bounded; a password never shows.
 */
class PgCliTest {
    private static final String NOW = "2026-04-20T13:05:09.123Z";

    @TempDir
    static Path dir;

    private static Path file;
    private static String pg;

    private static Run run(String... args) {
        return InProcess.run(args);
    }

    @BeforeAll
    static void demoOnBothEngines() {
        file = dir.resolve("demo.db");
        pg = PgCluster.shared().newDatabase();
        for (String db : List.of(file.toString(), pg)) {
            Run r = run("--db", db, "--now", NOW, "demo", "--rows-scale", "0.05", "--seed", "7");
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).startsWith("wrote 6,");
        }
    }

    @Test
    void everyReportAndFormatPrintsTheSameOnBothEngines() {
        int compared = 0;
        for (var report : Reports.all()) {
            for (String example : report.examples()) {
                for (String format : new String[] {null, "--json", "--csv", "--nl"}) {
                    List<String> args = new ArrayList<>(List.of("--now", NOW));
                    args.addAll(List.of(example.split(" ")));
                    if (format != null) {
                        args.add(format);
                    }
                    Run sqlite = run(with("--db", file.toString(), args));
                    Run postgres = run(with("--db", pg, args));
                    assertThat(sqlite.code()).as(args + sqlite.err()).isZero();
                    assertThat(postgres.code()).as(args + postgres.err()).isZero();
                    assertThat(postgres.out()).as(String.join(" ", args)).isEqualTo(sqlite.out());
                    assertThat(postgres.err()).as(String.join(" ", args)).isEqualTo(sqlite.err());
                    compared++;
                }
            }
        }
        assertThat(compared).isGreaterThanOrEqualTo(4 * Reports.all().size());
        // Not vacuous: the demo's reports have rows.
        assertThat(run("--db", pg, "--now", NOW, "cost", "--by", "model", "--since", "7d", "--csv").out().lines().count())
                .isGreaterThan(3);
    }

    /** migrate --status reads a PostgreSQL database as a file: pending, checksums, drift by name. */
    @Test
    void migrateStatusOnPostgres() {
        String db = PgCluster.shared().newDatabase();
        Run empty = run("--db", db, "migrate", "--status");
        assertThat(empty.code()).as(empty.err()).isEqualTo(MigrateCommand.EXIT_PENDING);
        assertThat(empty.out()).contains(": schema version 0; this metadb's is ", "\ndrift: none\n");
        assertThat(run("--db", db, "migrate").out()).startsWith("created postgresql://metadb@").contains(" at schema version ")
                .doesNotContain(db); // the URL without its password
        Run current = run("--db", db, "migrate", "--status");
        assertThat(current.code()).as(current.out() + current.err()).isZero();
        assertThat(current.out()).contains("\npending: none\n", " recorded match the released ones\n", "\ndrift: none\n");
        PgSql.exec(db, "CREATE TABLE scratch (x int)", "CREATE INDEX scratch_x ON scratch (x)", "DROP INDEX ticks_ts");
        Run drift = run("--db", db, "migrate", "--status");
        assertThat(drift.code()).isEqualTo(Main.EXIT_FAILURE);
        assertThat(drift.out()).contains("drift: 3 objects the changelogs do not explain\n",
                "  table scratch: not made by metadb's changesets\n", "  index scratch_x: not made by metadb's changesets\n",
                "  index ticks_ts: made by changeset ");
        Run dry = run("--db", db, "migrate", "--dry-run");
        assertThat(dry.code()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(dry.err()).startsWith("metadb: migrate --dry-run runs on a copy of a SQLite file;");
    }

    /** demo --replace drops the demo's own tables; a row demo did not write needs --force, which names it. */
    @Test
    void demoReplacesItsOwnTablesAndOthersOnlyWithForce() throws java.io.IOException {
        String db = PgCluster.shared().newDatabase();
        assertThat(run("--db", db, "demo", "--rows-scale", "0.01").code()).isZero();
        Run replaced = run("--db", db, "demo", "--replace", "--rows-scale", "0.01", "--seed", "3");
        assertThat(replaced.code()).as(replaced.err()).isZero();
        Path tick = dir.resolve("tick.jsonl");
        java.nio.file.Files.writeString(tick, "{\"agent\":\"a\",\"kind\":\"k\",\"status\":\"ok\",\"duration_ms\":1}\n");
        Run ingest = run("--db", db, "ingest", "ticks", tick.toString());
        assertThat(ingest.code()).as(ingest.err()).isZero();
        Run refused = run("--db", db, "demo", "--replace", "--rows-scale", "0.01");
        assertThat(refused.code()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(refused.err()).contains(", not only the demo's; pass --force to delete them");
        Run forced = run("--db", db, "demo", "--force", "--rows-scale", "0.01");
        assertThat(forced.code()).as(forced.err()).isZero();
        assertThat(forced.err()).startsWith("metadb: removing ").contains(" rows (");
    }

    @Test
    void copyMovesTheDemoToPostgresAndBackWithEveryRowAndId() {
        String target = PgCluster.shared().newDatabase();
        Run up = run("copy", "--from", file.toString(), "--to", target);
        assertThat(up.code()).as(up.err()).isZero();
        assertThat(up.out()).contains("token_usage");
        assertThat(up.err()).contains("metadb: copied ").doesNotContain(PgCluster.shared().password());
        Path back = dir.resolve("back.db");
        Run down = run("copy", "--from", target, "--to", back.toString());
        assertThat(down.code()).as(down.err()).isZero();

        String sums = "SELECT count(*) AS n, sum(id) AS ids, sum(length(row_json)) AS bytes, max(id) AS top FROM %s";
        for (String table : List.of("token_usage", "ticks", "messages", "cli_invocations", "watchdog_events")) {
            String q = String.format(sums, table);
            String expected = run("--db", file.toString(), "query", q, "--csv").out();
            assertThat(expected.lines().count()).isEqualTo(2);
            assertThat(run("--db", target, "query", q, "--csv").out()).as(table).isEqualTo(expected);
            assertThat(run("--db", back.toString(), "query", q, "--csv").out()).as(table).isEqualTo(expected);
        }
        for (String q : List.of("SELECT name, id FROM ids ORDER BY name",
                "SELECT count(*) AS n, sum(id) AS ids, sum(attempts) AS attempts FROM events",
                "SELECT source, cursor FROM source_cursors ORDER BY source")) {
            String expected = run("--db", file.toString(), "query", q, "--csv").out();
            assertThat(run("--db", target, "query", q, "--csv").out()).as(q).isEqualTo(expected);
            assertThat(run("--db", back.toString(), "query", q, "--csv").out()).as(q).isEqualTo(expected);
        }
        // ids stays above every copied id: the next write on the target gets a new one.
        long topTick = Long.parseLong(PgSql.value(target, "SELECT max(id) FROM ticks"));
        Run ingest = run("--db", target, "ingest", "ticks", dir.resolve("one.jsonl").toString());
        assertThat(ingest.code()).isNotZero(); // (no such file: one line, nothing written)
        assertThat(PgSql.value(target, "SELECT max(id) FROM ticks")).isEqualTo(String.valueOf(topTick));
        assertThat(Long.parseLong(PgSql.value(target, "SELECT id FROM ids WHERE name = 'ticks'")))
                .isGreaterThanOrEqualTo(topTick);
    }

    @Test
    void retentionRollsUpAndDeletesTheSameOnBothEngines() {
        Path sqlite = dir.resolve("retention.db");
        String postgres = PgCluster.shared().newDatabase();
        assertThat(run("copy", "--from", file.toString(), "--to", sqlite.toString()).code()).isZero();
        assertThat(run("copy", "--from", file.toString(), "--to", postgres).code()).isZero();
        String later = "2026-05-20T00:00:00.000Z";
        Run a = run("--db", sqlite.toString(), "--now", later, "retention", "--json");
        Run b = run("--db", postgres, "--now", later, "retention", "--json");
        assertThat(a.code()).as(a.err()).isZero();
        assertThat(b.code()).as(b.err()).isZero();
        // Everything but the lock-hold timings.
        String timings = "\"longest_lock_ms\":[0-9.]+";
        assertThat(b.out().replaceAll(timings, "")).isEqualTo(a.out().replaceAll(timings, ""));
        assertThat(a.out()).contains("\"table\":\"ticks\"").doesNotContain("\"deleted\":0,");
        assertThat(run("--db", postgres, "tables", "--csv").out()).isEqualTo(run("--db", sqlite.toString(), "tables", "--csv").out());
        for (String report : List.of("summary --since 60d", "cli --since 60d", "watchdog --since 60d")) {
            List<String> args = new ArrayList<>(List.of("--now", later));
            args.addAll(List.of(report.split(" ")));
            args.add("--json");
            assertThat(run(with("--db", postgres, args)).out()).as(report).isEqualTo(run(with("--db", sqlite.toString(), args)).out());
        }
    }

    @Test
    void copyRefusesANonEmptyTargetAndACollidingAppendWritesNothing() {
        String target = PgCluster.shared().newDatabase();
        assertThat(run("copy", "--from", file.toString(), "--to", target).code()).isZero();
        String before = PgSql.value(target, "SELECT count(*) FROM token_usage");

        Run again = run("copy", "--from", file.toString(), "--to", target);
        assertThat(again.code()).isEqualTo(2);
        assertThat(again.err()).startsWith("metadb: copy: postgresql://metadb@127.0.0.1:")
                .contains("already has rows").contains("--append");

        Run append = run("copy", "--from", file.toString(), "--to", target, "--append");
        assertThat(append.code()).isEqualTo(2);
        assertThat(append.err()).contains("has the key of a row already in").contains("nothing was written");
        assertThat(PgSql.value(target, "SELECT count(*) FROM token_usage")).isEqualTo(before);
    }

    @Test
    void queryIsOneReadOnlyBoundedStatementAndTablesAndSchemaWork() throws Exception {
        Run q = run("--db", pg, "query", "SELECT model, count(*) AS n, bool_and(true) AS b FROM token_usage"
                + " GROUP BY model ORDER BY model", "--json");
        assertThat(q.code()).as(q.err()).isZero();
        assertThat(q.out()).contains("\"b\":1").contains("\"n\":");
        Run two = run("--db", pg, "query", "SELECT 1; DELETE FROM ticks");
        assertThat(two.code()).isEqualTo(2);
        assertThat(two.err()).isEqualTo("metadb: query: one statement at a time\n");
        // Split as PostgreSQL's lexer does (metadb's own splitter: the driver's parser is internal API).
        for (String one : List.of("SELECT 'a;b' AS s;", "SELECT $x$;$x$ AS s", "SELECT 1 AS s; -- done\n;",
                "SELECT \"a;b\" FROM (SELECT 1 AS \"a;b\") t /* ; */", "SELECT E'\\';' AS s")) {
            Run ok = run("--db", pg, "query", one, "--csv");
            assertThat(ok.code()).as(one + ": " + ok.err()).isZero();
        }
        for (String several : List.of("SELECT E'\\'' AS s; DELETE FROM ticks", "SELECT 1;SELECT 2", "SELECT $$;$$; VALUES (1)")) {
            Run refused = run("--db", pg, "query", several);
            assertThat(refused.err()).as(several).isEqualTo("metadb: query: one statement at a time\n");
        }
        Run write = run("--db", pg, "query", "WITH d AS (DELETE FROM ticks RETURNING id) SELECT count(*) FROM d");
        assertThat(write.code()).isEqualTo(2);
        assertThat(write.err()).startsWith("metadb: query: writes are refused");
        Run slow = run("--db", pg, "--timeout", "1s", "query", "SELECT pg_sleep(5)");
        assertThat(slow.code()).isEqualTo(1);
        assertThat(slow.err()).startsWith("metadb: query: stopped after 1 s");
        assertThat(PgSql.value(pg, "SELECT count(*) > 0 FROM ticks")).isEqualTo("t");

        // information_schema.tables and .columns as on SQLite: this database's tables, the same columns.
        for (String catalog : List.of("SELECT table_name, table_type FROM information_schema.tables t ORDER BY 1",
                "SELECT count(*) AS n, count(DISTINCT table_name) AS t FROM INFORMATION_SCHEMA.COLUMNS",
                "SELECT column_name, is_nullable FROM information_schema.columns WHERE table_name = 'token_usage'"
                        + " ORDER BY column_name",
                "SELECT 'information_schema.tables' AS s -- information_schema.columns\n")) {
            Run onPg = run("--db", pg, "query", catalog, "--csv");
            assertThat(onPg.code()).as(onPg.err()).isZero();
            assertThat(onPg.out()).as(catalog).isEqualTo(run("--db", file.toString(), "query", catalog, "--csv").out());
        }
        // What `tables` lists: metadb's 32 tables, not Liquibase's two, nor PostgreSQL's own catalogue.
        for (String db : List.of(pg, file.toString())) {
            List<String> listed = run("--db", db, "tables", "--csv").out().lines().skip(1).map(l -> l.split(",")[0]).toList();
            assertThat(run("--db", db, "query", "SELECT table_name FROM information_schema.tables ORDER BY 1", "--csv")
                    .out().lines().skip(1).toList()).as(db).hasSize(32).containsExactlyInAnyOrderElementsOf(listed);
            assertThat(run("--db", db, "query", "SELECT count(*) AS n FROM information_schema.columns"
                    + " WHERE lower(table_name) LIKE 'databasechangelog%'", "--csv").out()).isEqualTo("n\r\n0\r\n");
        }
        // PRAGMA is SQLite's: on PostgreSQL one line that says where the same answers are.
        Run pragma = run("--db", pg, "query", "PRAGMA table_info(ticks)");
        assertThat(pragma.code()).isEqualTo(2);
        assertThat(pragma.err()).startsWith("metadb: query: PRAGMA is SQLite's; on PostgreSQL information_schema.columns")
                .hasLineCount(1);

        // Issue 21, finding 14: what a read-only transaction lets through for a superuser is refused
        // by name (quoted names and comments too), and what the name cannot show runs with a
        // reader's rights only (pg_read_all_data).
        for (String effect : List.of("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid()",
                "SELECT pg_read_file('/etc/hostname')", "SELECT \"pg_read_file\" /* c */ ('/etc/hostname')",
                "SELECT pg_catalog.PG_CANCEL_BACKEND(1)", "SELECT set_config('role', 'metadb', true)",
                "SELECT * FROM pg_ls_dir('.')", "SELECT pg_advisory_lock(1)", "SELECT lo_import('/etc/hostname')")) {
            Run refused = run("--db", pg, "query", effect);
            assertThat(refused.code()).as(effect).isEqualTo(2);
            assertThat(refused.err()).as(effect).startsWith("metadb: query: ")
                    .endsWith("() does more than read; query only reads\n").hasLineCount(1);
        }
        assertThat(run("--db", pg, "query", "SELECT 'pg_read_file(x)' AS s -- pg_terminate_backend(1)\n", "--csv").out())
                .as("a name inside a string or comment is no call").isEqualTo("s\r\npg_read_file(x)\r\n");
        assertThat(PgSql.value(pg, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user")).isEqualTo("t");
        assertThat(run("--db", pg, "query", "SELECT current_user AS u, (SELECT rolsuper FROM pg_roles"
                + " WHERE rolname = current_user) AS s, count(*) > 0 AS t FROM ticks", "--csv").out())
                .isEqualTo("u,s,t\r\npg_read_all_data,0,1\r\n");
        Run privileged = run("--db", pg, "query", "SELECT pg_current_logfile() AS f");
        assertThat(privileged.code()).as(privileged.out()).isEqualTo(2);
        assertThat(privileged.err()).contains("permission denied");

        // The library's query on a PostgreSQL snapshot read in place goes through PostgreSQL (it sent
        // SQLite's ATTACH and PRAGMA there), and leaves the snapshot as it was given.
        try (io.metadb.analytics.Snapshot snapshot = io.metadb.analytics.Snapshot.inPlace(io.metadb.core.Location.parse(pg))) {
            String ticks = PgSql.value(pg, "SELECT count(*) FROM ticks");
            io.metadb.analytics.Tabular count = io.metadb.analytics.ReadOnlyQuery.run(snapshot,
                    "SELECT count(*) AS n, current_user AS u FROM ticks");
            assertThat(count.rows()).containsExactly(List.of(Long.parseLong(ticks), "pg_read_all_data"));
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> io.metadb.analytics.ReadOnlyQuery.run(snapshot,
                    "SELECT nope FROM ticks")).isInstanceOf(io.metadb.core.BadInputException.class)
                    .hasMessageContaining("nope");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> io.metadb.analytics.ReadOnlyQuery.run(snapshot,
                    "SELECT pg_read_file('/etc/hostname')")).hasMessage("query: pg_read_file() does more than read; query only reads");
            assertThat(io.metadb.analytics.ReadOnlyQuery.run(snapshot, "SELECT current_user AS u").rows())
                    .containsExactly(List.of("pg_read_all_data"));
            try (java.sql.Statement st = snapshot.connection().createStatement();
                    java.sql.ResultSet rs = st.executeQuery("SELECT current_user, current_setting('statement_timeout')")) {
                rs.next();
                assertThat(rs.getString(1)).as("the snapshot's own role, after the statements").isEqualTo("metadb");
                assertThat(rs.getString(2)).isEqualTo("0");
            }
            try (Reports reports = Reports.on(snapshot, java.time.Instant.parse(NOW))) {
                assertThat(reports.run(io.metadb.analytics.report.SummaryReport.of(java.time.Instant.parse(NOW)
                        .minus(java.time.Duration.ofDays(1))))).hasSize(1);
            }
        }

        Run tables = run("--db", pg, "tables", "--csv");
        assertThat(tables.out()).isEqualTo(run("--db", file.toString(), "tables", "--csv").out());
        Run schema = run("--db", pg, "schema", "token_usage");
        assertThat(schema.out()).contains("cost_usd").contains("double precision").contains("payload_key");
    }

    @Test
    void aPasswordNeverShowsInAnErrorAndTheLauncherHandsItOverInTheEnvironment() {
        String wrong = pg.replaceFirst("://metadb:[^@]*@", "://metadb:not-the-password@");
        Run r = run("--db", wrong, "summary");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).startsWith("metadb: ").contains("postgresql://metadb@127.0.0.1:")
                .contains("password authentication failed").doesNotContain("not-the-password");
        assertThat(r.err().lines().count()).isEqualTo(1);

        String[] args = Main.secretArguments(new String[] {"--db", "@METADB_SECRET_ARG_1", "summary", "@METADB_SECRET_ARG_9"},
                Map.of("METADB_SECRET_ARG_1", wrong));
        assertThat(args).containsExactly("--db", wrong, "summary", "@METADB_SECRET_ARG_9");
    }

    private static String[] with(String option, String value, List<String> rest) {
        List<String> all = new ArrayList<>(List.of(option, value));
        all.addAll(rest);
        return all.toArray(String[]::new);
    }
}
