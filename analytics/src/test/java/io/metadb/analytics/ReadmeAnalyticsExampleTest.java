package io.metadb.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import io.metadb.analytics.report.SummaryReport;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's analytics example (its second Java block) compiles against the library and prints what it says. */
class ReadmeAnalyticsExampleTest {
    @TempDir
    Path dir;

    @Test
    void theReadmeAnalyticsExampleCompilesAndRuns() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        Matcher m = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        assertThat(m.find() && m.find()).as("a second ```java block in README.md").isTrue();
        Path file = dir.resolve("CostByModel.java");
        Files.writeString(file, m.group(1));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int rc = javac.run(null, null, errors, "-classpath", System.getProperty("java.class.path"),
                "-d", dir.toString(), file.toString());
        assertThat(rc).as(errors.toString(StandardCharsets.UTF_8)).isZero();

        Path db = Fixture.write(Files.createDirectories(dir.resolve("data")));
        PrintStream stdout = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            loader.loadClass("CostByModel").getMethod("main", String[].class)
                    .invoke(null, (Object) new String[] {db.toString(), Fixture.NOW.toString()});
        } finally {
            System.setOut(stdout);
        }
        long rows;
        try (Reports reports = Reports.open(db, Fixture.NOW)) {
            rows = reports.one(SummaryReport.of(Fixture.NOW.minus(Duration.ofDays(7)))).orElseThrow().rowsSince();
        }
        // The fixture's week of token_usage: m3 9.0 + 0.125, m1 0.5 + 0.25, m2 0.75 (ties by model).
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("m3 $9.125\nm1 $0.75\nm2 $0.75\n" + rows + " rows this week\n");
        assertThat(rows).isPositive();
    }
}
