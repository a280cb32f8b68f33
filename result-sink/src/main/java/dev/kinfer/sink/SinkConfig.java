package dev.kinfer.sink;

import dev.kinfer.schemas.KafkaConnection;
import dev.kinfer.schemas.LogContext;
import dev.kinfer.schemas.config.Setting;
import dev.kinfer.schemas.config.Settings;
import dev.kinfer.schemas.config.Values;
import dev.kinfer.schemas.serde.RegistryConnection;
import dev.kinfer.store.StoreConfig;
import java.nio.file.Path;
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
    public static final Setting<String> HTTP_HOST = Setting.string("KINFER_HTTP_HOST").defaultTo("127.0.0.1")
            .doc("The interface the HTTP API listens on.");
    public static final Setting<Integer> HTTP_PORT = Setting.integer("KINFER_HTTP_PORT").defaultTo(8090)
            .check(port -> port >= 0 && port <= 65535, "is not a port (0 to 65535)")
            .doc("The HTTP API's port; 0 picks a free one.");
    public static final Setting<Path> STATE_DIR = Setting.path("KINFER_STATE_DIR")
            .defaultComputed(() -> Path.of(System.getProperty("java.io.tmpdir") + "/kinfer-sink"), "`<java.io.tmpdir>/kinfer-sink`")
            .doc("Kafka Streams' state directory.");
    public static final Setting<String> WEBHOOK_SECRET = Setting.string("KINFER_WEBHOOK_SECRET").required().secret()
            .check(secret -> secret.length() >= 16, "must be at least 16 characters")
            .doc("HMAC key signing webhooks (the `default` secret id), at least 16 characters, from your secret store; never in the repo.");
    public static final Setting<List<String>> CALLBACK_ALLOW = Setting.list("KINFER_CALLBACK_ALLOW").defaultComputed(List::of, "none")
            .doc("CIDR ranges callbacks may reach although private; empty in production.");
    /** Everything result-sink reads, its components' settings included. */
    public static final Settings SETTINGS = KafkaConnection.SETTINGS.and(RegistryConnection.SETTINGS, StoreConfig.SETTINGS, LogContext.SETTINGS,
            Settings.of(HTTP_HOST, HTTP_PORT, STATE_DIR, WEBHOOK_SECRET, CALLBACK_ALLOW));

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

    /** Parses every setting at once; a {@link dev.kinfer.schemas.config.SettingsException} lists every problem. */
    public static SinkConfig fromEnvironment(Map<String, String> env) {
        Values values = SETTINGS.parse(env);
        return new SinkConfig(
                KafkaConnection.from(values),
                RegistryConnection.from(values),
                StoreConfig.from(values),
                values.get(HTTP_HOST),
                values.get(HTTP_PORT),
                values.get(STATE_DIR),
                values.get(WEBHOOK_SECRET),
                values.get(CALLBACK_ALLOW));
    }
}
