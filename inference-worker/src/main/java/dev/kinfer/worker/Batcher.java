package dev.kinfer.worker;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;

/**
 * Dynamic batching: jobs wait in one FIFO queue per shape bucket (a batch never mixes shapes, so nothing is
 * padded or resized to fit); a bucket is ready when it holds {@code maxBatchSize} jobs or its oldest job has
 * waited {@code maxDelay}. Alone, a request waits at most {@code maxDelay}; under load batches fill up.
 */
final class Batcher {
    private final int maxBatchSize;
    private final Duration maxDelay;
    private final Map<String, Deque<Job>> buckets = new LinkedHashMap<>();
    private int size;

    Batcher(int maxBatchSize, Duration maxDelay) {
        this.maxBatchSize = maxBatchSize;
        this.maxDelay = maxDelay;
    }

    void add(Job job) {
        buckets.computeIfAbsent(job.bucket(), b -> new ArrayDeque<>()).addLast(job);
        size++;
    }

    int size() {
        return size;
    }

    /** The ready batch whose oldest job has waited longest, if any bucket is ready at {@code now}. */
    Optional<List<Job>> nextReady(Instant now) {
        Deque<Job> chosen = null;
        for (Deque<Job> queue : buckets.values()) {
            boolean ready = queue.size() >= maxBatchSize || !queue.peekFirst().enqueuedAt().plus(maxDelay).isAfter(now);
            if (ready && (chosen == null || queue.peekFirst().enqueuedAt().isBefore(chosen.peekFirst().enqueuedAt()))) {
                chosen = queue;
            }
        }
        if (chosen == null) {
            return Optional.empty();
        }
        List<Job> batch = new ArrayList<>(Math.min(maxBatchSize, chosen.size()));
        while (batch.size() < maxBatchSize && !chosen.isEmpty()) {
            batch.add(chosen.pollFirst());
        }
        size -= batch.size();
        buckets.values().removeIf(Deque::isEmpty);
        return Optional.of(batch);
    }

    /** How long until some bucket is ready by age; {@code maxDelay} when empty. */
    Duration timeUntilReady(Instant now) {
        Duration wait = maxDelay;
        for (Deque<Job> queue : buckets.values()) {
            if (queue.size() >= maxBatchSize) {
                return Duration.ZERO;
            }
            Duration left = Duration.between(now, queue.peekFirst().enqueuedAt().plus(maxDelay));
            wait = left.isNegative() ? Duration.ZERO : (left.compareTo(wait) < 0 ? left : wait);
        }
        return wait;
    }

    /** Drops the jobs of partitions this worker no longer owns; returns them so their fetches can be cancelled. */
    List<Job> remove(Collection<TopicPartition> partitions) {
        List<Job> removed = new ArrayList<>();
        for (Deque<Job> queue : buckets.values()) {
            for (Iterator<Job> it = queue.iterator(); it.hasNext(); ) {
                Job job = it.next();
                if (partitions.contains(job.partition())) {
                    removed.add(job);
                    it.remove();
                }
            }
        }
        size -= removed.size();
        buckets.values().removeIf(Deque::isEmpty);
        return removed;
    }

    List<Job> clear() {
        List<Job> all = new ArrayList<>();
        buckets.values().forEach(all::addAll);
        buckets.clear();
        size = 0;
        return all;
    }
}
