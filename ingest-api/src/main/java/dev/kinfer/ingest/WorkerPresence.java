package dev.kinfer.ingest;

import dev.kinfer.schemas.Topics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a model has a live worker, as Kafka sees it: its consumer group {@code kinfer-worker-<model>} has members,
 * wherever the workers run. A model is unavailable once it has had no member for longer than the grace period
 * (counted from this process's start for a model never seen with one), so a job that no worker would take is
 * refused instead of staying PENDING. Each model's group is asked about at most once per {@link #RECHECK}.
 */
final class WorkerPresence {
    private static final Logger log = LoggerFactory.getLogger(WorkerPresence.class);
    static final Duration RECHECK = Duration.ofSeconds(3);

    /** Whether a model's consumer group has members right now; throws if Kafka cannot tell. */
    @FunctionalInterface
    interface LiveWorkers {
        boolean any(String model) throws Exception;
    }

    private record Seen(Instant checkedAt, Instant lastAlive) {
    }

    private final LiveWorkers workers;
    private final Duration grace;
    private final Clock clock;
    private final Instant startedAt;
    private final Map<String, Seen> seen = new ConcurrentHashMap<>();

    WorkerPresence(LiveWorkers workers, Duration grace, Clock clock) {
        this.workers = workers;
        this.grace = grace;
        this.clock = clock;
        this.startedAt = clock.instant();
    }

    /** Asks the broker about {@code kinfer-worker-<model>}, the group every worker of the model consumes in. */
    static WorkerPresence fromKafka(Admin admin, Duration grace) {
        return new WorkerPresence(model -> hasMembers(admin, Topics.workerGroup(model)), grace, Clock.systemUTC());
    }

    /** False once {@code model} has had no live worker for longer than the grace period. */
    boolean available(String model) {
        Instant now = clock.instant();
        Seen last = seen.get(model);
        if (last == null || !now.isBefore(last.checkedAt().plus(RECHECK))) {
            last = check(model, now);
        }
        return !now.isAfter(last.lastAlive().plus(grace));
    }

    /** How long a refused client should wait before trying again: a worker may be back by then. */
    Duration retryAfter() {
        return grace.compareTo(RECHECK) > 0 ? grace : RECHECK;
    }

    private synchronized Seen check(String model, Instant now) {
        Seen last = seen.get(model);
        if (last != null && now.isBefore(last.checkedAt().plus(RECHECK))) {
            return last; // another request checked while this one waited
        }
        Instant lastAlive = last == null ? startedAt : last.lastAlive();
        try {
            if (workers.any(model)) {
                lastAlive = now;
            }
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            // Judged on what was last seen: if Kafka itself is down, publishing the job fails and says so.
            log.warn("cannot tell whether {} has live workers: {}", model, e.toString());
        }
        Seen checked = new Seen(now, lastAlive);
        seen.put(model, checked);
        return checked;
    }

    private static boolean hasMembers(Admin admin, String group) throws Exception {
        try {
            ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group)).describedGroups().get(group)
                    .get(5, TimeUnit.SECONDS);
            return !description.members().isEmpty();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return false; // no worker has ever joined, or the group expired
            }
            throw e;
        }
    }
}
