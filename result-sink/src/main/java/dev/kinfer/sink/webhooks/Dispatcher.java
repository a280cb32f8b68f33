package dev.kinfer.sink.webhooks;

import dev.kinfer.schemas.Topics;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
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
import java.util.regex.Pattern;
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
    private final WebhookTopics topics;
    private final WebhookMetrics metrics;
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

    Dispatcher(Consumer<String, byte[]> consumer, Deliverer deliverer, WebhookTopics topics, RetrySchedule schedule, Clock clock,
               int maxUnderWay, WebhookMetrics metrics) {
        this.consumer = consumer;
        this.deliverer = deliverer;
        this.topics = topics;
        this.metrics = metrics;
        this.schedule = schedule;
        this.clock = clock;
        this.maxUnderWay = maxUnderWay;
        this.lastLoopAt = clock.millis();
        metrics.underWay(offsets::underWay);
    }

    /**
     * The topics deliveries are taken from: new ones and every retry topic, those of steps no longer in the schedule
     * included, so that changing the schedule strands no delivery.
     */
    static final Pattern TOPICS = Pattern.compile(Pattern.quote(Topics.WEBHOOKS) + "(" + Pattern.quote(".retry.") + "\\d+s)?");

    @Override
    public void run() {
        try {
            consumer.subscribe(TOPICS, new Rebalance());
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
        // No delivery waits longer than the longest step and its jitter: a later time is a wrong clock or garbage.
        long latest = now + schedule.steps().getLast().toMillis() * 11 / 10 + Duration.ofMinutes(1).toMillis();
        for (ConsumerRecord<String, byte[]> record : records) {
            WebhookDelivery delivery = read(record);
            if (delivery != null && delivery.notBefore() > now && delivery.notBefore() <= latest) {
                consumer.seek(partition, record.offset());
                waitingUntil.put(partition, delivery.notBefore());
                return;
            }
            long generation = offsets.started(partition, record.offset());
            if (delivery == null) {
                offsets.finished(partition, record.offset(), generation);
                continue;
            }
            attempts.execute(() -> deliverAndKeep(partition, record.offset(), generation, delivery));
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
     * One attempt, then its outcome kept in Kafka, then the record let go. While Kafka does not take the outcome, the
     * writing (never the attempt) is done again after a pause. When stopping, the record stays uncommitted and the
     * delivery is made again at the next start (the receiver may then see it twice, with the same {@code webhook-id}).
     */
    private void deliverAndKeep(TopicPartition partition, long offset, long generation, WebhookDelivery delivery) {
        Outcome outcome;
        try {
            outcome = deliverer.attempt(delivery);
        } catch (Stopping e) {
            return;
        } catch (Throwable e) {
            // A bug or an Error on this delivery would most likely recur on every try: dead-letter it, said why.
            log.error("webhook {} for job {}: the attempt failed unexpectedly; dead-lettering it", delivery.deliveryId(), delivery.jobId(), e);
            outcome = Outcome.deadLettered(delivery, "result-sink failed on this delivery: " + e, 0);
        }
        for (int failures = 0; running.get(); failures++) {
            try {
                topics.keep(outcome, clock.millis());
                if (outcome.outcome() != null) {
                    metrics.attempted(outcome.outcome(), outcome.nanos());
                }
                offsets.finished(partition, offset, generation);
                return;
            } catch (RuntimeException e) {
                log.error("webhook {} for job {}: its outcome could not be kept; trying again", delivery.deliveryId(), delivery.jobId(), e);
                sleep(Duration.ofMillis(Math.min(30_000, 500L << Math.min(failures, 6))));
            }
        }
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
            // When stopping, deliveries under way were given their time already (drainAndCommit).
            while (running.get() && partitions.stream().anyMatch(p -> offsets.underWay(p) > 0) && clock.millis() < deadline) {
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
