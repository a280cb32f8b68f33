package dev.kinfer.schemas;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a compacted topic from its start on a background thread, record after record, for a process that keeps
 * a view of it (the model catalogue, the face gallery). No consumer group: every reader sees every record.
 */
public final class CompactedTopicReader implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CompactedTopicReader.class);

    private final String topic;
    private final KafkaConsumer<String, byte[]> consumer;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread reader;

    /** Starts reading; {@code onRecord} gets each record (a null value is a deletion) on the reader's thread. */
    public CompactedTopicReader(KafkaConnection kafka, String topic, Consumer<ConsumerRecord<String, byte[]>> onRecord) {
        this.topic = topic;
        consumer = new KafkaConsumer<>(kafka.clientConfig(Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")),
                new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        if (partitions.isEmpty()) {
            consumer.close();
            throw new IllegalStateException(topic + " does not exist: create it before reading it");
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        reader = Thread.ofPlatform().daemon().name("read-" + topic).start(() -> read(end, onRecord));
    }

    /** Waits until everything in the topic when reading started has been handed over. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void read(Map<TopicPartition, Long> end, Consumer<ConsumerRecord<String, byte[]>> onRecord) {
        try {
            markIfCaughtUp(end);
            while (running.get()) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    try {
                        onRecord.accept(record);
                    } catch (RuntimeException e) {
                        log.warn("skipping record {} of {} at offset {}: {}", record.key(), topic, record.offset(), e.toString());
                    }
                }
                markIfCaughtUp(end);
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            log.error("stopped reading {}", topic, e);
        } finally {
            consumer.close();
        }
    }

    private void markIfCaughtUp(Map<TopicPartition, Long> end) {
        if (caughtUp.getCount() > 0 && end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
            caughtUp.countDown();
        }
    }

    @Override
    public void close() {
        running.set(false);
        consumer.wakeup();
        try {
            reader.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
