package io.metadb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.metadb.analytics.Reports;
import io.metadb.cli.InProcess.Run;
import io.metadb.dao.Demo;
import io.metadb.dao.MetaDb;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every example the help shows (each command's footer, as {@code metadb help COMMAND} prints
 * it) and the docs show (their code blocks) runs on a fresh demo, dated by the real clock as
 * a newcomer's is, and a report's gives rows, not only a header. Examples that need a server,
 * a second database or minutes are named and not run.
 */
class ExamplesTest {
    /** Commands whose examples are not run here, and why (each is run by a test of its own). */
    private static final Set<String> NOT_RUN = Set.of(
            "serve", // a server: ServeIT
            "copy", // a second database, PostgreSQL: PgCliTest
            "bench", // minutes of benchmarks
            "demo"); // writes a 64 MB file; its own example is the quick start's first step

    @TempDir
    static Path dir;

    @Test
    void everyExampleInTheHelpAndTheDocsRunsAndAReportGivesRows() throws IOException {
        Path demo = dir.resolve("demo.db");
        try (MetaDb db = MetaDb.open(demo)) {
            new Demo(db, 42, Instant.now(), 1).run(); // what `metadb --db demo.db demo` writes
        }
        Set<String> examples = new LinkedHashSet<>();
        helpExamples(List.of(), examples);
        Path root = Path.of(System.getProperty("user.dir")).getParent();
        try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
            for (Path doc : Stream.concat(Stream.of(root.resolve("README.md")), docs.filter(p -> p.toString().endsWith(".md")))
                    .sorted().toList()) {
                docExamples(Files.readString(doc), examples);
            }
        }
        Set<String> reports = new TreeSet<>();
        Reports.all().forEach(r -> reports.add(r.name()));
        Set<String> notRun = new TreeSet<>();
        List<String> ran = new ArrayList<>();
        org.assertj.core.api.SoftAssertions soft = new org.assertj.core.api.SoftAssertions();
        for (String example : examples) {
            List<String> words = words(example);
            String stdin = null;
            if (words.get(0).equals("echo")) { // echo 'LINE' | metadb ...
                stdin = words.get(1) + "\n";
                words = words.subList(3, words.size());
            }
            List<String> args = withDatabase(words.subList(1, words.size()), demo);
            String command = Main.invokedCommand(args.toArray(String[]::new));
            if (command.equals("ingest") && stdin == null) { // ingest TABLE FILE: a file of the reader's, made here
                Path file = dir.resolve(args.get(args.size() - 1));
                Files.writeString(file, "{\"agent\":\"a\",\"kind\":\"poll\",\"status\":\"ok\",\"duration_ms\":12}\n");
                args.set(args.size() - 1, file.toString());
            }
            if (NOT_RUN.contains(command)) {
                notRun.add(command);
                continue;
            }
            Run r = stdin == null ? InProcess.run(args.toArray(String[]::new)) : withStdin(stdin, args);
            soft.assertThat(r.code()).as(example + ": " + r.err()).isZero();
            soft.assertThat(r.err()).as(example).isEmpty();
            if (reports.contains(command) || command.equals("query") || command.equals("tables") || command.equals("schema")) {
                soft.assertThat(rows(r.out(), args)).as(example + " gives rows:\n" + r.out()).isPositive();
            } else {
                soft.assertThat(r.out()).as(example).isNotBlank();
            }
            ran.add(command);
        }
        soft.assertAll();
        assertThat(notRun).as("only these are not run").isEqualTo(new TreeSet<>(NOT_RUN));
        assertThat(ran).as("every report's examples ran")
                .hasSizeGreaterThan(Reports.all().stream().mapToInt(r -> r.examples().size()).sum()).containsAll(reports).contains("query", "record", "ingest", "migrate");
    }

    /** The "Example(s):" lines of the help of {@code path} and of every command under it. */
    private static void helpExamples(List<String> path, Set<String> out) {
        List<String> args = new ArrayList<>(List.of("help"));
        args.addAll(path);
        String help = InProcess.run(args.toArray(String[]::new)).out();
        int at = help.indexOf("\nExample");
        if (at >= 0) {
            help.substring(at).lines().skip(2).filter(l -> l.startsWith("  ")).map(ExamplesTest::command)
                    .filter(c -> c.startsWith("metadb ") || c.startsWith("echo ")).forEach(out::add);
        }
        int commands = help.indexOf("\nCommands:\n");
        if (commands >= 0) {
            for (String line : help.substring(commands + 11).lines().toList()) {
                Matcher m = Pattern.compile("^  ([a-z][a-z-]*)\\s").matcher(line);
                if (m.find() && !m.group(1).equals("help")) {
                    List<String> under = new ArrayList<>(path);
                    under.add(m.group(1));
                    helpExamples(under, out);
                } else if (line.isEmpty()) {
                    break;
                }
            }
        }
    }

    /** The metadb command lines of a Markdown file's code blocks (each command of a {@code &&} or {@code ;} list). */
    private static void docExamples(String markdown, Set<String> out) {
        boolean inBlock = false;
        for (String line : markdown.lines().toList()) {
            if (line.startsWith("```")) {
                inBlock = !inBlock;
                continue;
            }
            if (!inBlock || line.contains("[--db")) { // a synopsis, not an example
                continue;
            }
            String code = line.replaceFirst("^\\$ ", "").replaceFirst("\\s+#.*$", "");
            for (String part : code.split("&&|;")) {
                String cmd = command(part);
                if (cmd.startsWith("metadb ") || cmd.startsWith("echo ") && cmd.contains("| metadb ")) {
                    out.add(cmd);
                }
            }
        }
    }

    /** A command line without its environment settings ({@code METADB_PATH=... metadb}), bin/metadb as metadb. */
    private static String command(String line) {
        return line.strip().replaceFirst("^(export )?[A-Z_]+=\\S+\\s*", "").replace("bin/metadb", "metadb")
                .replaceFirst(" > \\S+$", ""); // output to a file: the test reads it instead
    }

    /** The example's arguments with its {@code --db} (if any) replaced by the demo. */
    private static List<String> withDatabase(List<String> args, Path demo) {
        List<String> out = new ArrayList<>(List.of("--db", demo.toString()));
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).equals("--db")) {
                i++;
            } else {
                out.add(args.get(i));
            }
        }
        return out;
    }

    /** Data rows in a command's output, in whichever format it was asked for. */
    private static long rows(String out, List<String> args) {
        if (args.contains("--json")) {
            return out.strip().equals("[]") ? 0 : out.split("\\{", -1).length - 1;
        }
        long lines = out.lines().filter(l -> !l.isBlank()).count();
        return args.contains("--nl") ? lines : lines - 1; // table and CSV: a header first
    }

    /** Shell words: spaces separate, '...' and "..." quote. */
    static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = null;
        char quote = 0;
        for (char c : line.toCharArray()) {
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                word = word == null ? new StringBuilder() : word;
            } else if (Character.isWhitespace(c)) {
                if (word != null) {
                    words.add(word.toString());
                    word = null;
                }
            } else {
                word = word == null ? new StringBuilder() : word;
                word.append(c);
            }
        }
        if (word != null) {
            words.add(word.toString());
        }
        return words;
    }

    private static Run withStdin(String stdin, List<String> args) {
        InputStream saved = System.in;
        try {
            System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
            return InProcess.run(args.toArray(String[]::new));
        } finally {
            System.setIn(saved);
        }
    }
}
