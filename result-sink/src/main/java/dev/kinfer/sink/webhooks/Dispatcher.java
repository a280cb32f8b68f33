package dev.kinfer.sink.webhooks;

import dev.kinfer.schemas.Topics;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes deliveries from {@code kinfer.webhooks} and its retry topics and hands each to its own virtual thread
 * ({@link Deliverer}), so that no delivery waits for another. A retry topic's record that is not due yet pauses its
 * partition until it is (the records behind it are due no sooner: see {@link RetrySchedule}); too many deliveries
 * under way pauses everything. Offsets are committed up to the oldest delivery not yet ended, so deliveries pending
 * when the process dies are made after it restarts: at least once, the same {@code webhook-id} each time.
 */
public final class Dispatcher implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration COMMIT_EVERY = Duration.ofMillis(500);
    private static final Duration STALLED_AFTER = Duration.ofSeconds(30);
    private static final Duration DRAIN = Duration.ofSeconds(20);

    private final Consumer<String, byte[]> consumer;
    private final Deliverer deliverer;
    private final RetrySchedule schedule;
    private final Clock clock;
    private final int maxUnderWay;
    private final OffsetTracker offsets = new OffsetTracker();
    private final ExecutorService attempts = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<TopicPartition, Long> waitingUntil = new HashMap<>();
    private final Set<TopicPartition> assigned = new HashSet<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private volatile long lastLoopAt;
    private volatile boolean lastLoopFailed;
    private long lastCommitAt;

    Dispatcher(Consumer<String, byte[]> consumer, Deliverer deliverer, RetrySchedule schedule, Clock clock, int maxUnderWay,
               WebhookMetrics metrics) {
        this.consumer = consumer;
        this.deliverer = deliverer;
        this.schedule = schedule;
        this.clock = clock;
        this.maxUnderWay = maxUnderWay;
        this.lastLoopAt = clock.millis();
        metrics.underWay(offsets::underWay);
    }

    /** The topics deliveries are taken from: new ones and one retry topic per step of the schedule. */
    public static List<String> topics(RetrySchedule schedule) {
        List<String> topics = new ArrayList<>(List.of(Topics.WEBHOOKS));
        schedule.steps().forEach(step -> topics.add(Topics.webhookRetry(step)));
        return topics;
    }

    @Override
    public void run() {
        try {
            consumer.subscribe(topics(schedule), new Rebalance());
            while (running.get()) {
                try {
                    loopOnce();
                    lastLoopFailed = false;
                } catch (WakeupException e) {
                    throw e;
                } catch (RuntimeException e) {
                    // A failed commit or poll (the broker away, a rebalance under way) is retried; readiness reports it.
                    lastLoopFailed = true;
                    log.error("webhook dispatcher loop failed; going on", e);
                    sleep(Duration.ofSeconds(1));
                }
                lastLoopAt = clock.millis();
            }
        } catch (WakeupException e) {
            if (running.get()) {
                log.error("webhook dispatcher woken up while running", e);
            }
        } finally {
            drainAndCommit();
            consumer.close();
        }
    }

    /** Whether deliveries are being taken: the loop turns and its last turn went through. */
    public boolean healthy() {
        return running.get() && !lastLoopFailed && clock.millis() - lastLoopAt < STALLED_AFTER.toMillis();
    }

    public void stop() {
        running.set(false);
        consumer.wakeup();
    }

    private void loopOnce() {
        resumeWhatIsDue();
        ConsumerRecords<String, byte[]> records = consumer.poll(POLL);
        for (TopicPartition partition : records.partitions()) {
            take(partition, records.records(partition));
        }
        pauseOrResume();
        commitIfDue();
    }

    /** Starts each record's delivery in order, up to the first that is not due yet. */
    private void take(TopicPartition partition, List<ConsumerRecord<String, byte[]>> records) {
        long now = clock.millis();
        for (ConsumerRecord<String, byte[]> record : records) {
            WebhookDelivery delivery = read(record);
            if (delivery != null && delivery.notBefore() > now) {
                consumer.seek(partition, record.offset());
                waitingUntil.put(partition, delivery.notBefore());
                return;
            }
            offsets.started(partition, record.offset());
            if (delivery == null) {
                offsets.finished(partition, record.offset());
                continue;
            }
            attempts.execute(() -> attemptUntilItsOutcomeIsKept(partition, record.offset(), delivery));
        }
    }

    /** A record no delivery can be made from (garbage, a tombstone) is skipped, and said so. */
    private static WebhookDelivery read(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            return null;
        }
        try {
            WebhookDelivery delivery = WebhookTopics.JSON.readValue(record.value(), WebhookDelivery.class);
            if (delivery.wellFormed()) {
                return delivery;
            }
            log.error("skipping record {}-{}@{}: not a webhook delivery", record.topic(), record.partition(), record.offset());
        } catch (IOException e) {
            log.error("skipping record {}-{}@{}: not a webhook delivery: {}", record.topic(), record.partition(), record.offset(),
                    e.getMessage());
        }
        return null;
    }

    /**
     * The delivery's record is let go only once its outcome is in Kafka; while Kafka does not take it, the attempt is
     * made again after a pause (the receiver may see the delivery twice, with the same {@code webhook-id}).
     */
    private void attemptUntilItsOutcomeIsKept(TopicPartition partition, long offset, WebhookDelivery delivery) {
        for (int failures = 0; running.get(); failures++) {
            try {
                deliverer.attempt(delivery);
                offsets.finished(partition, offset);
                return;
            } catch (RuntimeException e) {
                log.error("webhook {} for job {}: its outcome could not be kept; trying again", delivery.deliveryId(), delivery.jobId(), e);
                sleep(Duration.ofMillis(Math.min(30_000, 500L << Math.min(failures, 6))));
            }
        }
        // Stopping: the record stays uncommitted and is taken again at the next start.
    }

    private void resumeWhatIsDue() {
        long now = clock.millis();
        waitingUntil.values().removeIf(due -> due <= now);
    }

    /** Paused: partitions waiting for their next record to come due, and all of them while too much is under way. */
    private void pauseOrResume() {
        Set<TopicPartition> wanted = new HashSet<>(waitingUntil.keySet());
        if (offsets.underWay() >= maxUnderWay) {
            wanted.addAll(assigned);
        }
        Set<TopicPartition> paused = consumer.paused();
        List<TopicPartition> toResume = paused.stream().filter(p -> !wanted.contains(p)).toList();
        List<TopicPartition> toPause = wanted.stream().filter(p -> assigned.contains(p) && !paused.contains(p)).toList();
        if (!toResume.isEmpty()) {
            consumer.resume(toResume);
        }
        if (!toPause.isEmpty()) {
            consumer.pause(toPause);
        }
    }

    private void commitIfDue() {
        long now = clock.millis();
        if (now - lastCommitAt >= COMMIT_EVERY.toMillis()) {
            commit(offsets.toCommit());
            lastCommitAt = now;
        }
    }

    private void commit(Map<TopicPartition, OffsetAndMetadata> toCommit) {
        if (!toCommit.isEmpty()) {
            consumer.commitSync(toCommit);
            offsets.committed(toCommit);
        }
    }

    /** On the way out: give deliveries under way a moment to end, and commit what did. */
    private void drainAndCommit() {
        attempts.shutdown();
        try {
            if (!attempts.awaitTermination(DRAIN.toMillis(), TimeUnit.MILLISECONDS)) {
                attempts.shutdownNow();
            }
            commit(offsets.toCommit());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.warn("final commit of webhook offsets failed; those deliveries are made again at the next start: {}", e.toString());
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Partitions leaving this instance: their deliveries under way end first, then their offsets are committed. */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            long deadline = clock.millis() + DRAIN.toMillis();
            while (partitions.stream().anyMatch(p -> offsets.underWay(p) > 0) && clock.millis() < deadline) {
                sleep(Duration.ofMillis(50));
            }
            try {
                Map<TopicPartition, OffsetAndMetadata> toCommit = offsets.toCommit();
                toCommit.keySet().retainAll(partitions);
                commit(toCommit);
            } catch (RuntimeException e) {
                log.warn("commit on revocation failed; those deliveries may be made again: {}", e.toString());
            }
            partitions.forEach(p -> {
                offsets.forget(p);
                waitingUntil.remove(p);
                assigned.remove(p);
            });
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            assigned.addAll(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            partitions.forEach(p -> {
                offsets.forget(p);
                waitingUntil.remove(p);
                assigned.remove(p);
            });
        }
    }
}
