package dev.kinfer.ingest;

import dev.kinfer.ingest.auth.AuthConfig;
import dev.kinfer.schemas.KafkaConnection;
import dev.kinfer.schemas.LogContext;
import dev.kinfer.schemas.config.Setting;
import dev.kinfer.schemas.config.Settings;
import dev.kinfer.schemas.config.Values;
import dev.kinfer.schemas.serde.RegistryConnection;
import dev.kinfer.store.StoreConfig;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * The ingest-api's settings, parsed once at start from {@code KINFER_*} environment variables.
 *
 * @param kafka            Kafka: bootstrap servers and client properties ({@code KINFER_BOOTSTRAP_SERVERS}, {@code KINFER_KAFKA_*}:
 *                         {@link KafkaConnection})
 * @param registry         Confluent-compatible schema registry ({@code KINFER_REGISTRY_*}: {@link RegistryConnection})
 * @param store            object store ({@code KINFER_S3_*})
 * @param host             interface to listen on ({@code KINFER_HTTP_HOST}, default 127.0.0.1)
 * @param port             HTTP port; 0 picks a free one ({@code KINFER_HTTP_PORT}, default 8080)
 * @param jobsUrl          result-sink's base URL, where job status lives ({@code KINFER_JOBS_URL})
 * @param maxImageBytes    largest accepted upload ({@code KINFER_MAX_IMAGE_BYTES}, default 20 MiB)
 * @param maxImagePixels   largest accepted width x height ({@code KINFER_MAX_IMAGE_PIXELS}, default 40 megapixels)
 * @param modelUnavailableAfter how long a model may have no live worker before its jobs are refused with 503
 *                         {@code model-unavailable} ({@code KINFER_MODEL_UNAVAILABLE_AFTER}, seconds, default 30)
 * @param maxFormParts     most parts (files and fields) a submission's form may have; more are refused with 400
 *                         {@code too-many-fields} ({@code KINFER_MAX_FORM_PARTS}, default 32)
 * @param maxConcurrentDecodes most uploads read and decoded at once; a request finding them all busy is answered
 *                         503 {@code busy} ({@code KINFER_MAX_CONCURRENT_DECODES}, default the number of cores)
 * @param cacheTtl         how long a result answers identical requests from the result cache
 *                         ({@code KINFER_CACHE_TTL_SECONDS}, default 3600)
 * @param cacheMaxEntries  most results the cache holds; the least recently used go first ({@code KINFER_CACHE_MAX_ENTRIES},
 *                         default 100000)
 * @param auth             who may call, and how they prove it ({@code KINFER_AUTH}, {@code KINFER_JWT_*}: {@link AuthConfig})
 * @param maxBacklog       most requests a model may have waiting (its worker group's consumer lag) before new work for it
 *                         is refused with 503 {@code model-overloaded} ({@code KINFER_MAX_BACKLOG}, default 10000; 0: no bound)
 */
public record IngestConfig(KafkaConnection kafka, RegistryConnection registry, StoreConfig store, String host, int port, String jobsUrl,
                           long maxImageBytes, long maxImagePixels, Duration modelUnavailableAfter,
                           int maxFormParts, int maxConcurrentDecodes, Duration cacheTtl, int cacheMaxEntries,
                           AuthConfig auth, long maxBacklog) {
    public static final Setting<String> HTTP_HOST = Setting.string("KINFER_HTTP_HOST").defaultTo("127.0.0.1")
            .doc("The interface the HTTP API listens on.");
    public static final Setting<Integer> HTTP_PORT = Setting.integer("KINFER_HTTP_PORT").defaultTo(8080)
            .check(port -> port >= 0 && port <= 65535, "is not a port (0 to 65535)")
            .doc("The HTTP API's port; 0 picks a free one.");
    public static final Setting<URI> JOBS_URL = Setting.url("KINFER_JOBS_URL").defaultTo(URI.create("http://127.0.0.1:8090"))
            .doc("result-sink's base URL, where job status lives.");
    public static final Setting<Long> MAX_IMAGE_BYTES = Setting.longInteger("KINFER_MAX_IMAGE_BYTES").defaultTo(20L << 20, "20 MiB")
            .check(bytes -> bytes >= 1, "must be at least 1")
            .doc("The largest accepted upload, in bytes.");
    public static final Setting<Long> MAX_IMAGE_PIXELS = Setting.longInteger("KINFER_MAX_IMAGE_PIXELS").defaultTo(40_000_000L, "40 megapixels")
            .check(pixels -> pixels >= 1, "must be at least 1")
            .doc("The largest accepted width × height.");
    public static final Setting<Duration> MODEL_UNAVAILABLE_AFTER = Setting.seconds("KINFER_MODEL_UNAVAILABLE_AFTER").defaultTo(Duration.ofSeconds(30))
            .check(after -> !after.isNegative(), "must not be negative")
            .doc("Once a model's consumer group `kinfer-worker-<model>` has had no member for this long, its jobs are refused with "
                    + "`503` `model-unavailable` and `Retry-After` instead of waiting for ever.");
    public static final Setting<Integer> MAX_FORM_PARTS = Setting.integer("KINFER_MAX_FORM_PARTS").defaultTo(32)
            .check(parts -> parts >= 1, "must be at least 1")
            .doc("The most parts (files and fields) a submission's form may have; more are refused with `400` `too-many-fields`.");
    public static final Setting<Integer> MAX_CONCURRENT_DECODES = Setting.integer("KINFER_MAX_CONCURRENT_DECODES")
            .defaultComputed(() -> Runtime.getRuntime().availableProcessors(), "the number of cores")
            .check(decodes -> decodes >= 1, "must be at least 1")
            .doc("The most uploads read and decoded at once; a request finding them all busy is answered `503` `busy` with `Retry-After`.");
    public static final Setting<Duration> CACHE_TTL = Setting.seconds("KINFER_CACHE_TTL_SECONDS").defaultTo(Duration.ofSeconds(3600))
            .check(ttl -> !ttl.isNegative(), "must not be negative")
            .doc("How long a result answers identical requests from the result cache.");
    public static final Setting<Integer> CACHE_MAX_ENTRIES = Setting.integer("KINFER_CACHE_MAX_ENTRIES").defaultTo(100_000)
            .check(entries -> entries >= 0, "must not be negative")
            .doc("The most results the result cache holds; the least recently used go first.");
    public static final Setting<Long> MAX_BACKLOG = Setting.longInteger("KINFER_MAX_BACKLOG").defaultTo(10_000L)
            .check(backlog -> backlog >= 0, "must not be negative")
            .doc("The most requests a model may have waiting (its worker group's consumer lag) before new work for it is refused "
                    + "with `503` `model-overloaded`; 0: no bound.");
    /** Everything ingest-api reads, its components' settings included. */
    public static final Settings SETTINGS = KafkaConnection.SETTINGS.and(RegistryConnection.SETTINGS, StoreConfig.SETTINGS, LogContext.SETTINGS, AuthConfig.SETTINGS,
            Settings.of(HTTP_HOST, HTTP_PORT, JOBS_URL, MAX_IMAGE_BYTES, MAX_IMAGE_PIXELS, MODEL_UNAVAILABLE_AFTER, MAX_FORM_PARTS,
                    MAX_CONCURRENT_DECODES, CACHE_TTL, CACHE_MAX_ENTRIES, MAX_BACKLOG));

    /** Parses every setting at once; a {@link dev.kinfer.schemas.config.SettingsException} lists every problem. */
    public static IngestConfig fromEnvironment(Map<String, String> env) {
        Values values = SETTINGS.parse(env);
        return new IngestConfig(
                KafkaConnection.from(values),
                RegistryConnection.from(values),
                StoreConfig.from(values),
                values.get(HTTP_HOST),
                values.get(HTTP_PORT),
                values.get(JOBS_URL).toString(),
                values.get(MAX_IMAGE_BYTES),
                values.get(MAX_IMAGE_PIXELS),
                values.get(MODEL_UNAVAILABLE_AFTER),
                values.get(MAX_FORM_PARTS),
                values.get(MAX_CONCURRENT_DECODES),
                values.get(CACHE_TTL),
                values.get(CACHE_MAX_ENTRIES),
                AuthConfig.from(values),
                values.get(MAX_BACKLOG));
    }
}
