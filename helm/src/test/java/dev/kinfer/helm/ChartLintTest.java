package dev.kinfer.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code helm lint --strict}: the chart is well formed with complete values, and refuses incomplete or wrong ones. */
class ChartLintTest {
    @Test
    void shouldLintCleanWithTheExampleValues(@TempDir Path dir) {
        LintResult result = lint(Chart.copyWithValues(dir, Chart.EXAMPLE_VALUES));
        assertThat(result.isFailed()).as("%s", result.getMessages()).isFalse();
        assertThat(result.getMessages()).noneMatch(message -> message.contains("[WARNING]") || message.contains("[ERROR]"));
    }

    @Test
    void shouldRefuseTheDefaultsAloneForWantOfAKafkaARegistryAndAStore() {
        LintResult result = lint(Chart.DIR);
        assertThat(result.isFailed()).isTrue();
        assertThat(String.join("\n", result.getMessages()))
                .contains("kafka.bootstrapServers", "registry.url", "s3.endpoint", "s3.existingSecret");
    }

    @Test
    void shouldRefuseValuesThatBreakTheSchema(@TempDir Path dir) throws IOException {
        Path values = Files.writeString(dir.resolve("bad-values.yaml"), Files.readString(Chart.EXAMPLE_VALUES) + "\nresultSink: {persistence: {size: lots}}\n");
        LintResult result = lint(Chart.copyWithValues(dir.resolve("chart"), values));
        assertThat(result.isFailed()).isTrue();
        assertThat(String.join("\n", result.getMessages())).contains("resultSink.persistence.size");
    }

    private static LintResult lint(Path chart) {
        return new Helm(chart).lint().strict().call();
    }
}
