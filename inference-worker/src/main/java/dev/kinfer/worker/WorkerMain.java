package dev.kinfer.worker;

import dev.kinfer.catalog.ModelCatalog;
import dev.kinfer.catalog.ModelManifest;
import dev.kinfer.schemas.TopicAdmin;
import dev.kinfer.schemas.Topics;
import dev.kinfer.schemas.serde.SchemaRegistryClient;
import dev.kinfer.store.ObjectStore;
import dev.kinfer.worker.model.BatchLimits;
import dev.kinfer.worker.model.ModelLoadException;
import dev.kinfer.worker.model.Models;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts one worker process: health and metrics endpoint, model, topics, then the loop; SIGTERM stops it cleanly. */
public final class WorkerMain {
    private static final Logger log = LoggerFactory.getLogger(WorkerMain.class);
    /** The loop may block this long on one broker call (timeouts below) before it counts as hung. */
    private static final Duration LOOP_STALL = Duration.ofMinutes(3);

    private WorkerMain() {
    }

    public static void main(String[] args) throws Exception {
        WorkerConfig config;
        try {
            // Every setting is checked before anything starts; all problems are reported at once.
            config = WorkerConfig.fromEnvironment(System.getenv());
        } catch (IllegalArgumentException e) {
            log.error("inference-worker not started: {}", e.getMessage());
            System.exit(1);
            return;
        }
        try (HealthServer health = new HealthServer(config.healthPort());
             ObjectStore store = new ObjectStore(config.store())) {
            log.info("health and metrics on port {}", health.port());
            store.ensureBucket(); // outputs go there, whether or not an ingest-api has created it yet
            ExecutorService inference = Executors.newSingleThreadExecutor(r -> new Thread(r, "inference"));
            ModelVersions versions;
            CatalogFollower follower = null;
            try {
                if (config.modelDir() != null) {
                    Models.Loaded loaded = Models.loadAndWarmUp(config.modelDir(), config.model());
                    versions = new ModelVersions(loaded.runner().manifest().name());
                    versions.add(loaded, 0);
                } else {
                    versions = new ModelVersions(config.modelName());
                    health.notReady("waiting for a version of " + config.modelName() + " in " + Topics.MODELS);
                    follower = new CatalogFollower(new ModelCatalog(config.kafka()), store, config.modelCache(), config.model(),
                            versions, inference);
                    follower.start();
                    while (!follower.awaitFirstVersion(Duration.ofSeconds(30))) {
                        log.info("still waiting for a version of {} that loads (deploy one with ./kinfer models deploy)", config.modelName());
                    }
                }
            } catch (ModelLoadException e) {
                // Stay up and unready, saying why, rather than consuming requests we would all fail.
                health.notReady(e.getMessage());
                log.error("not ready: {}", e.getMessage(), e);
                Thread.currentThread().join();
                return;
            }
            Models.Loaded first = versions.resolve(null).orElseThrow();
            ModelManifest manifest = first.runner().manifest();
            // Batching limits are the first loaded version's: the batcher and the consumer are sized once.
            BatchLimits limits = first.limits();
            String name = versions.model();
            log.info("model {}:{} ({}, {}, device {}) loaded and warmed up", name, manifest.version(), manifest.task(),
                    manifest.engine(), manifest.device());
            ensureTopics(config, name);

            WorkerMetrics metrics = new WorkerMetrics(name);
            FailurePolicy policy = new FailurePolicy(new Backoff(Duration.ofMillis(200), Duration.ofSeconds(15)), config.retryFor());
            Liveness liveness = new Liveness(Clock.systemUTC(), LOOP_STALL, config.maxBatchTime());
            health.liveness(liveness::problem);
            // Only a model that compares with registered faces reads the gallery; the others need no extra reader.
            FaceGallery gallery = first.runner().readsGallery() ? new FaceGallery(config.kafka()) : null;
            Function<String, Map<String, float[]>> galleries = gallery == null ? tenant -> Map.of() : gallery::of;
            health.metrics(metrics::scrape);
            ExecutorService io = Executors.newVirtualThreadPerTaskExecutor();
            KafkaConsumer<String, byte[]> consumer = consumer(config, name, limits);
            metrics.bind(consumer);
            SchemaRegistryClient registry = new SchemaRegistryClient(config.registry());
            JobProgress progress = new JobProgress(config.kafka(), registry, config.workerId());
            RequestWorker worker = new RequestWorker(consumer, () -> producer(config, name), registry,
                    versions, new BatchRunner(versions, galleries, store, metrics, io, policy, liveness, config.workerId()),
                    new InputFetcher(store, policy), io, inference, metrics, policy, liveness, limits, config.queueCapacity(limits),
                    progress);
            Thread loop = Thread.ofPlatform().name("worker-" + name).start(worker);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                worker.stop();
                try {
                    loop.join(Duration.ofSeconds(30));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            health.ready();
            log.info("worker {} consuming {} (max batch {}, max delay {} ms)", config.workerId(), Topics.requests(name),
                    limits.maxBatchSize(), limits.maxDelay().toMillis());
            loop.join();
            if (worker.failure() != null) {
                // Logged by the loop; a supervisor (the local stack, Kubernetes) starts a fresh process.
                System.exit(1);
            }
            progress.close();
            if (follower != null) {
                follower.close();
            }
            if (gallery != null) {
                gallery.close();
            }
            io.shutdownNow();
            for (String version : versions.loaded()) {
                versions.remove(version).ifPresent(Models.Loaded::close);
            }
        }
    }

    private static void ensureTopics(WorkerConfig config, String model) {
        try (Admin admin = Admin.create(config.kafka().clientConfig(Map.of()))) {
            TopicAdmin.ensure(admin, List.of(
                    TopicAdmin.Spec.of(Topics.requests(model), config.requestPartitions()),
                    TopicAdmin.Spec.of(Topics.deadLetters(model), 1),
                    TopicAdmin.Spec.of(Topics.RESULTS, config.requestPartitions()),
                    TopicAdmin.Spec.progress(config.requestPartitions())), Duration.ofSeconds(30));
        }
    }

    private static KafkaConsumer<String, byte[]> consumer(WorkerConfig config, String model, BatchLimits limits) {
        return new KafkaConsumer<>(config.kafka().clientConfig(Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, Topics.workerGroup(model),
                ConsumerConfig.CLIENT_ID_CONFIG, config.workerId(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, limits.maxBatchSize() * 2,
                // A crashed worker's partitions move to the others within this.
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000,
                // Bounds how long a rewind waits for the committed offsets while the broker is away.
                ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000,
                // Asking whether a request's replay topic exists must not make it, whatever the broker allows.
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false)),
                new StringDeserializer(), new ByteArrayDeserializer());
    }

    private static KafkaProducer<String, byte[]> producer(WorkerConfig config, String model) {
        return new KafkaProducer<>(config.kafka().clientConfig(Map.of(
                ProducerConfig.CLIENT_ID_CONFIG, config.workerId(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, Topics.workerGroup(model) + "-" + config.workerId(),
                ProducerConfig.LINGER_MS_CONFIG, 0,
                // A transaction only spans a commit (never a model call), so a crashed worker's open one may be
                // aborted soon, which unblocks read_committed readers of the result partitions it wrote to; it
                // outlasts max.block.ms so that a slow commit fails as a timeout, not as a fenced producer.
                ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 30_000,
                // A commit or initTransactions against a broker that is away fails after this, and is retried.
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000)),
                new StringSerializer(), new ByteArraySerializer());
    }
}
