package dev.kinfer.worker;

import dev.kinfer.schemas.KafkaConnection;
import dev.kinfer.schemas.serde.RegistryConnection;
import dev.kinfer.store.StoreConfig;
import dev.kinfer.worker.model.BatchLimits;
import dev.kinfer.worker.model.ModelSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/**
 * Everything the worker is told, parsed once at start from {@code KINFER_*} environment variables.
 *
 * @param kafka            Kafka: bootstrap servers and client properties ({@code KINFER_BOOTSTRAP_SERVERS}, {@code KINFER_KAFKA_*}:
 *                         {@link KafkaConnection})
 * @param registry         Confluent-compatible schema registry ({@code KINFER_REGISTRY_*}: {@link RegistryConnection})
 * @param store            object store ({@code KINFER_S3_*})
 * @param modelDir         a fixed model: directory holding {@code manifest.json} and the artifact ({@code KINFER_MODEL_DIR})
 * @param modelName        or a model of the catalogue, followed as versions are deployed and undeployed ({@code KINFER_MODEL})
 * @param modelCache       where catalogue versions are downloaded to ({@code KINFER_MODEL_CACHE}, default under java.io.tmpdir)
 * @param workerId         this process's id in results and its transactional id ({@code KINFER_WORKER_ID})
 * @param model            overrides of the manifest's batching ({@code KINFER_MAX_BATCH_SIZE}, {@code KINFER_MAX_DELAY_MS})
 *                         and the engine's threads per operator ({@code KINFER_INTRA_OP_THREADS}, default: all cores)
 * @param queueCapacity    polled requests waiting for the model at which intake pauses; it resumes at half
 *                         ({@code KINFER_QUEUE_CAPACITY}; null: 4 batches)
 * @param requestPartitions partitions of the request topic if the worker creates it ({@code KINFER_PARTITIONS}, default 4)
 * @param healthPort       port of /health/live and /health/ready; 0 picks a free one ({@code KINFER_HEALTH_PORT})
 * @param retryFor         how long one request's store calls are retried before it fails as retriable
 *                         ({@code KINFER_RETRY_SECONDS}, default 30)
 * @param maxBatchTime     how long one model call may run before the worker reports itself not live
 *                         ({@code KINFER_MAX_BATCH_SECONDS}, default 300)
 */
public record WorkerConfig(KafkaConnection kafka, RegistryConnection registry, StoreConfig store, Path modelDir, String modelName,
                           Path modelCache, String workerId,
                           ModelSettings model, Integer queueCapacity, int requestPartitions, int healthPort,
                           Duration retryFor, Duration maxBatchTime) {
    public WorkerConfig {
        if ((modelDir == null) == (modelName == null)) {
            throw new IllegalArgumentException("set exactly one of KINFER_MODEL_DIR (a fixed model) and KINFER_MODEL (a model of the catalogue)");
        }
        if (model.maxBatchSize() != null && model.maxBatchSize() < 1) {
            throw new IllegalArgumentException("KINFER_MAX_BATCH_SIZE must be at least 1");
        }
        if (model.maxDelay() != null && model.maxDelay().isNegative()) {
            throw new IllegalArgumentException("KINFER_MAX_DELAY_MS must not be negative");
        }
        if (requestPartitions < 1) {
            throw new IllegalArgumentException("KINFER_PARTITIONS must be at least 1");
        }
        if (!retryFor.isPositive() || !maxBatchTime.isPositive()) {
            throw new IllegalArgumentException("KINFER_RETRY_SECONDS and KINFER_MAX_BATCH_SECONDS must be positive");
        }
    }

    /** Requests held at most before intake pauses, for a model running with {@code limits}. */
    int queueCapacity(BatchLimits limits) {
        int capacity = queueCapacity != null ? queueCapacity : 4 * limits.maxBatchSize();
        if (capacity < limits.maxBatchSize()) {
            throw new IllegalArgumentException("KINFER_QUEUE_CAPACITY must hold at least one batch (" + limits.maxBatchSize() + ")");
        }
        return capacity;
    }

    public static WorkerConfig fromEnvironment(Map<String, String> env) {
        return new WorkerConfig(
                KafkaConnection.fromEnvironment(env),
                RegistryConnection.fromEnvironment(env),
                StoreConfig.fromEnvironment(env),
                blankToNull(env.get("KINFER_MODEL_DIR")) == null ? null : Path.of(env.get("KINFER_MODEL_DIR")),
                blankToNull(env.get("KINFER_MODEL")),
                Path.of(env.getOrDefault("KINFER_MODEL_CACHE", Path.of(System.getProperty("java.io.tmpdir"), "kinfer-models").toString())),
                env.getOrDefault("KINFER_WORKER_ID", "worker-" + UUID.randomUUID().toString().substring(0, 8)),
                new ModelSettings(optionalInt(env, "KINFER_MAX_BATCH_SIZE"),
                        env.containsKey("KINFER_MAX_DELAY_MS") ? Duration.ofMillis(Long.parseLong(env.get("KINFER_MAX_DELAY_MS"))) : null,
                        Integer.parseInt(env.getOrDefault("KINFER_INTRA_OP_THREADS", "0"))),
                optionalInt(env, "KINFER_QUEUE_CAPACITY"),
                Integer.parseInt(env.getOrDefault("KINFER_PARTITIONS", "4")),
                Integer.parseInt(env.getOrDefault("KINFER_HEALTH_PORT", "0")),
                Duration.ofSeconds(Long.parseLong(env.getOrDefault("KINFER_RETRY_SECONDS", "30"))),
                Duration.ofSeconds(Long.parseLong(env.getOrDefault("KINFER_MAX_BATCH_SECONDS", "300"))));
    }

    private static Integer optionalInt(Map<String, String> env, String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? null : Integer.valueOf(value.strip());
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
