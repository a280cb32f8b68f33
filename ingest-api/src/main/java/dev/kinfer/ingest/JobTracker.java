package dev.kinfer.ingest;

import dev.kinfer.schemas.InferenceRequest;
import dev.kinfer.schemas.InferenceResult;
import dev.kinfer.schemas.JobStarted;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The jobs this instance was asked about: those it accepted (so a status request right after the 202 never
 * answers 404, before result-sink has folded the job in), those a client waits for, and results just committed.
 * {@link ResultFollower} completes them as results are committed; nothing polls. Entries go after {@code keep}.
 */
final class JobTracker {
    /**
     * @param tenant whose job this is: its request's, or the first asker's. Anyone who may produce to Kafka can reuse
     *               a job's id; another tenant's result or start under it is not this job's and completes nothing.
     */
    private record Tracked(InferenceRequest request, String tenant, CompletableFuture<InferenceResult> result,
                           CompletableFuture<JobStarted> started, Instant since) {
        Tracked(InferenceRequest request, String tenant, Instant since) {
            this(request, tenant, new CompletableFuture<>(), new CompletableFuture<>(), since);
        }

        Tracked askedAgain(Instant now) {
            return new Tracked(request, tenant, result, started, now);
        }
    }

    /** Longer than result-sink takes to fold a result in (its commit interval and a repartition). */
    static final Duration RECENT = Duration.ofSeconds(30);

    private final ConcurrentHashMap<String, Tracked> jobs = new ConcurrentHashMap<>();
    private final Clock clock;
    private final Duration keep;

    JobTracker(Clock clock, Duration keep) {
        this.clock = clock;
        this.keep = keep;
    }

    /** A job this instance is about to publish: tracked before it can possibly finish. */
    CompletableFuture<InferenceResult> accepted(InferenceRequest request) {
        Tracked tracked = new Tracked(request, request.getTenant(), clock.instant());
        jobs.put(request.getRequestId(), tracked);
        return tracked.result();
    }

    /** A job whose publishing failed: it was never accepted, so it must not look pending. */
    void forget(String jobId) {
        jobs.remove(jobId);
    }

    /**
     * The result of a job, whenever it is committed. Registering before looking elsewhere misses nothing: a result
     * committed just before is still here ({@link #completed} keeps results for {@link #RECENT} even untracked).
     * Asking again keeps the job tracked for another {@code keep}. Only a result of {@code tenant}'s completes it.
     */
    CompletableFuture<InferenceResult> result(String jobId, String tenant) {
        return jobs.compute(jobId, (id, tracked) -> tracked == null ? new Tracked(null, tenant, clock.instant())
                : tracked.askedAgain(clock.instant())).result();
    }

    /**
     * When a worker started the job, as it says on {@code kinfer.progress} (at most once: a job may end without it).
     * Call after {@link #result}, which tracks the job.
     */
    CompletableFuture<JobStarted> started(String jobId) {
        Tracked tracked = jobs.get(jobId);
        return tracked == null ? new CompletableFuture<>() : tracked.started();
    }

    /** A worker started a job: tells whoever watches it here. Jobs nobody here tracks are not kept. */
    void started(JobStarted event) {
        Tracked tracked = jobs.get(event.getRequestId());
        if (tracked != null && tracked.tenant().equals(event.getTenant())) {
            tracked.started().complete(event);
        }
    }

    /**
     * Undoes {@link #result} for a job that turned out not to be the caller's (unknown, or another tenant's): an
     * entry nobody accepted here and no result completed is dropped, so asking about made-up ids keeps no memory.
     */
    void unwatch(String jobId, CompletableFuture<InferenceResult> watched) {
        jobs.computeIfPresent(jobId, (id, tracked) -> tracked.result() == watched && tracked.request() == null && !watched.isDone()
                ? null : tracked);
    }

    /** The result of a job, if it has been committed and is still tracked here; asks for nothing. */
    Optional<InferenceResult> finished(String jobId) {
        Tracked tracked = jobs.get(jobId);
        return tracked != null && tracked.result().isDone() && !tracked.result().isCompletedExceptionally()
                ? Optional.of(tracked.result().join()) : Optional.empty();
    }

    /** The request of a job this instance accepted, while it is tracked. */
    Optional<InferenceRequest> request(String jobId) {
        return Optional.ofNullable(jobs.get(jobId)).map(Tracked::request);
    }

    /**
     * A committed result: completes whoever waits for it. A result nobody here tracks yet is kept for
     * {@link #RECENT}: a client may ask for it on this instance before result-sink has folded it in.
     */
    void completed(InferenceResult result) {
        Tracked tracked = jobs.computeIfAbsent(result.getRequestId(), id -> new Tracked(null, result.getTenant(), clock.instant()));
        if (tracked.tenant().equals(result.getTenant())) {
            tracked.result().complete(result);
        }
    }

    /** Forgets jobs tracked for longer than {@code keep}, and results nobody here asked for after {@link #RECENT}. */
    void sweep() {
        Instant oldest = clock.instant().minus(keep);
        Instant oldestUnasked = clock.instant().minus(RECENT);
        jobs.values().removeIf(tracked -> tracked.since().isBefore(oldest)
                || tracked.request() == null && tracked.result().isDone() && tracked.since().isBefore(oldestUnasked));
    }

    int size() {
        return jobs.size();
    }
}
