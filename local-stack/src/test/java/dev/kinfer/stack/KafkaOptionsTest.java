package dev.kinfer.stack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kinfer.schemas.KafkaConnection;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class KafkaOptionsTest {
    private static final Map<String, String> ENV = Map.of(
            "KINFER_BOOTSTRAP_SERVERS", "from-env:9093",
            "KINFER_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
            "KINFER_KAFKA_SASL_MECHANISM", "PLAIN");

    @Test
    void shouldTakeTheFlagOverTheEnvironmentsBootstrapAndKeepItsClientProperties() {
        KeysCommand.ListKeys command = new KeysCommand.ListKeys();
        new CommandLine(command).parseArgs("--bootstrap-servers=from-flag:9093");

        KafkaConnection connection = command.kafka.connection(ENV);

        assertThat(connection.bootstrapServers()).isEqualTo("from-flag:9093");
        assertThat(connection.clientConfig(Map.of())).containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.mechanism", "PLAIN");
    }

    @Test
    void shouldFallBackToTheEnvironmentThenTheLocalStack() {
        KeysCommand.ListKeys command = new KeysCommand.ListKeys();
        new CommandLine(command).parseArgs();

        assertThat(command.kafka.connection(ENV).bootstrapServers()).isEqualTo("from-env:9093");
        assertThat(command.kafka.connection(Map.of())).isEqualTo(KafkaConnection.to("127.0.0.1:9092"));
    }

    @Test
    void shouldAcceptTheFlagOnEveryKafkaCommand() {
        for (Object command : new Object[] {new KeysCommand.Create(), new KeysCommand.ListKeys(), new KeysCommand.Revoke()}) {
            assertThat(new CommandLine(command).getCommandSpec().findOption("--bootstrap-servers")).as(command.getClass().getSimpleName()).isNotNull();
        }
    }
}
