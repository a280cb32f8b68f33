package dev.kinfer.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ModelsCommandTest {
    @TempDir
    Path dataDir;

    @Test
    void shouldTakeTheKeyFromTheFlagThenTheEnvironmentThenTheLocalStacksDevelopmentKey() throws Exception {
        Files.writeString(dataDir.resolve("api-key"), "kf_fromfile_secret\n");
        Map<String, String> env = Map.of("KINFER_API_KEY", "kf_fromenv_secret");

        ModelsCommand.Deploy flagged = new ModelsCommand.Deploy();
        new CommandLine(flagged).parseArgs("--api-key=kf_fromflag_secret", "--data-dir=" + dataDir, "some-dir");
        ModelsCommand.Deploy plain = new ModelsCommand.Deploy();
        new CommandLine(plain).parseArgs("--data-dir=" + dataDir, "some-dir");

        assertThat(flagged.api.key(env)).isEqualTo("kf_fromflag_secret");
        assertThat(plain.api.key(env)).isEqualTo("kf_fromenv_secret");
        assertThat(plain.api.key(Map.of())).isEqualTo("kf_fromfile_secret");
        Files.delete(dataDir.resolve("api-key"));
        assertThat(plain.api.key(Map.of())).isNull();
    }

    @Test
    void shouldTalkToTheLocalStacksApiByDefault() {
        for (Object command : new Object[] {new ModelsCommand.ListVersions(), new ModelsCommand.Deploy(), new ModelsCommand.Undeploy()}) {
            CommandLine line = new CommandLine(command);
            assertThat(line.getCommandSpec().findOption("--api-url").defaultValue()).isEqualTo("http://127.0.0.1:8080");
            assertThat(line.getCommandSpec().findOption("--api-key")).isNotNull();
            assertThat(line.getCommandSpec().findOption("--bootstrap-servers")).as("no Kafka access needed").isNull();
        }
    }
}
