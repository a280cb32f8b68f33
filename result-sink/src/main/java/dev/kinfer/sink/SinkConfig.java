package dev.kinfer.sink;

import dev.kinfer.schemas.KafkaConnection;
import dev.kinfer.schemas.serde.RegistryConnection;
import dev.kinfer.store.StoreConfig;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * result-sink's settings, parsed once at start from {@code KINFER_*} environment variables.
 *
 * @param kafka             Kafka: bootstrap servers and client properties ({@code KINFER_BOOTSTRAP_SERVERS},
 *                          {@code KINFER_KAFKA_*}: {@link KafkaConnection}); they reach every client Kafka Streams makes
 * @param registry          schema registry ({@code KINFER_REGISTRY_*}: {@link RegistryConnection})
 * @param store             object store, for presigned output links ({@code KINFER_S3_*})
 * @param host              interface to listen on ({@code KINFER_HTTP_HOST}, default 127.0.0.1)
 * @param port              HTTP port; 0 picks a free one ({@code KINFER_HTTP_PORT}, default 8090)
 * @param stateDir          Kafka Streams state directory ({@code KINFER_STATE_DIR})
 * @param webhookSecret     HMAC key for the {@code default} secret id ({@code KINFER_WEBHOOK_SECRET}); never in the repo
 * @param callbackAllowList CIDR ranges callbacks may reach although private ({@code KINFER_CALLBACK_ALLOW}, comma-separated)
 */
public record SinkConfig(KafkaConnection kafka, RegistryConnection registry, StoreConfig store, String host, int port, Path stateDir,
                         String webhookSecret, List<String> callbackAllowList) {
    public SinkConfig {
        if (webhookSecret == null || webhookSecret.length() < 16) {
            throw new IllegalArgumentException("KINFER_WEBHOOK_SECRET must be set to at least 16 characters");
        }
    }

    /** Never the webhook secret (nor, through their own, the other components' secrets). */
    @Override
    public String toString() {
        return "SinkConfig[kafka=" + kafka + ", registry=" + registry + ", store=" + store + ", host=" + host + ", port=" + port
                + ", stateDir=" + stateDir + ", webhookSecret=[hidden], callbackAllowList=" + callbackAllowList + "]";
    }

    public static SinkConfig fromEnvironment(Map<String, String> env) {
        String allow = env.getOrDefault("KINFER_CALLBACK_ALLOW", "");
        return new SinkConfig(
                KafkaConnection.fromEnvironment(env),
                RegistryConnection.fromEnvironment(env),
                StoreConfig.fromEnvironment(env),
                env.getOrDefault("KINFER_HTTP_HOST", "127.0.0.1"),
                Integer.parseInt(env.getOrDefault("KINFER_HTTP_PORT", "8090")),
                Path.of(env.getOrDefault("KINFER_STATE_DIR", System.getProperty("java.io.tmpdir") + "/kinfer-sink")),
                env.get("KINFER_WEBHOOK_SECRET"),
                Arrays.stream(allow.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList());
    }
}
