package dev.kinfer.sink.webhooks;

import java.util.HashMap;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Which offsets may be committed while deliveries of one partition finish out of order: up to the oldest delivery
 * still under way, so that a restart redoes only what had not ended. Each assignment of a partition is a new
 * generation: a delivery still running from an earlier one cannot mark work of the current one finished.
 * Thread-safe: deliveries finish on their own threads, the poll loop reads.
 */
final class OffsetTracker {
    private static final class Progress {
        final long generation;
        final NavigableSet<Long> underWay = new TreeSet<>();
        long next;

        Progress(long generation, long next) {
            this.generation = generation;
            this.next = next;
        }
    }

    private final Map<TopicPartition, Progress> partitions = new HashMap<>();
    private final Map<TopicPartition, Long> committed = new HashMap<>();
    private long generations;

    /** The record at {@code offset} was taken up; returns the token to hand back to {@link #finished}. */
    synchronized long started(TopicPartition partition, long offset) {
        Progress progress = partitions.computeIfAbsent(partition, p -> new Progress(++generations, offset));
        progress.underWay.add(offset);
        progress.next = Math.max(progress.next, offset + 1);
        return progress.generation;
    }

    synchronized void finished(TopicPartition partition, long offset, long generation) {
        Progress progress = partitions.get(partition);
        if (progress != null && progress.generation == generation) {
            progress.underWay.remove(offset);
        }
    }

    synchronized int underWay() {
        return partitions.values().stream().mapToInt(p -> p.underWay.size()).sum();
    }

    synchronized int underWay(TopicPartition partition) {
        Progress progress = partitions.get(partition);
        return progress == null ? 0 : progress.underWay.size();
    }

    /** The offsets to commit now: only those that moved since the last call. */
    synchronized Map<TopicPartition, OffsetAndMetadata> toCommit() {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        partitions.forEach((partition, progress) -> {
            long safe = progress.underWay.isEmpty() ? progress.next : progress.underWay.first();
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

    /** The partition went to another instance (or away and back): its deliveries under way count no more. */
    synchronized void forget(TopicPartition partition) {
        partitions.remove(partition);
        committed.remove(partition);
    }
}
