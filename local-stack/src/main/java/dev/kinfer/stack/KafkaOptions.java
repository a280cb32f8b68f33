package dev.kinfer.stack;

import dev.kinfer.schemas.KafkaConnection;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * How the commands that talk to Kafka reach it, as the services do: the bootstrap servers from
 * {@code --bootstrap-servers}, else {@code KINFER_BOOTSTRAP_SERVERS}, else the local stack's; client properties
 * (security protocol, SASL, TLS) from {@code KINFER_KAFKA_*} variables ({@link KafkaConnection}).
 */
final class KafkaOptions {
    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
            description = "Kafka (default: $KINFER_BOOTSTRAP_SERVERS, else " + KafkaConnection.DEFAULT_BOOTSTRAP_SERVERS
                    + "). Client properties (security, SASL, TLS) come from KINFER_KAFKA_* variables, e.g. KINFER_KAFKA_SECURITY_PROTOCOL.")
    String bootstrapServers;

    KafkaConnection connection() {
        return connection(System.getenv());
    }

    KafkaConnection connection(Map<String, String> env) {
        KafkaConnection fromEnvironment = KafkaConnection.fromEnvironment(env);
        return bootstrapServers == null ? fromEnvironment : fromEnvironment.withBootstrapServers(bootstrapServers);
    }
}
