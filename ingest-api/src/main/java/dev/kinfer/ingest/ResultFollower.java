package dev.kinfer.ingest;

import dev.kinfer.schemas.InferenceResult;
import dev.kinfer.schemas.JobStarted;
import dev.kinfer.schemas.KafkaConnection;
import dev.kinfer.schemas.Topics;
import dev.kinfer.schemas.serde.AvroDeserializer;
import dev.kinfer.schemas.serde.SchemaRegistryClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows {@link Topics#RESULTS} as a {@code read_committed} reader from the moment this instance starts (every
 * partition, no consumer group: each ingest instance sees every result) and hands each result to the
 * {@link JobTracker}, so a waiting client is answered as soon as the worker's transaction commits, and to the
 * {@link ResultCache}. It starts one cache lifetime back, so a restarted instance answers from the cache at once.
 * It follows {@link Topics#PROGRESS} too, from its end, so a client watching a job sees it start.
 */
final class ResultFollower implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ResultFollower.class);
    private static final Duration POLL = Duration.ofMillis(500);
    /** New partitions of the results topic are picked up within this. */
    private static final Duration REFRESH_PARTITIONS = Duration.ofSeconds(30);

    private final KafkaConsumer<String, byte[]> consumer;
    private final AvroDeserializer<InferenceResult> results;
    private final AvroDeserializer<JobStarted> progress;
    private final JobTracker tracker;
    private final ResultCache cache;
    private final Thread thread;
    private volatile boolean running = true;
    private KafkaClientMetrics consumerMetrics; // guarded by this

    ResultFollower(KafkaConnection kafka, SchemaRegistryClient registry, JobTracker tracker, ResultCache cache) {
        this.consumer = new KafkaConsumer<>(kafka.clientConfig(Map.of(
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest")),
                new StringDeserializer(), new ByteArrayDeserializer());
        this.results = new AvroDeserializer<>(registry, InferenceResult.class);
        this.progress = new AvroDeserializer<>(registry, JobStarted.class);
        this.tracker = tracker;
        this.cache = cache;
        assignAll();
        // Positions are fixed now, before the first job is accepted, so no result of this instance's jobs is missed.
        long since = Instant.now().minus(cache.ttl()).toEpochMilli();
        Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(consumer.assignment().stream()
                .filter(p -> p.topic().equals(Topics.RESULTS)).collect(Collectors.toMap(p -> p, p -> since)));
        starts.forEach((partition, start) -> {
            if (start != null) {
                consumer.seek(partition, start.offset());
            }
        });
        consumer.seekToEnd(consumer.assignment().stream().filter(p -> p.topic().equals(Topics.PROGRESS)).toList());
        consumer.assignment().forEach(consumer::position);
        this.thread = Thread.ofPlatform().name("result-follower").daemon().unstarted(this::run);
    }

    void start() {
        thread.start();
    }

    /** Publishes the consumer's own metrics ({@code kafka_consumer_*}, its lag among them) to {@code registry}. */
    synchronized void bindMetrics(MeterRegistry registry) {
        if (consumerMetrics != null) {
            consumerMetrics.close();
        }
        consumerMetrics = new KafkaClientMetrics(consumer);
        consumerMetrics.bindTo(registry);
    }

    private void run() {
        Instant refreshAt = Instant.now().plus(REFRESH_PARTITIONS);
        try {
            while (running) {
                try {
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                        hand(record);
                    }
                    if (Instant.now().isAfter(refreshAt)) {
                        assignAll();
                        refreshAt = Instant.now().plus(REFRESH_PARTITIONS);
                    }
                } catch (WakeupException e) {
                    // close() asked us to stop
                } catch (RuntimeException e) {
                    // A broker that is away: waiting clients time out into a 202 or a pending status, nothing is lost.
                    log.warn("following {} and {} failed; trying again: {}", Topics.RESULTS, Topics.PROGRESS, e.toString());
                    sleep();
                }
            }
        } finally {
            consumer.close();
        }
    }

    private void hand(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            return;
        }
        try {
            if (record.topic().equals(Topics.PROGRESS)) {
                tracker.started(progress.deserialize(record.topic(), record.value()));
                return;
            }
            InferenceResult result = results.deserialize(record.topic(), record.value());
            cache.offer(result);
            tracker.completed(result);
        } catch (RuntimeException e) {
            log.warn("skipping unreadable record {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.getMessage());
        }
    }

    /** Every partition of the results and progress topics; newly added ones are read from their start. */
    private void assignAll() {
        Set<TopicPartition> partitions = Stream.of(Topics.RESULTS, Topics.PROGRESS).flatMap(topic -> consumer.partitionsFor(topic).stream())
                .map(info -> new TopicPartition(info.topic(), info.partition())).collect(Collectors.toSet());
        Set<TopicPartition> added = partitions.stream().filter(p -> !consumer.assignment().contains(p)).collect(Collectors.toSet());
        if (!added.isEmpty()) {
            boolean first = consumer.assignment().isEmpty();
            consumer.assign(List.copyOf(partitions));
            if (!first) {
                consumer.seekToBeginning(added);
            }
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            if (consumerMetrics != null) {
                consumerMetrics.close();
                consumerMetrics = null;
            }
        }
        running = false;
        consumer.wakeup();
        try {
            thread.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
