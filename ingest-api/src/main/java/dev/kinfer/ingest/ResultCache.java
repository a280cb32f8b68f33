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

    private record Leader(String jobId, CompletableFuture<InferenceResult> result) {
    }

    private final Clock clock;
    private final Duration ttl;
    private final Map<String, Filed> entries;
    private final Map<String, Leader> inFlight = new ConcurrentHashMap<>();
    private final Counter hits;
    private final Counter misses;
    private final Counter coalesced;

    ResultCache(Clock clock, Duration ttl, int maxEntries, MeterRegistry metrics) {
        this.clock = clock;
        this.ttl = ttl;
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
     * Makes the caller's run the one identical requests join until its result is {@link #offer}ed (or it is
     * {@link #abandon}ed), unless such a run is in flight already: then that one is returned, to join.
     */
    Optional<InFlight> lead(String cacheKey, String version, String jobId, CompletableFuture<InferenceResult> result) {
        Leader leader = inFlight.putIfAbsent(key(cacheKey, version), new Leader(jobId, result));
        if (leader == null) {
            misses.increment();
            return Optional.empty();
        }
        coalesced.increment();
        return Optional.of(new InFlight(leader.jobId(), leader.result()));
    }

    /** A committed result: ends its run in flight, and files it if it succeeded within the time to live. */
    void offer(InferenceResult result) {
        if (result.getCacheKey() == null) {
            return;
        }
        String key = key(result.getCacheKey(), result.getModelVersion());
        inFlight.computeIfPresent(key, (k, leader) -> leader.jobId().equals(result.getRequestId()) ? null : leader);
        if (result.getStatus() == ResultStatus.SUCCEEDED && result.getCompletedAt().isAfter(clock.instant().minus(ttl))) {
            synchronized (entries) {
                entries.put(key, new Filed(result, result.getCompletedAt()));
            }
        }
    }

    /** The leader could not publish: the next identical request leads. */
    void abandon(String cacheKey, String version, String jobId) {
        inFlight.computeIfPresent(key(cacheKey, version), (key, leader) -> leader.jobId().equals(jobId) ? null : leader);
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
