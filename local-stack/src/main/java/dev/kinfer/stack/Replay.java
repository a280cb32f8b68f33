package dev.kinfer.stack;

import dev.kinfer.schemas.InferenceRequest;
import dev.kinfer.schemas.InferenceResult;
import dev.kinfer.schemas.KafkaConnection;
import dev.kinfer.schemas.RequestRecords;
import dev.kinfer.schemas.TopicAdmin;
import dev.kinfer.schemas.Topics;
import dev.kinfer.schemas.serde.AvroDeserializer;
import dev.kinfer.schemas.serde.AvroSerializer;
import dev.kinfer.schemas.serde.RegistryConnection;
import dev.kinfer.schemas.serde.SchemaRegistryClient;
import dev.kinfer.store.ObjectStore;
import dev.kinfer.store.S3Uri;
import dev.kinfer.store.StoreConfig;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * {@code ./kinfer replay}: shadow-tests a model version on real past traffic. The requests a model's topic received
 * in a span of time (as long as the topic keeps them) are sent again, pinned to the chosen version, with their
 * results going to a topic of the run's own ({@code kinfer.results.replay.<run>}) so that no live client, cache or
 * webhook ever sees them; then each is compared with the original result ({@link ReplayComparison}).
 */
final class Replay {
    private static final int REPLAY_TOPIC_PARTITIONS = 4;
    private static final Duration REPLAY_TOPIC_RETENTION = Duration.ofDays(7);

    /**
     * @param version null for the version current when each replayed request is run
     * @param timeout how long the whole run may take: reading, replaying and comparing
     */
    record Options(String model, Instant from, Instant to, String version, String run, Duration timeout) {
    }

    /** One replayed request: the original result (null if none was found) and the replay's. */
    record Outcome(InferenceRequest original, InferenceResult originalResult, InferenceResult replayed,
                   ReplayComparison.Verdict verdict) {
    }

    private final KafkaConnection kafka;
    private final SchemaRegistryClient registry;
    private final StoreConfig store;

    Replay(KafkaConnection kafka, RegistryConnection registry, StoreConfig store) {
        this.kafka = kafka;
        this.registry = new SchemaRegistryClient(registry);
        this.store = store;
    }

    List<Outcome> run(Options options) {
        String resultTopic = Topics.replayResults(options.run());
        List<InferenceRequest> originals = requests(options);
        try (Admin admin = Admin.create(kafka.clientConfig(Map.of()))) {
            TopicAdmin.ensure(admin, List.of(new TopicAdmin.Spec(resultTopic, REPLAY_TOPIC_PARTITIONS,
                    Map.of(TopicConfig.RETENTION_MS_CONFIG, Long.toString(REPLAY_TOPIC_RETENTION.toMillis())))), Duration.ofSeconds(30));
        }
        Map<String, InferenceResult> replayed = replay(originals, options, resultTopic);
        Map<String, InferenceResult> originalResults = results(originals, options);
        try (ObjectStore objects = new ObjectStore(store)) {
            List<Outcome> outcomes = new ArrayList<>();
            for (InferenceRequest original : originals) {
                InferenceResult before = originalResults.get(original.getRequestId());
                InferenceResult after = replayed.get(original.getRequestId());
                ReplayComparison.Verdict verdict = before == null ? null : ReplayComparison.compare(before, after, ref -> image(objects, ref.getUri()));
                outcomes.add(new Outcome(original, before, after, verdict));
            }
            return outcomes;
        }
    }

    /** The requests the model's topic received in the span, as their producers sent them; earlier replays' left out. */
    private List<InferenceRequest> requests(Options options) {
        AvroDeserializer<InferenceRequest> reader = new AvroDeserializer<>(registry, InferenceRequest.class);
        Map<String, InferenceRequest> requests = new LinkedHashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            TopicRange.read(consumer, Topics.requests(options.model()), options.from(), options.to(), options.timeout(), record -> {
                try {
                    InferenceRequest request = reader.deserialize(record.topic(), record.value());
                    if (request != null && RequestRecords.unanswerable(request) == null && request.getResultTopic() == null) {
                        requests.putIfAbsent(request.getRequestId(), request); // a producer's retry sent it twice
                    }
                } catch (SerializationException e) {
                    // dead-lettered by the worker when it was live: nothing to replay
                }
            });
        }
        return List.copyOf(requests.values());
    }

    /** Each original request's result, from the span's start until now. */
    private Map<String, InferenceResult> results(List<InferenceRequest> originals, Options options) {
        AvroDeserializer<InferenceResult> reader = new AvroDeserializer<>(registry, InferenceResult.class);
        Map<String, InferenceResult> results = new HashMap<>();
        originals.forEach(request -> results.put(request.getRequestId(), null));
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            TopicRange.read(consumer, Topics.RESULTS, options.from(), null, options.timeout(), record -> {
                if (record.key() != null && results.containsKey(record.key()) && record.value() != null) {
                    try {
                        results.put(record.key(), reader.deserialize(record.topic(), record.value()));
                    } catch (SerializationException e) {
                        // not a result anyone could read
                    }
                }
            });
        }
        results.values().removeIf(Objects::isNull);
        return results;
    }

    /**
     * Sends every original again under a new id, pinned to the version, with no callback or deadline, and reads the
     * run's topic until each has its result; keyed by the original's id.
     */
    private Map<String, InferenceResult> replay(List<InferenceRequest> originals, Options options, String resultTopic) {
        Map<String, String> originalIds = new HashMap<>();
        AvroSerializer<InferenceRequest> writer = new AvroSerializer<>(registry);
        String requestTopic = Topics.requests(options.model());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.clientConfig(Map.of(
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.ACKS_CONFIG, "all")),
                new StringSerializer(), new ByteArraySerializer())) {
            for (InferenceRequest original : originals) {
                InferenceRequest again = replayOf(original, options, resultTopic);
                originalIds.put(again.getRequestId(), original.getRequestId());
                producer.send(new ProducerRecord<>(requestTopic, again.getRequestId(), writer.serialize(requestTopic, again)));
            }
            producer.flush();
        }
        AvroDeserializer<InferenceResult> reader = new AvroDeserializer<>(registry, InferenceResult.class);
        Map<String, InferenceResult> results = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = consumer.partitionsFor(resultTopic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(resultTopic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long giveUpAt = System.nanoTime() + options.timeout().toNanos();
            while (results.size() < originals.size()) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    String originalId = originalIds.get(record.key());
                    if (originalId != null && record.value() != null) {
                        results.put(originalId, reader.deserialize(record.topic(), record.value()));
                    }
                }
                if (System.nanoTime() > giveUpAt) {
                    throw new IllegalStateException((originals.size() - results.size()) + " of " + originals.size()
                            + " replayed requests had no result within " + options.timeout() + "; is a worker of " + options.model()
                            + (options.version() == null ? "" : " serving version " + options.version()) + " running?");
                }
            }
        }
        return results;
    }

    /**
     * The original as the run sends it again: a new id (so its outputs go elsewhere, and a run of the same name again
     * is told apart), the run's topic, no callback and no deadline.
     */
    private static InferenceRequest replayOf(InferenceRequest original, Options options, String resultTopic) {
        return InferenceRequest.newBuilder()
                .setRequestId("replay-" + options.run() + "-" + UUID.randomUUID())
                .setTenant(original.getTenant())
                .setModel(original.getModel())
                .setModelVersion(options.version())
                .setInputs(original.getInputs())
                .setParams(original.getParams())
                .setPriority(original.getPriority())
                .setSubmittedAt(Instant.now())
                .setCacheKey(original.getCacheKey())
                .setTraceparent(original.getTraceparent())
                .setResultTopic(resultTopic)
                .build();
    }

    private KafkaConsumer<String, byte[]> consumer() {
        // A mistyped model must not leave a topic behind: asking a broker that allows it about a topic would make one.
        return new KafkaConsumer<>(kafka.clientConfig(Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false, ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false)),
                new StringDeserializer(), new ByteArrayDeserializer());
    }

    private static BufferedImage image(ObjectStore objects, String uri) {
        try {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(objects.get(S3Uri.parse(uri))));
            if (image == null) {
                throw new IOException(uri + " is not an image ImageIO reads");
            }
            return image;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The comparison as a person reads it: totals, then every request that did not agree (the first 20). */
    static String report(Options options, List<Outcome> outcomes) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "replay %s: %d requests to %s from %s to %s, replayed on %s; results on %s%n",
                options.run(), outcomes.size(), options.model(), options.from(), options.to(),
                options.version() == null ? "the current version" : "version " + options.version(), Topics.replayResults(options.run())));
        Map<String, Integer> versions = new LinkedHashMap<>();
        outcomes.stream().filter(o -> o.originalResult() != null)
                .forEach(o -> versions.merge(o.originalResult().getModelVersion() + " -> " + o.replayed().getModelVersion(), 1, Integer::sum));
        versions.forEach((change, count) -> out.append(String.format(Locale.ROOT, "  versions %s: %d%n", change, count)));
        List<Outcome> compared = outcomes.stream().filter(o -> o.verdict() != null).toList();
        long agreeing = compared.stream().filter(o -> o.verdict().agrees()).count();
        out.append(String.format(Locale.ROOT, "  agreement: %d of %d compared (%.1f %%)%n", agreeing, compared.size(),
                compared.isEmpty() ? 0.0 : 100.0 * agreeing / compared.size()));
        double[] differences = compared.stream().filter(o -> o.verdict().pixelDifference() != null)
                .mapToDouble(o -> o.verdict().pixelDifference()).toArray();
        if (differences.length > 0) {
            out.append(String.format(Locale.ROOT, "  image outputs: mean pixel difference %.2f (max %.2f) over %d images, 0 to 255%n",
                    Arrays.stream(differences).average().orElse(0), Arrays.stream(differences).max().orElse(0),
                    differences.length));
        }
        long withoutOriginal = outcomes.size() - compared.size();
        if (withoutOriginal > 0) {
            out.append(String.format(Locale.ROOT, "  %d without an original result (still running, or past kinfer.results' retention)%n",
                    withoutOriginal));
        }
        compared.stream().filter(o -> !o.verdict().agrees()).limit(20).forEach(o -> out.append(String.format(Locale.ROOT,
                "  differs: %s: %s%n", o.original().getRequestId(), o.verdict().detail())));
        return out.toString();
    }
}
