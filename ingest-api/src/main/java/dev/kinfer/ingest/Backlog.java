package dev.kinfer.ingest;

import dev.kinfer.schemas.Topics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admission on backlog: a model whose workers are further behind than the bound (its consumer group's lag on its
 * request topic) gets no new work, answered 503 {@code model-overloaded} with {@code Retry-After}, rather than a
 * queue that grows without end and jobs that wait for minutes. The lag is asked for at most once per {@link #RECHECK}.
 */
final class Backlog {
    private static final Logger log = LoggerFactory.getLogger(Backlog.class);
    static final Duration RECHECK = Duration.ofSeconds(1);
    private static final String RETRY_AFTER_SECONDS = "5";

    /** Requests of a model not yet consumed by its workers; throws if Kafka cannot tell. */
    @FunctionalInterface
    interface Lag {
        long of(String model) throws Exception;
    }

    private record Measured(Instant at, long lag) {
    }

    private final Lag lag;
    private final long bound;
    private final Clock clock;
    private final Map<String, Measured> measured = new ConcurrentHashMap<>();
    private final Map<String, ReentrantLock> measuring = new ConcurrentHashMap<>();

    /** @param bound the most requests a model may have waiting; 0 for no bound */
    Backlog(Lag lag, long bound, Clock clock) {
        this.lag = lag;
        this.bound = bound;
        this.clock = clock;
    }

    static Backlog fromKafka(Admin admin, long bound) {
        return new Backlog(model -> lagOf(admin, Topics.requests(model), Topics.workerGroup(model)), bound, Clock.systemUTC());
    }

    /** Refuses new work for {@code model} while its backlog is past the bound. */
    void admit(String model) {
        if (bound <= 0) {
            return;
        }
        long waiting = current(model);
        if (waiting > bound) {
            throw new ApiProblem(503, "model-overloaded", "Model overloaded", waiting + " requests for '" + model
                    + "' are waiting for a worker, more than the " + bound + " accepted; try again later")
                    .header("Retry-After", RETRY_AFTER_SECONDS);
        }
    }

    private long current(String model) {
        Instant now = clock.instant();
        Measured last = measured.get(model);
        if (last != null && now.isBefore(last.at().plus(RECHECK))) {
            return last.lag();
        }
        // One request measures; the others meanwhile go by the last measure rather than wait on Kafka (a lock, not
        // synchronized: waiting virtual threads must not pin their carriers).
        ReentrantLock lock = measuring.computeIfAbsent(model, m -> new ReentrantLock());
        if (!lock.tryLock()) {
            return last == null ? 0 : last.lag();
        }
        try {
            long lag = lagNow(model, last);
            measured.put(model, new Measured(now, lag));
            return lag;
        } finally {
            lock.unlock();
        }
    }

    private long lagNow(String model, Measured last) {
        try {
            return lag.of(model);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            // Judged on what was last measured: if Kafka itself is down, publishing the job fails and says so.
            log.warn("cannot measure the backlog of {}: {}", model, e.toString());
            return last == null ? 0 : last.lag();
        }
    }

    /**
     * End offsets minus the group's committed offsets, over the topic's partitions; a partition the group has not
     * committed on counts from its first offset (earlier ones may be gone with retention). A transaction's markers
     * count too: a few at most.
     */
    private static long lagOf(Admin admin, String topic, String group) throws Exception {
        List<TopicPartition> partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(5, TimeUnit.SECONDS).get(topic).partitions()
                .stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(
                partitions.stream().collect(Collectors.toMap(Function.identity(), p -> OffsetSpec.latest()))).all().get(5, TimeUnit.SECONDS);
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> starts = admin.listOffsets(
                partitions.stream().collect(Collectors.toMap(Function.identity(), p -> OffsetSpec.earliest()))).all().get(5, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                .get(5, TimeUnit.SECONDS);
        long lag = 0;
        for (TopicPartition partition : partitions) {
            OffsetAndMetadata done = committed.get(partition);
            long from = Math.max(starts.get(partition).offset(), done == null ? 0 : done.offset());
            lag += Math.max(0, ends.get(partition).offset() - from);
        }
        return lag;
    }
}
