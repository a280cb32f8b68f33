package dev.kinfer.stack;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads the records a topic received in a span of time, every partition from its first record at or after
 * {@code from} to its last before {@code to} (or its end as it is when the read starts), with an assigned consumer
 * (no group, nothing committed) that is used for nothing else.
 */
final class TopicRange {
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    private TopicRange() {
    }

    static void read(KafkaConsumer<String, byte[]> consumer, String topic, Instant from, Instant to, Duration timeout,
                     Consumer<ConsumerRecord<String, byte[]>> each) {
        List<TopicPartition> partitions = consumer.partitionsFor(topic, CALL_TIMEOUT).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        if (partitions.isEmpty()) {
            throw new IllegalArgumentException("there is no topic " + topic);
        }
        consumer.assign(partitions);
        // Under read_committed the end offsets are the last stable ones: nothing still in a transaction is waited for.
        Map<TopicPartition, Long> stops = new HashMap<>(consumer.endOffsets(partitions, CALL_TIMEOUT));
        if (to != null) {
            consumer.offsetsForTimes(at(partitions, to), CALL_TIMEOUT).forEach((partition, found) -> {
                if (found != null) {
                    stops.put(partition, found.offset());
                }
            });
        }
        Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(at(partitions, from), CALL_TIMEOUT);
        Set<TopicPartition> remaining = new HashSet<>();
        for (TopicPartition partition : partitions) {
            OffsetAndTimestamp start = starts.get(partition);
            if (start != null && start.offset() < stops.get(partition)) {
                remaining.add(partition);
            }
        }
        consumer.pause(partitions.stream().filter(partition -> !remaining.contains(partition)).toList());
        remaining.forEach(partition -> consumer.seek(partition, starts.get(partition).offset()));
        long giveUpAt = System.nanoTime() + timeout.toNanos();
        while (!remaining.isEmpty()) {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                if (record.offset() < stops.get(new TopicPartition(record.topic(), record.partition()))) {
                    each.accept(record);
                }
            }
            remaining.removeIf(partition -> consumer.position(partition) >= stops.get(partition));
            if (System.nanoTime() > giveUpAt) {
                throw new IllegalStateException("reading " + topic + " took longer than " + timeout);
            }
        }
    }

    private static Map<TopicPartition, Long> at(List<TopicPartition> partitions, Instant time) {
        return partitions.stream().collect(Collectors.toMap(p -> p, p -> time.toEpochMilli()));
    }
}
