package dev.kinfer.ingest;

import dev.kinfer.schemas.InferenceResult;
import dev.kinfer.schemas.ResultStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Results by what produced them: a request's {@code cacheKey} (model, parameters, input hashes) and the model
 * version it ran on. Shared by every ingest instance by construction: each one files every SUCCEEDED result it
 * reads from {@code kinfer.results} (and, at start, those of the last {@code ttl}), so all of them answer alike.
 * Bounded (least recently used goes first) with a time to live; a new current version is a new key, so results of
 * the previous one stop answering at once. Identical requests in flight on this instance share one model run.
 * Hits, misses (a request that leads a run) and coalesced requests are counted as {@code kinfer_cache_total}.
 */
final class ResultCache {
    /** A run in flight that an identical request joins: its job, and its result to come. */
    record InFlight(String jobId, CompletableFuture<InferenceResult> result) {
    }

    private record Filed(InferenceResult result, Instant completedAt) {
    }

    private record Leader(String jobId, CompletableFuture<InferenceResult> result, Instant since) {
    }

    private final Clock clock;
    private final Duration ttl;
    private final Duration leaderTimeout;
    private final Map<String, Filed> entries;
    private final Map<String, Leader> inFlight = new ConcurrentHashMap<>();
    private final Counter hits;
    private final Counter misses;
    private final Counter coalesced;

    /** @param leaderTimeout how long identical requests may join a run whose result has not come */
    ResultCache(Clock clock, Duration ttl, int maxEntries, Duration leaderTimeout, MeterRegistry metrics) {
        this.clock = clock;
        this.ttl = ttl;
        this.leaderTimeout = leaderTimeout;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Filed> eldest) {
                return size() > maxEntries;
            }
        };
        this.hits = Counter.builder("kinfer_cache").tag("outcome", "hit").register(metrics);
        this.misses = Counter.builder("kinfer_cache").tag("outcome", "miss").register(metrics);
        this.coalesced = Counter.builder("kinfer_cache").tag("outcome", "coalesced").register(metrics);
    }

    Duration ttl() {
        return ttl;
    }

    /** A fresh result for {@code cacheKey} on {@code version}, counted as a hit; a miss is counted when the caller leads. */
    Optional<InferenceResult> hit(String cacheKey, String version) {
        Optional<InferenceResult> cached = fresh(key(cacheKey, version));
        cached.ifPresent(result -> hits.increment());
        return cached;
    }

    /**
     * Makes the caller's run the one identical requests join until {@code result} completes (with the run's result,
     * or exceptionally when it could not be published), unless such a run is in flight already: then that one is
     * returned, to join.
     */
    Optional<InFlight> lead(String cacheKey, String version, String jobId, CompletableFuture<InferenceResult> result) {
        String key = key(cacheKey, version);
        Leader mine = new Leader(jobId, result, clock.instant());
        Leader leader = inFlight.compute(key, (k, current) -> current == null || isStale(current) ? mine : current);
        if (leader == mine) {
            // Ends with the leader's own result, whatever version ran it, or with its failure to publish.
            result.whenComplete((done, failure) -> inFlight.remove(key, mine));
            misses.increment();
            return Optional.empty();
        }
        coalesced.increment();
        return Optional.of(new InFlight(leader.jobId(), leader.result()));
    }

    /** A leader whose result never came (dead-lettered, say) stops being joined after the longest wait. */
    private boolean isStale(Leader leader) {
        return leader.since().isBefore(clock.instant().minus(leaderTimeout));
    }

    /** A committed result: filed if it succeeded within the time to live. */
    void offer(InferenceResult result) {
        if (result.getCacheKey() == null) {
            return;
        }
        String key = key(result.getCacheKey(), result.getModelVersion());
        if (result.getStatus() == ResultStatus.SUCCEEDED && result.getCompletedAt().isAfter(clock.instant().minus(ttl))) {
            synchronized (entries) {
                entries.put(key, new Filed(result, result.getCompletedAt()));
            }
        }
    }

    private Optional<InferenceResult> fresh(String key) {
        synchronized (entries) {
            Filed filed = entries.get(key);
            if (filed == null) {
                return Optional.empty();
            }
            if (filed.completedAt().isBefore(clock.instant().minus(ttl))) {
                entries.remove(key);
                return Optional.empty();
            }
            return Optional.of(filed.result());
        }
    }

    private static String key(String cacheKey, String version) {
        return cacheKey + "@" + version;
    }
}
