package dev.kinfer.stack;

import dev.kinfer.schemas.ImageRef;
import dev.kinfer.schemas.InferenceRequest;
import dev.kinfer.schemas.InferenceResult;
import dev.kinfer.schemas.KafkaConnection;
import dev.kinfer.schemas.serde.AvroDeserializer;
import dev.kinfer.schemas.serde.AvroSerializer;
import dev.kinfer.schemas.serde.SchemaRegistryClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The benches' Kafka-side client: produces requests straight to a model's topic (as a Kafka-native client does)
 * and reads their results from {@code kinfer.results} (read_committed), timing each from send to receipt on this
 * JVM's clock.
 */
final class KafkaLoad implements AutoCloseable {
    /** One measured load level. */
    record Run(String label, double offered, int requests, double throughput, double p50, double p95, double p99,
               double meanBatch, double overheadP50, String breakdown) {
    }

    private final String model;
    private final KafkaProducer<String, byte[]> producer;
    private final KafkaConsumer<String, byte[]> consumer;
    private final AvroSerializer<InferenceRequest> writer;
    private final AvroDeserializer<InferenceResult> reader;
    private final Map<String, Long> sentAt = new ConcurrentHashMap<>();
    private final int partitions;
    private int sent;
    // per result: latency ms, batch size, inference ms, queued ms, fetch ms, completed-to-received ms
    private final List<double[]> done = new ArrayList<>();
    private long firstSent;
    private long lastReceived;

    KafkaLoad(KafkaConnection kafka, SchemaRegistryClient registry, String model) {
        this.model = model;
        this.writer = new AvroSerializer<>(registry);
        this.reader = new AvroDeserializer<>(registry, InferenceResult.class);
        producer = new KafkaProducer<>(kafka.clientConfig(Map.of(ProducerConfig.LINGER_MS_CONFIG, 0)), new StringSerializer(),
                new ByteArraySerializer());
        partitions = producer.partitionsFor("kinfer.requests." + model).size();
        consumer = new KafkaConsumer<>(kafka.clientConfig(Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")),
                new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> resultPartitions = consumer.partitionsFor("kinfer.results").stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(resultPartitions);
        consumer.seekToEnd(resultPartitions);
        resultPartitions.forEach(consumer::position); // resolve the end now, before any request is sent
    }

    void send(ImageRef image) {
        String id = UUID.randomUUID().toString();
        String topic = "kinfer.requests." + model;
        InferenceRequest request = InferenceRequest.newBuilder().setRequestId(id).setTenant("bench").setModel(model)
                .setInputs(List.of(image)).setSubmittedAt(Instant.now()).setCacheKey(id).build();
        long now = System.nanoTime();
        if (sentAt.isEmpty() && done.isEmpty()) {
            firstSent = now;
        }
        sentAt.put(id, now);
        // Spread evenly, so that the run measures the workers rather than how keys happened to hash.
        producer.send(new ProducerRecord<>(topic, sent++ % partitions, id, writer.serialize(topic, request)));
    }

    void collect(Duration timeout) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(timeout)) {
            Long sent = sentAt.remove(record.key());
            if (sent != null) {
                lastReceived = System.nanoTime();
                InferenceResult result = reader.deserialize(record.topic(), record.value());
                done.add(new double[] {(lastReceived - sent) / 1e6, result.getTimings().getBatchSize(),
                        result.getTimings().getInferenceMs(), result.getTimings().getQueuedMs(), result.getTimings().getFetchMs(),
                        Duration.between(result.getCompletedAt(), Instant.now()).toMillis()});
            }
        }
    }

    void awaitAll(Duration timeout) {
        producer.flush();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!sentAt.isEmpty() && System.nanoTime() < deadline) {
            collect(Duration.ofMillis(5));
        }
        if (!sentAt.isEmpty()) {
            throw new IllegalStateException(sentAt.size() + " results missing after " + timeout);
        }
    }

    Run summary(String label, double offered) {
        double[] latencies = done.stream().mapToDouble(d -> d[0]).sorted().toArray();
        double[] overheads = done.stream().mapToDouble(d -> d[0] - d[2]).sorted().toArray();
        double seconds = (lastReceived - firstSent) / 1e9;
        double meanBatch = done.stream().mapToDouble(d -> d[1]).average().orElse(0);
        String breakdown = String.format(Locale.ROOT, "end to end %.0f ms = queued until its batch started (incl. the max "
                        + "delay) %.0f ms + awaiting inputs %.0f ms + model %.0f ms + output encode and store %.0f ms + transaction "
                        + "commit and delivery to the client %.0f ms", median(0), median(3), median(4), median(2),
                median(0) - median(3) - median(4) - median(2) - median(5), median(5));
        return new Run(label, offered, done.size(), done.size() / seconds, percentile(latencies, 50), percentile(latencies, 95),
                percentile(latencies, 99), meanBatch, offered == 0 && label.startsWith("one") ? percentile(overheads, 50) : Double.NaN,
                breakdown);
    }

    private double median(int field) {
        return percentile(done.stream().mapToDouble(d -> d[field]).sorted().toArray(), 50);
    }

    @Override
    public void close() {
        producer.close();
        consumer.close();
    }

    static double percentile(double[] sorted, int p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
