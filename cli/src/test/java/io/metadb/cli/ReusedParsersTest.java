package io.metadb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.metadb.analytics.RowSource;
import io.metadb.dao.Demo;
import io.metadb.dao.MetaDb;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server reuses picocli's parsers between requests (Main.Parser): nothing of one command
 * line may reach the next. Each command line, run inside a resident process right after ones
 * that set every option it leaves out, answers exactly as a fresh process does.
 */
class ReusedParsersTest {
    private static final String NOW = "2026-04-20T12:00:00Z";

    @TempDir
    Path dir;

    private static InProcess.Run resident(RowSource served, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err), served, null);
        return new InProcess.Run(code, out.toString(), err.toString());
    }

    @Test
    void nothingOfOneCommandLineReachesTheNext() {
        Path file = dir.resolve("meta.db");
        try (MetaDb db = MetaDb.open(file)) {
            new Demo(db, 3, Instant.parse(NOW), 0.05).run();
        }
        String db = file.toString();
        // Each group: the first sets options the later ones leave out (or gives other values).
        List<List<String[]>> groups = List.of(
                List.of(new String[] {"--db", db, "--now", NOW, "cost", "--by", "agent", "--since", "7d", "--json"},
                        new String[] {"--db", db, "--now", NOW, "cost"},
                        new String[] {"--db", db, "--now", "2026-04-19T12:00:00Z", "cost", "--csv"}),
                List.of(new String[] {"--db", db, "query", "--json", "SELECT 1 AS a"},
                        new String[] {"--db", db, "query", "SELECT 2 AS b"},
                        new String[] {"--db", db, "query", "--nl", "SELECT 3 AS c"},
                        new String[] {"--db", db, "query"}),
                List.of(new String[] {"--db", db, "--now", NOW, "agent", "agent3", "--since", "24h", "--json"},
                        new String[] {"--db", db, "--now", NOW, "agent", "agent4"}));
        try (RowSource.Kept served = RowSource.kept(file)) {
            for (List<String[]> group : groups) {
                for (int round = 0; round < 2; round++) {
                    for (String[] args : group) {
                        assertThat(resident(served, args)).as(String.join(" ", args)).isEqualTo(InProcess.run(args));
                    }
                }
            }
        }
    }

    @Test
    void recordTakesOnlyItsOwnFieldsAndKey() {
        Path file = dir.resolve("meta.db");
        try (MetaDb db = MetaDb.open(file)) {
            db.flush();
        }
        String db = file.toString();
        try (RowSource.Kept served = RowSource.kept(file)) {
            List<InProcess.Run> runs = new ArrayList<>();
            runs.add(resident(served, "--db", db, "record", "--idempotency-key", "k1", "ticks", "agent=a", "kind=k",
                    "status=ok", "duration_ms:=1"));
            // Without a field of its own: the first one's fields (or its key) would make this succeed.
            runs.add(resident(served, "--db", db, "record", "ticks", "agent=b"));
            // Without a key: a kept "k1" would answer this from the first, writing nothing.
            runs.add(resident(served, "--db", db, "record", "ticks", "agent=a", "kind=k", "status=ok", "duration_ms:=1"));
            assertThat(runs.get(0).code()).isZero();
            assertThat(runs.get(1).code()).isEqualTo(Main.EXIT_BAD_INPUT);
            assertThat(runs.get(1).err()).contains("kind").doesNotContain("twice");
            assertThat(runs.get(2).code()).isZero();
            assertThat(runs.get(2).err()).as("a new write, not a replay").isEmpty();
            assertThat(InProcess.run("--db", db, "query", "--csv", "SELECT count(*) AS n FROM ticks").out().lines())
                    .containsExactly("n", "2");
        }
    }
}
