package io.metadb.dao;

import static org.assertj.core.api.Assertions.assertThat;

import io.metadb.migrations.testing.Sql;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's Java example compiles against the DAO jar's API and writes what it says. */
class ReadmeExampleTest {
    @TempDir
    Path dir;

    @Test
    void theReadmeExampleCompilesAndRuns() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        Matcher m = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        assertThat(m.find()).as("a ```java block in README.md").isTrue();
        String source = m.group(1);
        assertThat(source.lines().filter(l -> !l.isBlank() && !l.startsWith("import"))).hasSizeLessThanOrEqualTo(12);
        Path file = dir.resolve("Example.java");
        Files.writeString(file, source);

        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int rc = javac.run(null, null, errors, "-classpath", System.getProperty("java.class.path"),
                "-d", dir.toString(), file.toString());
        assertThat(rc).as(errors.toString(StandardCharsets.UTF_8)).isZero();

        Path db = dir.resolve("meta.db");
        PrintStream stdout = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            loader.loadClass("Example").getMethod("main", String[].class).invoke(null, (Object) new String[] {db.toString()});
        } finally {
            System.setOut(stdout);
        }
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("tick 1\n");
        assertThat(Sql.rows(db, "SELECT id, agent, kind, status FROM ticks ORDER BY id")).containsExactly(
                java.util.List.of("1", "agent8", "heartbeat", "ok"), java.util.List.of("2", "agent8", "poll", "fail"));
    }
}
