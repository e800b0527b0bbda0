package io.metadb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.metadb.generated.DefaultSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jooq.Field;
import org.jooq.Table;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * STYLE.md's house rules, checked over every module's main sources (as sqlite-jdbc's
 * CodingRulesTest does): each test names the files that break its rule.
 */
class HouseRulesTest {
    /** Modules whose main code is hand-written Java (generated's jOOQ classes are not scanned). */
    private static final List<String> MODULES = List.of("generated", "core", "migrations", "dao", "analytics", "cli");

    /**
     * String literals in dao/analytics that equal a column name but are not one: display text
     * of {@code recent}'s summary lines ("ok" of a call that succeeded), and the header of
     * the metric/value reports (SPEC §4's column "value").
     */
    private static final Set<String> NOT_A_COLUMN = Set.of("ActivitySummaries.java:\"ok\"", "Tabular.java:\"value\"");

    /** Sources whose string literals are data, never SQL: the demo's values (watchdog levels, words of message bodies). */
    private static final Set<String> DATA_NOT_SQL = Set.of("Demo.java");

    /**
     * Report names, parameter names and report column names are the command's words
     * ({@code metadb tests --status S}, SPEC §4's columns), not SQL: a literal that is a
     * parameter's name ({@code Param.text("status", ...)}), a report row's column
     * ({@code @Column("clone")}) or a report's name may equal a table or column name.
     */
    private static final Pattern COMMAND_WORD = Pattern.compile("(Param\\.\\w+|@Column)\\(\\s*$");

    private static final Map<Path, String> SOURCES = new HashMap<>();
    private static final Map<Path, String> MODULE_OF = new HashMap<>();

    @BeforeAll
    static void readSources() throws IOException {
        Path root = Path.of("..").toAbsolutePath().normalize();
        for (String module : MODULES) {
            Path main = root.resolve(module).resolve("src/main/java");
            try (Stream<Path> files = Files.walk(main)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    SOURCES.put(f, Files.readString(f));
                    MODULE_OF.put(f, module);
                }
            }
        }
        assertThat(SOURCES).hasSizeGreaterThan(80);
    }

    /**
     * Issue 22: no process-wide registry in the libraries (the server once handed its kept
     * copies to the reports through a static map): what a component uses is handed to it.
     */
    @Test
    void noLibraryKeepsAProcessWideRegistry() {
        Pattern registry = Pattern.compile("static\\s+(final\\s+)?[\\w.<>, ?]*Map<[^;]*=\\s*new\\s+(java\\.util\\.concurrent\\.)?"
                + "Concurrent\\w*Map");
        List<Path> offenders = new ArrayList<>();
        SOURCES.forEach((f, text) -> {
            if (!MODULE_OF.get(f).equals("cli") && registry.matcher(withoutComments(text)).find()) {
                offenders.add(f);
            }
        });
        assertThat(offenders).as("static concurrent maps in library code").isEmpty();
    }

    /**
     * Issue 22: the engine is a type ({@code io.metadb.core.Engine}). Code does not ask "is this
     * PostgreSQL?": it calls the engine, or picks one class per engine in one {@code switch}.
     * The few comparisons left are where only one engine has the thing at all, each named here.
     */
    private static final Map<String, String> ENGINE_COMPARISONS = Map.of(
            "BenchReports.java", "PostgreSQL's in-place reads are benchmarked against its copies",
            "RetentionCommand.java", "VACUUM of the file is SQLite's; PostgreSQL's autovacuum needs none",
            "LiquibaseRunner.java", "a stale Liquibase lock row can be committed only in a SQLite file",
            "ReadOnlyQuery.java", "a snapshot read in place takes PostgreSQL's SQL, not SQLite's ATTACH",
            "Location.java", "only a PostgreSQL location has a server to connect to");

    @Test
    void engineDifferencesLiveInTheEngines() {
        Pattern asks = Pattern.compile("isPostgres|[=!]=\\s*(io\\.metadb\\.core\\.)?Engine\\.(SQLITE|POSTGRESQL)");
        List<String> offenders = new ArrayList<>();
        SOURCES.forEach((f, text) -> {
            String name = f.getFileName().toString();
            if (asks.matcher(withoutComments(text)).find() && !ENGINE_COMPARISONS.containsKey(name)) {
                offenders.add(name);
            }
        });
        assertThat(offenders).as("code asking which engine it is on").isEmpty();
    }

    /** Issue 22: a class a reader can hold in their head; the largest split by concern. */
    @Test
    void noMainFileIsOver400Lines() {
        List<String> offenders = new ArrayList<>();
        SOURCES.forEach((f, text) -> {
            long lines = text.lines().count();
            if (lines > 400) {
                offenders.add(f.getFileName() + ": " + lines);
            }
        });
        assertThat(offenders).isEmpty();
    }

    /**
     * Issue 22: library code configures no logging and sets no system property (the
     * migrations once turned Liquibase's logger off for the whole JVM); the application
     * ({@code Main}) decides what is printed. One exception (issue 26, a library prints
     * nothing): core's {@code QuietJooq} turns off jOOQ's banner, tip and version INFO line
     * through jOOQ's own {@code org.jooq.} properties, each only if the service has not set it.
     */
    @Test
    void noLibraryConfiguresLogging() {
        Pattern configures = Pattern.compile("\\.setLevel\\(|System\\.setProperty\\(|LogManager\\.");
        List<Path> offenders = new ArrayList<>();
        SOURCES.forEach((f, text) -> {
            if (!MODULE_OF.get(f).equals("cli") && !f.endsWith(Path.of("io", "metadb", "core", "QuietJooq.java"))
                    && configures.matcher(withoutComments(text)).find()) {
                offenders.add(f);
            }
        });
        assertThat(offenders).isEmpty();
        String quiet = withoutComments(SOURCES.entrySet().stream()
                .filter(e -> e.getKey().endsWith(Path.of("io", "metadb", "core", "QuietJooq.java"))).findFirst()
                .orElseThrow().getValue());
        Matcher set = Pattern.compile("System\\.setProperty\\(|quietUnlessSet\\(\"([^\"]*)\"").matcher(quiet);
        int calls = 0;
        while (set.find()) {
            calls++;
            if (set.group(1) != null) {
                assertThat(set.group(1)).as("QuietJooq sets only jOOQ's properties").startsWith("org.jooq.");
            }
        }
        assertThat(calls).as("one setProperty, in quietUnlessSet, and its three uses").isEqualTo(4);
        assertThat(quiet).contains("if (System.getProperty(property) == null) {");
    }

    /** Issue 22: a command returns its exit code; only {@code Main.main} ends the JVM. */
    @Test
    void onlyMainExits() {
        List<String> offenders = new ArrayList<>();
        SOURCES.forEach((f, text) -> {
            Matcher m = Pattern.compile("System\\.exit\\(|Runtime\\.getRuntime\\(\\)\\.(exit|halt)\\(").matcher(withoutComments(text));
            int count = 0;
            while (m.find()) {
                count++;
            }
            boolean main = f.getFileName().toString().equals("Main.java") && MODULE_OF.get(f).equals("cli");
            if (count > (main ? 1 : 0)) {
                offenders.add(f.getFileName() + ": " + count);
            }
        });
        assertThat(offenders).isEmpty();
    }

    /** Issue 22: names put into SQL by hand are quoted by {@code Identifiers}, which escapes them. */
    @Test
    void identifiersAreQuotedThroughOneHelper() {
        Pattern byHand = Pattern.compile("replace\\(\"\\\\\"\", \"\\\\\"\\\\\"\"\\)|\"\\\\\"\"\\s*\\+|\\+\\s*\"\\\\\"\"[^\\w]");
        List<String> offenders = new ArrayList<>();
        SOURCES.forEach((f, text) -> {
            if (!f.getFileName().toString().equals("Identifiers.java") && byHand.matcher(withoutComments(text)).find()) {
                offenders.add(f.getFileName().toString());
            }
        });
        assertThat(offenders).isEmpty();
        assertThat(byHand.matcher("\"\\\"\" + name.replace(\"\\\"\", \"\\\"\\\"\") + \"\\\"\"").find()).isTrue();
    }

    /**
     * Issue 22: where a generated table exists, its SQL is jOOQ's (rendered from the table),
     * not a string naming it. Left as strings, each for its reason: SQL over SQLite's own
     * catalogue or in-memory copies that have no generated class (the whole-file copy, the
     * server's hourly tables and their fingerprints, PostgreSQL rows copied into memory).
     */
    private static final Set<String> STRING_SQL = Set.of("FileCopies.java", "HeldTables.java", "HourFingerprints.java",
            "PgCopies.java");

    @Test
    void generatedTablesAreQueriedThroughJooq() {
        Pattern named = Pattern.compile("\"\\s*(SELECT|INSERT|DELETE|UPDATE|CREATE TABLE)[^\"]*\"\\s*\\+[^;{]*(getName\\(\\)|quote\\()",
                Pattern.CASE_INSENSITIVE);
        List<String> offenders = new ArrayList<>();
        SOURCES.forEach((f, text) -> {
            String name = f.getFileName().toString();
            if (Set.of("dao", "analytics").contains(MODULE_OF.get(f)) && !STRING_SQL.contains(name)
                    && named.matcher(withoutComments(text)).find()) {
                offenders.add(name);
            }
        });
        assertThat(offenders).isEmpty();
    }

    @Test
    void onlyTheCliPrints() {
        List<Path> offenders = new ArrayList<>();
        SOURCES.forEach((f, text) -> {
            if (!MODULE_OF.get(f).equals("cli") && Pattern.compile("System\\.(out|err)\\b").matcher(withoutComments(text)).find()) {
                offenders.add(f);
            }
        });
        assertThat(offenders).as("System.out/err outside the cli module").isEmpty();
    }

    @Test
    void noModuleImportsAnotherModulesInternalPackage() {
        Map<String, String> moduleOfPackage = new HashMap<>();
        SOURCES.forEach((f, text) -> moduleOfPackage.put(packageOf(text), MODULE_OF.get(f)));
        List<String> offenders = new ArrayList<>();
        Pattern internalImport = Pattern.compile("^import (?:static )?(io\\.metadb\\.[\\w.]*\\.internal)\\.", Pattern.MULTILINE);
        Pattern qualifiedUse = Pattern.compile("\\b(io\\.metadb\\.[\\w.]*\\.internal)\\.[A-Z]");
        SOURCES.forEach((f, text) -> {
            for (Pattern p : List.of(internalImport, qualifiedUse)) {
                Matcher m = p.matcher(withoutComments(text));
                while (m.find()) {
                    String owner = moduleOfPackage.get(m.group(1));
                    if (!MODULE_OF.get(f).equals(owner)) {
                        offenders.add(f.getFileName() + " uses " + m.group(1) + " of " + owner);
                    }
                }
            }
        });
        assertThat(offenders).isEmpty();
        assertThat(moduleOfPackage).containsKey("io.metadb.dao.internal"); // the rule has something to check
    }

    /**
     * A public static field is shared by every caller in the JVM: it must be final and hold
     * something nobody can change (issue 10: a public ObjectMapper let any caller reconfigure
     * every write).
     */
    @Test
    void publicStaticFieldsAreFinalAndImmutable() {
        Pattern field = Pattern.compile("public\\s+static\\s+(final\\s+)?([\\w.]+(?:<[^=;(){}]*>)?(?:\\[\\])?)\\s+(\\w+)\\s*(=\\s*([^;]*))?;");
        Set<String> mutableTypes = Set.of("ObjectMapper", "Properties", "StringBuilder", "Date", "Calendar",
                "SimpleDateFormat", "AtomicLong", "AtomicInteger", "AtomicBoolean", "AtomicReference");
        Pattern immutableCollection = Pattern.compile("^(List|Set|Map)\\.(of|copyOf)\\b|^Collections\\.unmodifiable");
        List<String> offenders = new ArrayList<>();
        SOURCES.forEach((f, text) -> {
            Matcher m = field.matcher(withoutComments(text));
            while (m.find()) {
                String type = m.group(2).replaceAll("<.*", "");
                String init = m.group(5) == null ? "" : m.group(5).strip();
                boolean collection = type.matches("(java\\.util\\.)?(List|Set|Map|Collection|Deque|Queue)");
                if (m.group(1) == null || type.endsWith("[]") || mutableTypes.contains(type)
                        || collection && !immutableCollection.matcher(init).find()) {
                    offenders.add(f.getFileName() + ": " + m.group().replaceAll("\\s+", " "));
                }
            }
        });
        assertThat(offenders).isEmpty();
    }

    @Test
    void noStaticInitialiserConfiguresLogging() {
        List<Path> offenders = new ArrayList<>();
        Pattern logging = Pattern.compile("java\\.util\\.logging|Logger|LogManager|setLevel|System\\.setProperty");
        SOURCES.forEach((f, text) -> {
            String code = withoutComments(text);
            Matcher m = Pattern.compile("\\bstatic\\s*\\{").matcher(code);
            while (m.find()) {
                if (logging.matcher(block(code, m.end() - 1)).find()) {
                    offenders.add(f);
                }
            }
            // A static field initialised by a call that configures logging counts too.
            if (Pattern.compile("static[^;{]*=[^;]*(setLevel|System\\.setProperty)").matcher(code).find()) {
                offenders.add(f);
            }
        });
        assertThat(offenders).isEmpty();
    }

    @Test
    void classesAreFinalUnlessBuiltForExtension() {
        List<String> offenders = new ArrayList<>();
        Pattern declaration = Pattern.compile("^\\s*((?:public|protected|private|static|final|abstract|sealed)\\s+)*class\\s+(\\w+)",
                Pattern.MULTILINE);
        SOURCES.forEach((f, text) -> {
            Matcher m = declaration.matcher(withoutComments(text));
            while (m.find()) {
                String modifiers = m.group().substring(0, m.group().lastIndexOf("class"));
                if (!modifiers.contains("final") && !modifiers.contains("abstract")) {
                    offenders.add(f.getFileName() + ": class " + m.group(2));
                }
            }
        });
        assertThat(offenders).isEmpty();
    }

    /** Table and column names exist once, in the generated classes; dao and analytics refer to those. */
    @Test
    void daoAndAnalyticsSpellNoTableOrColumnName() {
        Set<String> names = new TreeSet<>();
        for (Table<?> t : DefaultSchema.DEFAULT_SCHEMA.getTables()) {
            names.add(t.getName());
            for (Field<?> f : t.fields()) {
                names.add(f.getName());
            }
        }
        assertThat(names).contains("token_usage", "agent", "ts");
        List<String> offenders = new ArrayList<>();
        Pattern literal = Pattern.compile("\"((?:[^\"\\\\\\n]|\\\\.)*)\"");
        Set<String> reportNames = new TreeSet<>();
        io.metadb.analytics.Reports.all().forEach(r -> reportNames.add(r.name()));
        SOURCES.forEach((f, text) -> {
            if (!Set.of("dao", "analytics").contains(MODULE_OF.get(f)) || DATA_NOT_SQL.contains(f.getFileName().toString())) {
                return;
            }
            String code = withoutComments(text);
            Matcher m = literal.matcher(code);
            while (m.find()) {
                String where = f.getFileName() + ":" + m.group();
                boolean commandWord = COMMAND_WORD.matcher(code.substring(Math.max(0, m.start() - 40), m.start())).find()
                        || reportNames.contains(m.group(1)) && packageOf(text).equals("io.metadb.analytics.report");
                if (names.contains(m.group(1)) && !NOT_A_COLUMN.contains(where) && !commandWord) {
                    offenders.add(where);
                }
            }
        });
        assertThat(offenders).isEmpty();
    }

    private static String packageOf(String text) {
        Matcher m = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE).matcher(text);
        return m.find() ? m.group(1) : "";
    }

    /** The text of the brace block opening at {@code open}. */
    private static String block(String code, int open) {
        int depth = 0;
        for (int i = open; i < code.length(); i++) {
            char c = code.charAt(i);
            depth += c == '{' ? 1 : c == '}' ? -1 : 0;
            if (depth == 0) {
                return code.substring(open, i + 1);
            }
        }
        return code.substring(open);
    }

    /** The source without comments (Javadoc mentions System.out and class names freely). */
    private static String withoutComments(String text) {
        return text.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\\n]*", "");
    }
}
