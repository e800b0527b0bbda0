package io.metadb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.metadb.cli.InProcess.Run;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The help says what the command does: whole sentences, named values, each option where it belongs. */
class HelpTest {
    /** Every command's help, as {@code metadb help ...} prints it, by its words. */
    private static List<List<String>> commands(List<String> path, List<List<String>> out) {
        out.add(path);
        String help = help(path);
        int at = help.indexOf("\nCommands:\n");
        if (at >= 0) {
            for (String line : help.substring(at + 11).lines().takeWhile(l -> !l.isEmpty()).toList()) {
                Matcher m = Pattern.compile("^  ([a-z][a-z-]*)\\s").matcher(line);
                if (m.find() && !m.group(1).equals("help")) {
                    List<String> under = new ArrayList<>(path);
                    under.add(m.group(1));
                    commands(under, out);
                }
            }
        }
        return out;
    }

    private static String help(List<String> path) {
        List<String> args = new ArrayList<>(List.of("help"));
        args.addAll(path);
        Run r = InProcess.run(args.toArray(String[]::new));
        assertThat(r.code()).as(path + ": " + r.err()).isZero();
        return r.out();
    }

    @Test
    void helpNamesEveryValueAndListsEachCommandsOwnOptions() {
        List<List<String>> all = commands(List.of(), new ArrayList<>());
        assertThat(all).hasSizeGreaterThan(25).contains(List.of("bench", "write"), List.of("cost"));
        for (List<String> path : all) {
            String help = help(path);
            // No field name for a value: "--watchdog-red=<watchdogRed>", "--since=<since>".
            assertThat(help).as(path.toString()).doesNotContainPattern("=<[a-zA-Z]+>|\\[<[a-zA-Z]+>");
            if (path.isEmpty()) {
                assertThat(help).contains("--db=PATH|URL", "--now=TS", "--timeout=DURATION", "-V, --version");
            } else {
                // The global options once, in metadb --help; a command's own and --help under it.
                assertThat(help).as(path.toString()).doesNotContain("--db=PATH|URL", "--timeout=DURATION", "-V, --version",
                        "      --debug ").contains("-h, --help", UsageHelp.GLOBAL_OPTIONS);
                assertThat(help).as(path.toString()).startsWith("Usage: metadb " + String.join(" ", path));
            }
        }
        // The command list: each description a whole first sentence, never cut at a line's end.
        String root = help(List.of());
        for (String line : root.substring(root.indexOf("Commands:")).lines().skip(1).takeWhile(l -> !l.isEmpty()).toList()) {
            if (!line.startsWith("    ")) {
                String next = root.lines().dropWhile(l -> !l.equals(line)).skip(1).findFirst().orElse("");
                String text = next.startsWith("                ") ? line + " " + next.strip() : line;
                assertThat(text).as(line).endsWith(".");
            }
        }
    }

    @Test
    void helpOfASubcommandAndUsageThatSaysWhatIsOptional() {
        assertThat(help(List.of("bench", "write"))).startsWith("Usage: metadb bench write ").contains("--rows=N");
        Run unknown = InProcess.run("help", "bench", "nope");
        assertThat(unknown.code()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(unknown.err()).isEqualTo("metadb: unknown command 'bench nope' (see: metadb help)\n");
        assertThat(help(List.of("ingest"))).contains("TABLE [FILE|-]");
        Run missing = InProcess.run("ingest");
        assertThat(missing.err()).isEqualTo("metadb: Missing required parameter: 'TABLE' (see: metadb ingest --help)\n");
        // Options after the command still work, as before: only the help moved.
        Run late = InProcess.run("migrate", "--db", "/nonexistent-dir/x.db");
        assertThat(late.code()).isEqualTo(Main.EXIT_FAILURE);
        assertThat(late.err()).contains("/nonexistent-dir/x.db");
    }

    /** --version: metadb's version and commit, the schema version, SQLite's (as SQLite says) and the JVM's. */
    @Test
    void versionSaysWhatWasBuiltAndWhatItRuns() throws Exception {
        Run r = InProcess.run("--version");
        assertThat(r.code()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(4);
        Process git = new ProcessBuilder("git", "rev-parse", "--short=12", "HEAD").redirectErrorStream(true).start();
        String head = new String(git.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
        assertThat(git.waitFor()).as("the tests run in a git checkout: " + head).isZero();
        // The commit the jar was built from: HEAD, or HEAD with changes of a working tree.
        assertThat(lines.get(0)).matches("metadb \\d+\\.\\d+\\.\\d+(-SNAPSHOT)? \\(commit " + head + "( with local changes)?\\)");
        assertThat(lines.get(1)).startsWith("schema version " + io.metadb.core.SchemaVersion.HEAD + " ");
        String sqlite;
        try (var c = io.metadb.core.SqliteFiles.memory(); var rs = c.createStatement().executeQuery("SELECT sqlite_version()")) {
            rs.next();
            sqlite = rs.getString(1);
        }
        assertThat(lines.get(2)).startsWith("SQLite " + sqlite + " (sqlite-jdbc 3.");
        assertThat(lines.get(3)).startsWith("Java " + System.getProperty("java.runtime.version") + " (");
    }
}
