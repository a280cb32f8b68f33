package dev.kinfer.worker;

import dev.kinfer.schemas.KafkaConnection;
import dev.kinfer.schemas.LogContext;
import dev.kinfer.schemas.config.Setting;
import dev.kinfer.schemas.config.Settings;
import dev.kinfer.schemas.config.Values;
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

    public static final Setting<Path> MODEL_DIR = Setting.path("KINFER_MODEL_DIR")
            .doc("One fixed model: a directory holding `manifest.json` beside the artifact. Set this or `KINFER_MODEL`.");
    public static final Setting<String> MODEL = Setting.string("KINFER_MODEL")
            .doc("A model of the catalogue, followed as its versions are deployed and undeployed. Set this or `KINFER_MODEL_DIR`.");
    public static final Setting<Path> MODEL_CACHE = Setting.path("KINFER_MODEL_CACHE")
            .defaultComputed(() -> Path.of(System.getProperty("java.io.tmpdir"), "kinfer-models"), "`<java.io.tmpdir>/kinfer-models`")
            .doc("Where the versions of `KINFER_MODEL` are downloaded to.");
    public static final Setting<String> WORKER_ID = Setting.string("KINFER_WORKER_ID")
            .defaultComputed(() -> "worker-" + UUID.randomUUID().toString().substring(0, 8), "`worker-` and 8 random hex digits")
            .doc("This process's id in results and in its transactional id.");
    public static final Setting<Integer> MAX_BATCH_SIZE = Setting.integer("KINFER_MAX_BATCH_SIZE")
            .check(size -> size >= 1, "must be at least 1")
            .doc("Overrides the manifest's `maxBatchSize` (unset: the manifest's).");
    public static final Setting<Duration> MAX_DELAY = Setting.millis("KINFER_MAX_DELAY_MS")
            .check(delay -> !delay.isNegative(), "must not be negative")
            .doc("Overrides the manifest's `maxDelayMs` (unset: the manifest's).");
    public static final Setting<Integer> INTRA_OP_THREADS = Setting.integer("KINFER_INTRA_OP_THREADS").defaultTo(0, "all cores")
            .check(threads -> threads >= 0, "must not be negative")
            .doc("The engine's CPU threads inside one operator; 0 leaves the engine's default.");
    public static final Setting<Integer> QUEUE_CAPACITY = Setting.integer("KINFER_QUEUE_CAPACITY")
            .check(capacity -> capacity >= 1, "must be at least 1")
            .doc("Polled requests waiting for the model at which intake pauses; it resumes at half. Unset: 4 batches; "
                    + "at least one batch.");
    public static final Setting<Integer> PARTITIONS = Setting.integer("KINFER_PARTITIONS").defaultTo(4)
            .check(partitions -> partitions >= 1, "must be at least 1")
            .doc("Partitions of the model's request topic (and of `kinfer.results`) if the worker creates them.");
    public static final Setting<Integer> HEALTH_PORT = Setting.integer("KINFER_HEALTH_PORT").defaultTo(0)
            .check(port -> port >= 0 && port <= 65535, "is not a port (0 to 65535)")
            .doc("Port of `/health/live`, `/health/ready` and `/metrics`; 0 picks a free one.");
    public static final Setting<Duration> RETRY = Setting.seconds("KINFER_RETRY_SECONDS").defaultTo(Duration.ofSeconds(30))
            .check(Duration::isPositive, "must be positive")
            .doc("How long one request's store calls are retried before it fails as retriable.");
    public static final Setting<Duration> MAX_BATCH_TIME = Setting.seconds("KINFER_MAX_BATCH_SECONDS").defaultTo(Duration.ofSeconds(300))
            .check(Duration::isPositive, "must be positive")
            .doc("One model call running longer makes `/health/live` fail.");
    /** Everything inference-worker reads, its components' settings included. */
    public static final Settings SETTINGS = KafkaConnection.SETTINGS.and(RegistryConnection.SETTINGS, StoreConfig.SETTINGS, LogContext.SETTINGS,
                    Settings.of(MODEL_DIR, MODEL, MODEL_CACHE, WORKER_ID, MAX_BATCH_SIZE, MAX_DELAY, INTRA_OP_THREADS, QUEUE_CAPACITY,
                            PARTITIONS, HEALTH_PORT, RETRY, MAX_BATCH_TIME))
            .rule("set exactly one of KINFER_MODEL_DIR (a fixed model) and KINFER_MODEL (a model of the catalogue)",
                    values -> (values.get(MODEL_DIR) == null) != (values.get(MODEL) == null), MODEL_DIR, MODEL);

    /** Parses every setting at once; a {@link dev.kinfer.schemas.config.SettingsException} lists every problem. */
    public static WorkerConfig fromEnvironment(Map<String, String> env) {
        Values values = SETTINGS.parse(env);
        return new WorkerConfig(
                KafkaConnection.from(values),
                RegistryConnection.from(values),
                StoreConfig.from(values),
                values.get(MODEL_DIR),
                values.get(MODEL),
                values.get(MODEL_CACHE),
                values.get(WORKER_ID),
                new ModelSettings(values.get(MAX_BATCH_SIZE), values.get(MAX_DELAY), values.get(INTRA_OP_THREADS)),
                values.get(QUEUE_CAPACITY),
                values.get(PARTITIONS),
                values.get(HEALTH_PORT),
                values.get(RETRY),
                values.get(MAX_BATCH_TIME));
    }
}
