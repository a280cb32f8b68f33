package dev.kinfer.ingest;

import dev.kinfer.schemas.InferenceRequest;
import dev.kinfer.schemas.InferenceResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The jobs this instance was asked about: those it accepted (so a status request right after the 202 never
 * answers 404, before result-sink has folded the job in) and those a client waits for. {@link ResultFollower}
 * completes them as their results are committed; nothing polls. Entries go after {@code keep}, waited for or not.
 */
final class JobTracker {
    private record Tracked(InferenceRequest request, CompletableFuture<InferenceResult> result, Instant since) {
    }

    private final ConcurrentHashMap<String, Tracked> jobs = new ConcurrentHashMap<>();
    private final Clock clock;
    private final Duration keep;

    JobTracker(Clock clock, Duration keep) {
        this.clock = clock;
        this.keep = keep;
    }

    /** A job this instance is about to publish: tracked before it can possibly finish. */
    CompletableFuture<InferenceResult> accepted(InferenceRequest request) {
        Tracked tracked = new Tracked(request, new CompletableFuture<>(), clock.instant());
        jobs.put(request.getRequestId(), tracked);
        return tracked.result();
    }

    /** A job whose publishing failed: it was never accepted, so it must not look pending. */
    void forget(String jobId) {
        jobs.remove(jobId);
    }

    /** The result of a job, whenever it is committed; registering before looking elsewhere misses nothing. */
    CompletableFuture<InferenceResult> result(String jobId) {
        return jobs.computeIfAbsent(jobId, id -> new Tracked(null, new CompletableFuture<>(), clock.instant())).result();
    }

    /** The request of a job this instance accepted, while it is tracked. */
    Optional<InferenceRequest> request(String jobId) {
        return Optional.ofNullable(jobs.get(jobId)).map(Tracked::request);
    }

    /** A committed result: completes whoever waits for it. Results of jobs nobody here tracks are not kept. */
    void completed(InferenceResult result) {
        Tracked tracked = jobs.get(result.getRequestId());
        if (tracked != null) {
            tracked.result().complete(result);
        }
    }

    /** Forgets jobs tracked for longer than {@code keep}; waiters past that have timed out already. */
    void sweep() {
        Instant oldest = clock.instant().minus(keep);
        jobs.values().removeIf(tracked -> tracked.since().isBefore(oldest));
    }

    int size() {
        return jobs.size();
    }
}
