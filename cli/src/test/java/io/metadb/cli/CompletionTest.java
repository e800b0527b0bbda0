package io.metadb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.metadb.cli.InProcess.Run;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code metadb completion bash|zsh}, loaded into the real shells (.ci/run installs zsh): the
 * completion function they call on TAB offers commands, subcommands and enumerated values.
 */
class CompletionTest {
    @TempDir
    Path dir;

    /** What the completion function offers for the words given (the last one being completed). */
    private String complete(String shell, Path script, String... words) throws IOException, InterruptedException {
        StringBuilder array = new StringBuilder();
        for (String w : words) {
            array.append(" '").append(w).append("'");
        }
        String body = "source " + script + "; " + (shell.equals("zsh") ? "setopt ksharrays; " : "")
                + "COMP_WORDS=(" + array + "); COMP_CWORD=" + (words.length - 1) + "; _complete_metadb 2>/dev/null;"
                + " echo \"${COMPREPLY[@]}\"";
        String init = shell.equals("zsh") ? "autoload -U +X compinit && compinit -u; " : "";
        Process p = new ProcessBuilder(shell, "-c", init + body).redirectErrorStream(true).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    }

    @Test
    void theScriptCompletesCommandsSubcommandsAndValuesInBashAndZsh() throws Exception {
        Run bash = InProcess.run("completion", "bash");
        assertThat(bash.code()).as(bash.err()).isZero();
        Path script = Files.writeString(dir.resolve("metadb.bash"), bash.out());
        assertThat(complete("bash", script, "metadb", "co")).isEqualTo("cost copy completion");
        assertThat(complete("bash", script, "metadb", "bench", "w")).isEqualTo("write");
        assertThat(complete("bash", script, "metadb", "cost", "--by", "")).isEqualTo("model agent day");
        assertThat(complete("bash", script, "metadb", "tasks", "--status", "")).isEqualTo("open in_progress blocked done");
        assertThat(complete("bash", script, "metadb", "__")).as("hidden commands are not offered").isEmpty();

        Run zsh = InProcess.run("completion", "zsh");
        assertThat(zsh.code()).as(zsh.err()).isZero();
        Path zshScript = Files.writeString(dir.resolve("metadb.zsh"), zsh.out());
        // zsh filters the words by the prefix itself (compadd); the function hands it the candidates.
        assertThat(complete("zsh", zshScript, "metadb", "cost", "--by", "")).isEqualTo("model agent day");
        assertThat(List.of(complete("zsh", zshScript, "metadb", "").split(" "))).contains("summary", "completion", "bench")
                .doesNotContain("__warm");

        Run other = InProcess.run("completion", "fish");
        assertThat(other.code()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(other.err()).startsWith("metadb: completion: 'fish' is not bash or zsh");
    }
}
