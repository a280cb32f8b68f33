package dev.kinfer.sink;

import dev.kinfer.schemas.KafkaConnection;
import dev.kinfer.schemas.LogContext;
import dev.kinfer.schemas.config.Setting;
import dev.kinfer.schemas.config.Settings;
import dev.kinfer.schemas.config.Values;
import dev.kinfer.schemas.serde.RegistryConnection;
import dev.kinfer.store.StoreConfig;
import dev.kinfer.sink.webhooks.WebhookSettings;
import java.nio.file.Path;
import java.time.Duration;
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
 * @param jobRetention      how long a finished job stays in the job store ({@code KINFER_JOB_RETENTION})
 * @param webhooks          webhook delivery ({@code KINFER_WEBHOOK_*}, {@code KINFER_CALLBACK_ALLOW}: {@link WebhookSettings}); the
 *                          signing secrets are the tenants' own, in {@code kinfer.webhook-secrets}
 */
public record SinkConfig(KafkaConnection kafka, RegistryConnection registry, StoreConfig store, String host, int port, Path stateDir,
                         Duration jobRetention, WebhookSettings webhooks) {
    public static final Setting<String> HTTP_HOST = Setting.string("KINFER_HTTP_HOST").defaultTo("127.0.0.1")
            .doc("The interface the HTTP API listens on.");
    public static final Setting<Integer> HTTP_PORT = Setting.integer("KINFER_HTTP_PORT").defaultTo(8090)
            .check(port -> port >= 0 && port <= 65535, "is not a port (0 to 65535)")
            .doc("The HTTP API's port; 0 picks a free one.");
    public static final Setting<Path> STATE_DIR = Setting.path("KINFER_STATE_DIR")
            .defaultComputed(() -> Path.of(System.getProperty("java.io.tmpdir") + "/kinfer-sink"), "`<java.io.tmpdir>/kinfer-sink`")
            .doc("Kafka Streams' state directory.");
    public static final Setting<Duration> JOB_RETENTION = Setting.duration("KINFER_JOB_RETENTION").defaultTo(Duration.ofDays(7))
            .check(d -> d.toSeconds() >= 1, "must be at least 1s")
            .doc("How long result-sink keeps a finished job (its status, result and webhook attempts) after it ended.");
    /** Everything result-sink reads, its components' settings included. */
    public static final Settings SETTINGS = KafkaConnection.SETTINGS.and(RegistryConnection.SETTINGS, StoreConfig.SETTINGS, LogContext.SETTINGS,
            WebhookSettings.SETTINGS, Settings.of(HTTP_HOST, HTTP_PORT, STATE_DIR, JOB_RETENTION));

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
                values.get(JOB_RETENTION),
                WebhookSettings.from(values));
    }
}
