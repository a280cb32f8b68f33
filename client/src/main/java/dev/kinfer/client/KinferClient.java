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
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

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
    private static final long MAX_PIXELS = 100_000_000L;

    private final String tenant;
    private final String resultTopic;
    private final ObjectStore store;
    private final KafkaProducer<String, byte[]> producer;
    private final AvroSerializer<InferenceRequest> requests;
    private final ResultReader results;
    private final ImageDecoder images = new ImageDecoder(MAX_PIXELS);

    private KinferClient(Builder builder) {
        this.tenant = builder.tenant;
        this.resultTopic = builder.resultTopic;
        SchemaRegistryClient registry = new SchemaRegistryClient(builder.registry);
        this.store = new ObjectStore(builder.store);
        this.results = new ResultReader(builder.kafka, registry, resultTopic);
        this.requests = new AvroSerializer<>(registry);
        this.producer = new KafkaProducer<>(builder.kafka.clientConfig(Map.of(
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 1)), new StringSerializer(), new ByteArraySerializer());
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

    /** Produces the request; its future completes with the result (or fails with a {@link KinferJobException}). */
    public CompletableFuture<InferenceResult> submit(Submission submission) {
        InferenceRequest request = request(submission);
        String topic = Topics.requests(submission.model());
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
     * unfinished or finished but not yet taken by the subscriber: a slow model or a slow subscriber slows the reading
     * of {@code images}, and memory stays bounded however many there are. Each image's {@link Outcome} is published
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

    /** Requests sent whose results have not come yet. */
    public int waiting() {
        return results.waiting();
    }

    /** Stops reading results: futures still waiting fail with a {@link java.util.concurrent.CancellationException}. */
    @Override
    public void close() {
        producer.close();
        results.close();
        store.close();
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
