package dev.kinfer.worker;

import dev.kinfer.store.StoreConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/**
 * Everything the worker is told, parsed once at start from {@code KINFER_*} environment variables.
 *
 * @param bootstrapServers Kafka bootstrap servers ({@code KINFER_BOOTSTRAP_SERVERS})
 * @param registryUrl      Confluent-compatible schema registry ({@code KINFER_REGISTRY_URL})
 * @param store            object store ({@code KINFER_S3_*})
 * @param modelDir         directory holding {@code manifest.json} and the artifact ({@code KINFER_MODEL_DIR})
 * @param workerId         this process's id in results and its transactional id ({@code KINFER_WORKER_ID})
 * @param maxBatchSize     most requests in one model call ({@code KINFER_MAX_BATCH_SIZE}, default 8)
 * @param maxDelay         longest a batch's first request waits for more ({@code KINFER_MAX_DELAY_MS}, default 10)
 * @param queueCapacity    polled requests waiting for the model at which intake pauses; it resumes at half
 *                         ({@code KINFER_QUEUE_CAPACITY}, default 4 batches)
 * @param requestPartitions partitions of the request topic if the worker creates it ({@code KINFER_PARTITIONS}, default 4)
 * @param healthPort       port of /health/live and /health/ready; 0 picks a free one ({@code KINFER_HEALTH_PORT})
 */
public record WorkerConfig(String bootstrapServers, String registryUrl, StoreConfig store, Path modelDir, String workerId,
                           int maxBatchSize, Duration maxDelay, int queueCapacity, int requestPartitions, int healthPort) {
    public WorkerConfig {
        if (maxBatchSize < 1) {
            throw new IllegalArgumentException("KINFER_MAX_BATCH_SIZE must be at least 1");
        }
        if (maxDelay.isNegative()) {
            throw new IllegalArgumentException("KINFER_MAX_DELAY_MS must not be negative");
        }
        if (queueCapacity < maxBatchSize) {
            throw new IllegalArgumentException("KINFER_QUEUE_CAPACITY must hold at least one batch (" + maxBatchSize + ")");
        }
        if (requestPartitions < 1) {
            throw new IllegalArgumentException("KINFER_PARTITIONS must be at least 1");
        }
    }

    public static WorkerConfig fromEnvironment(Map<String, String> env) {
        int maxBatchSize = Integer.parseInt(env.getOrDefault("KINFER_MAX_BATCH_SIZE", "8"));
        return new WorkerConfig(
                env.getOrDefault("KINFER_BOOTSTRAP_SERVERS", "127.0.0.1:9092"),
                env.getOrDefault("KINFER_REGISTRY_URL", "http://127.0.0.1:8081"),
                StoreConfig.fromEnvironment(env),
                Path.of(required(env, "KINFER_MODEL_DIR")),
                env.getOrDefault("KINFER_WORKER_ID", "worker-" + UUID.randomUUID().toString().substring(0, 8)),
                maxBatchSize,
                Duration.ofMillis(Long.parseLong(env.getOrDefault("KINFER_MAX_DELAY_MS", "10"))),
                Integer.parseInt(env.getOrDefault("KINFER_QUEUE_CAPACITY", Integer.toString(4 * maxBatchSize))),
                Integer.parseInt(env.getOrDefault("KINFER_PARTITIONS", "4")),
                Integer.parseInt(env.getOrDefault("KINFER_HEALTH_PORT", "0")));
    }

    private static String required(Map<String, String> env, String name) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must be set");
        }
        return value;
    }
}
