package io.metadb.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import io.metadb.dao.Demo;
import io.metadb.dao.MetaDb;
import io.metadb.dao.Retention;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jooq.ExecuteContext;
import org.jooq.ExecuteListener;
import org.jooq.Field;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 22: could a report's copy plan ({@code reads}) be derived from its queries instead of
 * restating their columns by hand? Every case of {@link ReportCopiesTest} runs on a copy of
 * the whole demo file while a listener collects the columns its statements name (jOOQ
 * renders every generated column qualified, {@code table.column}). What this derives:
 * the tables and columns. What it cannot: the rows. A report's queries are built while it
 * runs, after a copy was needed (agent's last_seen decides whether any other query runs),
 * and a query says {@code max(ts)} where the plan copies {@code latest(1)}: derived, the
 * plan would copy every row of an agent instead of one. So the plans stay written by hand,
 * and this test holds them to the queries: every column a query names is in the plan of
 * its table (a plan can lack nothing), and it prints what plans copy that no query names.
 */
class CopyPlanDerivationTest {
    private static final Instant NOW = Fixture.NOW;
    private static final Pattern QUALIFIED = Pattern.compile("\"?\\b([A-Za-z_]\\w*)\"?\\.\"?([A-Za-z_]\\w*)\\b");

    @TempDir
    static Path dir;

    @Test
    void everyColumnAQueryNamesIsInItsPlanAndWhatPlansCopyBeyondThatIsMeasured() {
        Path file = dir.resolve("demo.db");
        try (MetaDb db = MetaDb.open(file)) {
            new Demo(db, 11, NOW, 0.25).run();
            Retention.run(db, NOW, new Retention.Windows(Duration.ofDays(2), Duration.ofDays(3), Duration.ofDays(2),
                    Duration.ofDays(4)), false);
        }
        List<String> missing = new ArrayList<>();
        Map<String, Set<String>> plannedByReport = new TreeMap<>();
        Map<String, Set<String>> namedByReport = new TreeMap<>();
        for (Request<?, ?> c : ReportCopiesTest.cases("agent8", "ghost")) {
            Map<String, Set<String>> plan = new TreeMap<>();
            for (TableCopy t : c.reads(NOW)) {
                Set<String> columns = plan.computeIfAbsent(t.table().getName(), k -> new TreeSet<>());
                t.columns().stream().map(Field::getName).forEach(columns::add);
            }
            Map<String, Set<String>> used = new TreeMap<>();
            ExecuteListener listener = new ExecuteListener() {
                @Override
                public void executeStart(ExecuteContext ctx) {
                    Matcher m = QUALIFIED.matcher(ctx.sql());
                    while (m.find()) {
                        used.computeIfAbsent(m.group(1), k -> new TreeSet<>()).add(m.group(2));
                    }
                }
            };
            try (Snapshot whole = Snapshot.of(file).listenedBy(listener); Reports on = Reports.on(whole, NOW)) {
                on.run(c);
            }
            for (Map.Entry<String, Set<String>> e : used.entrySet()) {
                Set<String> have = plan.get(e.getKey());
                if (have == null) {
                    // an alias or a subquery's name: not a table of the schema
                    if (io.metadb.generated.DefaultSchema.DEFAULT_SCHEMA.getTable(e.getKey()) != null) {
                        missing.add(c.report().name() + " reads " + e.getKey() + " but its plan copies none of it");
                    }
                    continue;
                }
                for (String column : e.getValue()) {
                    if (!have.contains(column)) {
                        missing.add(c.report().name() + " reads " + e.getKey() + "." + column + ", not in its plan");
                    }
                    namedByReport.computeIfAbsent(c.report().name(), k -> new TreeSet<>()).add(e.getKey() + "." + column);
                }
            }
            plan.forEach((table, columns) -> columns.forEach(column -> plannedByReport
                    .computeIfAbsent(c.report().name(), k -> new TreeSet<>()).add(table + "." + column)));
        }
        assertThat(missing).as("columns queries name that their plans do not copy").isEmpty();
        int planned = plannedByReport.values().stream().mapToInt(Set::size).sum();
        int named = namedByReport.values().stream().mapToInt(Set::size).sum();
        assertThat(named).as("the listener saw the queries' columns").isGreaterThan(100);
        System.out.printf("copy plans: %d (report, table.column) pairs planned, %d named by some query of the report%n",
                planned, named);
        plannedByReport.forEach((report, columns) -> {
            Set<String> extra = new TreeSet<>(columns);
            extra.removeAll(namedByReport.getOrDefault(report, Set.of()));
            System.out.printf("  %-10s plans %3d, queries name %3d; copied, named by no query: %s%n", report, columns.size(),
                    namedByReport.getOrDefault(report, Set.of()).size(), extra);
        });
    }
}
