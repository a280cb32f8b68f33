package dev.kinfer.client;

import dev.kinfer.imaging.ImageDecoder;
import dev.kinfer.schemas.CacheKeys;
import dev.kinfer.schemas.Callback;
import dev.kinfer.schemas.ImageRef;
import dev.kinfer.schemas.InferenceRequest;
import dev.kinfer.schemas.InferenceResult;
import dev.kinfer.schemas.KafkaConnection;
import dev.kinfer.schemas.RequestRecords;
import dev.kinfer.schemas.Topics;
import dev.kinfer.schemas.serde.AvroSerializer;
import dev.kinfer.schemas.serde.RegistryConnection;
import dev.kinfer.schemas.serde.SchemaRegistryClient;
import dev.kinfer.store.ContentHash;
import dev.kinfer.store.ObjectStore;
import dev.kinfer.store.S3Uri;
import dev.kinfer.store.StoreConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kinfer from Kafka, as {@code docs/kafka-protocol.md} describes it: images go to the object store at their content
 * address, requests to {@code kinfer.requests.<model>} (an idempotent producer, so its own retries never duplicate a
 * request), and each request's future completes from {@code kinfer.results}, read {@code read_committed}. A job that
 * FAILED or EXPIRED completes its future exceptionally ({@link JobFailedException}, {@link JobExpiredException}).
 * Thread-safe; one per application is enough.
 *
 * <pre>{@code
 * try (KinferClient kinfer = KinferClient.builder().kafka(KafkaConnection.to("kafka:9092"))
 *         .registry(RegistryConnection.to("http://registry:8081")).store(storeConfig).tenant("acme").build()) {
 *     InferenceResult faces = kinfer.submit("detect-faces", List.of(photo), Map.of("threshold", "0.8"))
 *             .orTimeout(30, TimeUnit.SECONDS).join();
 * }
 * }</pre>
 *
 * A result is waited for as long as the caller waits: bound it with {@link CompletableFuture#orTimeout}, which also
 * stops the wait.
 */
public final class KinferClient implements AutoCloseable {
    /** The most pixels an image may have here; ingest-api's default limit is lower. */
    private static final Logger log = LoggerFactory.getLogger(KinferClient.class);
    private static final long MAX_PIXELS = 100_000_000L;
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    private final String tenant;
    private final String resultTopic;
    private final ObjectStore store;
    private final KafkaProducer<String, byte[]> producer;
    private final AvroSerializer<InferenceRequest> requests;
    private final ResultReader results;
    private final Admin admin;
    /** Request topics seen to exist: a request for a model whose topic is not there would wait for ever. */
    private final Set<String> requestTopics = ConcurrentHashMap.newKeySet();
    private final ImageDecoder images = new ImageDecoder(MAX_PIXELS);

    private KinferClient(Builder builder) {
        this.tenant = builder.tenant;
        this.resultTopic = builder.resultTopic;
        SchemaRegistryClient registry = new SchemaRegistryClient(builder.registry);
        this.requests = new AvroSerializer<>(registry);
        this.store = new ObjectStore(builder.store);
        this.producer = new KafkaProducer<>(builder.kafka.clientConfig(Map.of(
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 1)), new StringSerializer(), new ByteArraySerializer());
        this.admin = Admin.create(builder.kafka.clientConfig(Map.of()));
        try {
            this.results = new ResultReader(builder.kafka, registry, resultTopic, builder.tenant); // connects: may fail
        } catch (RuntimeException e) {
            close(admin, producer, store);
            throw e;
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Stores an image at its content address ({@code images/<sha256>}), unless it is there already, and returns the
     * reference a request carries: its sha256, content type and upright size.
     *
     * @throws dev.kinfer.imaging.RejectedImageException if the bytes are not an image kinfer reads
     */
    public ImageRef upload(byte[] image) {
        ImageDecoder.Inspected inspected = images.inspect(image);
        String sha256 = ContentHash.sha256(image);
        S3Uri uri = store.imageUri(sha256);
        if (!store.exists(uri)) {
            store.put(uri, image, inspected.format().contentType());
        }
        return new ImageRef(uri.toString(), sha256, inspected.format().contentType(), inspected.width(), inspected.height(),
                (long) image.length);
    }

    /** Uploads the images and submits them to {@code model}, with the model's {@code params} as strings. */
    public CompletableFuture<InferenceResult> submit(String model, List<byte[]> images, Map<String, String> params) {
        List<ImageRef> inputs = new ArrayList<>(images.size());
        images.forEach(image -> inputs.add(upload(image)));
        return submit(Submission.to(model, inputs).withParams(params));
    }

    /**
     * Produces the request; its future completes with the result (or fails with a {@link KinferJobException}).
     *
     * @throws IllegalArgumentException if the model has no request topic (a mistyped name, or a model no one deployed)
     */
    public CompletableFuture<InferenceResult> submit(Submission submission) {
        InferenceRequest request = request(submission);
        String topic = Topics.requests(submission.model());
        requireTopic(topic);
        CompletableFuture<InferenceResult> result = results.expect(request.getRequestId());
        try {
            producer.send(new ProducerRecord<>(topic, request.getRequestId(), requests.serialize(topic, request)), (sent, failure) -> {
                if (failure != null) {
                    result.completeExceptionally(failure);
                }
            });
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
        }
        return result;
    }

    /**
     * Submits each image of {@code images} to {@code model} as its own job, with at most {@code maxInFlight} jobs
     * unfinished and at most as many ended ones buffered for the subscriber: a slow model or a slow subscriber slows
     * the reading of {@code images}, and memory stays bounded however many there are. A job waits for a worker as
     * long as none serves the model. Each image's {@link Outcome} is published
     * as its job ends (not in order); the publisher completes after the last. A publisher reads {@code images} once:
     * subscribe once.
     */
    public Flow.Publisher<Outcome> submitAll(String model, Iterator<byte[]> images, Map<String, String> params, int maxInFlight) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be at least 1");
        }
        Map<String, String> same = Map.copyOf(params);
        return new BatchSubmission(image -> {
            Submission submission = Submission.to(model, List.of(upload(image))).withParams(same);
            return new BatchSubmission.Started(submission.requestId(), submit(submission));
        }, images, maxInFlight);
    }

    private InferenceRequest request(Submission submission) {
        List<String> hashes = submission.inputs().stream().map(ImageRef::getSha256).toList();
        InferenceRequest request = InferenceRequest.newBuilder()
                .setRequestId(submission.requestId())
                .setTenant(tenant)
                .setModel(submission.model())
                .setModelVersion(submission.version())
                .setInputs(submission.inputs())
                .setParams(submission.params())
                .setCallback(submission.callback() == null ? null
                        : new Callback(submission.callback(), Objects.requireNonNullElse(submission.callbackSecretId(), "default")))
                .setSubmittedAt(Instant.now())
                .setDeadline(submission.deadline())
                .setCacheKey(CacheKeys.of(tenant, submission.model(), submission.params(), hashes))
                .setResultTopic(Topics.RESULTS.equals(resultTopic) ? null : resultTopic)
                .build();
        if (RequestRecords.badIdentity(request) instanceof String bad) {
            throw new IllegalArgumentException(bad);
        }
        return request;
    }

    /**
     * Asks the cluster, without creating it, whether the request topic exists: a producer would have a broker that
     * creates topics on use make one for a mistyped model, and the request would wait there for ever.
     */
    private void requireTopic(String topic) {
        if (requestTopics.contains(topic)) {
            return;
        }
        try {
            admin.describeTopics(List.of(topic)).allTopicNames().get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            requestTopics.add(topic);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                throw new IllegalArgumentException("there is no topic " + topic + ": is the model deployed and its topic made?");
            }
            throw new KafkaException("cannot tell whether " + topic + " exists", e.getCause());
        } catch (TimeoutException e) {
            throw new KafkaException("cannot tell whether " + topic + " exists within " + CALL_TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptException(e);
        }
    }

    /** Requests sent whose results have not come yet. */
    public int waiting() {
        return results.waiting();
    }

    /** Stops reading results: futures still waiting fail with a {@link java.util.concurrent.CancellationException}. */
    @Override
    public void close() {
        results.close();
        close(admin, producer, store);
    }

    private static void close(AutoCloseable... resources) {
        for (AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (Exception e) {
                log.warn("closing {} failed", resource.getClass().getSimpleName(), e);
            }
        }
    }

    /** Where kinfer is, and who the jobs are for. */
    public static final class Builder {
        private KafkaConnection kafka;
        private RegistryConnection registry;
        private StoreConfig store;
        private String tenant;
        private String resultTopic = Topics.RESULTS;

        private Builder() {
        }

        /** The Kafka cluster, with its client properties (security and so on). */
        public Builder kafka(KafkaConnection kafka) {
            this.kafka = kafka;
            return this;
        }

        /** The schema registry (Confluent API). */
        public Builder registry(RegistryConnection registry) {
            this.registry = registry;
            return this;
        }

        /** The object store the images go to: kinfer's bucket. */
        public Builder store(StoreConfig store) {
            this.store = store;
            return this;
        }

        /** The tenant the jobs belong to: its API keys see them in {@code GET /v1/jobs/{id}}, its secrets sign webhooks. */
        public Builder tenant(String tenant) {
            this.tenant = tenant;
            return this;
        }

        /** For replays only: a {@code kinfer.results.replay.<run>} topic the results go to instead of kinfer.results. */
        public Builder resultTopic(String resultTopic) {
            if (!Topics.RESULTS.equals(resultTopic) && !Topics.REPLAY_RESULTS.matcher(resultTopic).matches()) {
                throw new IllegalArgumentException("results go to " + Topics.RESULTS + " or a replay's topic, not " + resultTopic);
            }
            this.resultTopic = resultTopic;
            return this;
        }

        /** Connects: the results topic's end is read now, so no result of a request sent later is missed. */
        public KinferClient build() {
            Objects.requireNonNull(kafka, "kafka");
            Objects.requireNonNull(registry, "registry");
            Objects.requireNonNull(store, "store");
            if (tenant == null || !RequestRecords.TENANT.matcher(tenant).matches()) {
                throw new IllegalArgumentException("a tenant name (" + RequestRecords.TENANT + ") is required, got " + tenant);
            }
            return new KinferClient(this);
        }
    }
}
