package dev.kinfer.sink.webhooks;

import java.util.HashMap;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Which offsets may be committed while deliveries of one partition finish out of order: up to the oldest delivery
 * still under way, so that a restart redoes only what had not ended. Thread-safe: deliveries finish on their own
 * threads, the poll loop reads.
 */
final class OffsetTracker {
    private record Progress(NavigableSet<Long> underWay, long next) {
    }

    private final Map<TopicPartition, Progress> partitions = new HashMap<>();
    private final Map<TopicPartition, Long> committed = new HashMap<>();

    /** The record at {@code offset} was taken up (a delivery started, or it was skipped). */
    synchronized void started(TopicPartition partition, long offset) {
        Progress progress = partitions.computeIfAbsent(partition, p -> new Progress(new TreeSet<>(), offset));
        progress.underWay().add(offset);
        partitions.put(partition, new Progress(progress.underWay(), Math.max(progress.next(), offset + 1)));
    }

    synchronized void finished(TopicPartition partition, long offset) {
        Progress progress = partitions.get(partition);
        if (progress != null) {
            progress.underWay().remove(offset);
        }
    }

    synchronized int underWay() {
        return partitions.values().stream().mapToInt(p -> p.underWay().size()).sum();
    }

    synchronized int underWay(TopicPartition partition) {
        Progress progress = partitions.get(partition);
        return progress == null ? 0 : progress.underWay().size();
    }

    /** The offsets to commit now: only those that moved since the last call. */
    synchronized Map<TopicPartition, OffsetAndMetadata> toCommit() {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        partitions.forEach((partition, progress) -> {
            long safe = progress.underWay().isEmpty() ? progress.next() : progress.underWay().first();
            if (!Long.valueOf(safe).equals(committed.get(partition))) {
                offsets.put(partition, new OffsetAndMetadata(safe));
            }
        });
        return offsets;
    }

    /** Those offsets were committed. */
    synchronized void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
        offsets.forEach((partition, offset) -> committed.put(partition, offset.offset()));
    }

    /** The partition went to another instance: forget it. */
    synchronized void forget(TopicPartition partition) {
        partitions.remove(partition);
        committed.remove(partition);
    }
}
