package dev.kinfer.ingest;

import dev.kinfer.ingest.auth.AuthConfig;
import dev.kinfer.schemas.KafkaConnection;
import dev.kinfer.schemas.serde.RegistryConnection;
import dev.kinfer.store.StoreConfig;
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
    public static IngestConfig fromEnvironment(Map<String, String> env) {
        return new IngestConfig(
                KafkaConnection.fromEnvironment(env),
                RegistryConnection.fromEnvironment(env),
                StoreConfig.fromEnvironment(env),
                env.getOrDefault("KINFER_HTTP_HOST", "127.0.0.1"),
                Integer.parseInt(env.getOrDefault("KINFER_HTTP_PORT", "8080")),
                env.getOrDefault("KINFER_JOBS_URL", "http://127.0.0.1:8090"),
                Long.parseLong(env.getOrDefault("KINFER_MAX_IMAGE_BYTES", Long.toString(20L << 20))),
                Long.parseLong(env.getOrDefault("KINFER_MAX_IMAGE_PIXELS", "40000000")),
                Duration.ofSeconds(Long.parseLong(env.getOrDefault("KINFER_MODEL_UNAVAILABLE_AFTER", "30"))),
                Integer.parseInt(env.getOrDefault("KINFER_MAX_FORM_PARTS", "32")),
                Integer.parseInt(env.getOrDefault("KINFER_MAX_CONCURRENT_DECODES",
                        Integer.toString(Runtime.getRuntime().availableProcessors()))),
                Duration.ofSeconds(Long.parseLong(env.getOrDefault("KINFER_CACHE_TTL_SECONDS", "3600"))),
                Integer.parseInt(env.getOrDefault("KINFER_CACHE_MAX_ENTRIES", "100000")),
                AuthConfig.fromEnvironment(env),
                Long.parseLong(env.getOrDefault("KINFER_MAX_BACKLOG", "10000")));
    }
}
