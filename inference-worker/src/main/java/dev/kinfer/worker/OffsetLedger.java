package dev.kinfer.worker;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Which consumed records have finished, and what they produced. Batches may finish out of offset order (size
 * buckets, immediate failures), but a transaction may only commit an offset once every record before it has
 * finished: otherwise a crash would replay records whose results were already committed. So outputs wait here
 * until their record is part of a finished prefix of its partition, and leave with that prefix's offset.
 */
final class OffsetLedger {
    private static final List<ProducerRecord<String, byte[]>> PENDING = List.of();

    private final Map<TopicPartition, TreeMap<Long, List<ProducerRecord<String, byte[]>>>> partitions = new HashMap<>();

    /** What one transaction commits: the outputs of finished prefixes and the offsets after them. */
    record Committable(List<ProducerRecord<String, byte[]>> outputs, Map<TopicPartition, OffsetAndMetadata> offsets) {
        boolean isEmpty() {
            return offsets.isEmpty();
        }
    }

    void track(TopicPartition partition, long offset) {
        partitions.computeIfAbsent(partition, p -> new TreeMap<>()).put(offset, PENDING);
    }

    /** Records a finished record's outputs; ignored for partitions no longer owned (revoked while running). */
    void complete(TopicPartition partition, long offset, List<ProducerRecord<String, byte[]>> outputs) {
        TreeMap<Long, List<ProducerRecord<String, byte[]>>> records = partitions.get(partition);
        if (records != null && records.containsKey(offset)) {
            records.put(offset, List.copyOf(outputs));
        }
    }

    /** Removes and returns every finished prefix. */
    Committable drain() {
        return drain(partitions.keySet());
    }

    Committable drain(Collection<TopicPartition> which) {
        List<ProducerRecord<String, byte[]>> outputs = new ArrayList<>();
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition partition : which) {
            TreeMap<Long, List<ProducerRecord<String, byte[]>>> records = partitions.get(partition);
            if (records == null) {
                continue;
            }
            long next = -1;
            for (Iterator<Map.Entry<Long, List<ProducerRecord<String, byte[]>>>> it = records.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<Long, List<ProducerRecord<String, byte[]>>> entry = it.next();
                if (entry.getValue() == PENDING) {
                    break;
                }
                outputs.addAll(entry.getValue());
                next = entry.getKey() + 1;
                it.remove();
            }
            if (next >= 0) {
                offsets.put(partition, new OffsetAndMetadata(next));
            }
        }
        return new Committable(outputs, offsets);
    }

    /** Forgets partitions (revoked or lost); whatever of theirs is still running will be ignored. */
    void forget(Collection<TopicPartition> gone) {
        gone.forEach(partitions::remove);
    }

    void clear() {
        partitions.clear();
    }

    /** Records consumed but not yet committed. */
    int uncommitted() {
        return partitions.values().stream().mapToInt(Map::size).sum();
    }
}
