package io.metadb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.metadb.analytics.Report;
import io.metadb.analytics.Reports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** What bin/metadb knows of the commands without starting a JVM matches what the server answers. */
class LauncherListsTest {
    @Test
    void theCommandsThatStartAServerAreTheOnesAServerAnswers() throws Exception {
        String launcher = Files.readString(Path.of("..", "bin", "metadb"));
        Matcher m = Pattern.compile("served_commands=\" ([^\"]*) \"").matcher(launcher);
        assertThat(m.find()).as("bin/metadb lists served_commands").isTrue();
        List<String> served = new ArrayList<>(List.of(Commands.QUERY));
        served.addAll(LauncherProtocol.WRITES);
        Reports.all().stream().map(Report::name).forEach(served::add);
        assertThat(List.of(m.group(1).split(" "))).containsExactlyInAnyOrderElementsOf(served);
    }
}
