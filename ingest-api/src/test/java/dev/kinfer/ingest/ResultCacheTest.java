package dev.kinfer.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kinfer.schemas.InferenceResult;
import dev.kinfer.schemas.ResultStatus;
import dev.kinfer.schemas.Timings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class ResultCacheTest {
    private final FakeClock clock = new FakeClock();
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private final ResultCache cache = new ResultCache(clock, Duration.ofMinutes(10), 2, Duration.ofMinutes(5), metrics);

    private InferenceResult result(String jobId, String cacheKey, String version, ResultStatus status) {
        return result(jobId, cacheKey, version, status, clock.instant());
    }

    private static InferenceResult result(String jobId, String cacheKey, String version, ResultStatus status, Instant completedAt) {
        return InferenceResult.newBuilder().setRequestId(jobId).setTenant("t").setModel("m").setModelVersion(version)
                .setStatus(status).setTimings(new Timings(0L, 0L, 0L, 1, "w")).setCompletedAt(completedAt).setCacheKey(cacheKey).build();
    }

    private double count(String outcome) {
        return metrics.get("kinfer_cache").tag("outcome", outcome).counter().count();
    }

    @Test
    void shouldAnswerAnIdenticalRequestOnTheSameVersionFromTheCache() {
        cache.offer(result("job-1", "k", "1", ResultStatus.SUCCEEDED));

        assertThat(cache.hit("k", "1")).hasValueSatisfying(r -> assertThat(r.getRequestId()).isEqualTo("job-1"));
        assertThat(cache.hit("k", "2")).as("a new current version is a new key").isEmpty();
        assertThat(cache.hit("other", "1")).isEmpty();
        assertThat(count("hit")).isEqualTo(1);
    }

    @Test
    void shouldNotFileFailuresOrResultsPastTheirTimeToLive() {
        cache.offer(result("job-1", "failed", "1", ResultStatus.FAILED));
        cache.offer(result("job-2", "k", "1", ResultStatus.SUCCEEDED));
        clock.advance(Duration.ofMinutes(11));
        cache.offer(result("job-3", "stale", "1", ResultStatus.SUCCEEDED, clock.instant().minus(Duration.ofHours(1))));

        assertThat(cache.hit("failed", "1")).isEmpty();
        assertThat(cache.hit("k", "1")).as("expired").isEmpty();
        assertThat(cache.hit("stale", "1")).as("too old to file when read at start").isEmpty();
    }

    @Test
    void shouldDropTheLeastRecentlyUsedBeyondItsBound() {
        cache.offer(result("a", "a", "1", ResultStatus.SUCCEEDED));
        cache.offer(result("b", "b", "1", ResultStatus.SUCCEEDED));
        cache.hit("a", "1");
        cache.offer(result("c", "c", "1", ResultStatus.SUCCEEDED));

        assertThat(cache.hit("a", "1")).isPresent();
        assertThat(cache.hit("b", "1")).isEmpty();
        assertThat(cache.hit("c", "1")).isPresent();
    }

    @Test
    void shouldCoalesceIdenticalRequestsInFlightOntoTheFirstOnesRun() {
        CompletableFuture<InferenceResult> leader = new CompletableFuture<>();

        assertThat(cache.lead("k", "1", "job-1", leader)).isEmpty();
        assertThat(cache.lead("k", "1", "job-2", new CompletableFuture<>())).hasValueSatisfying(joined -> {
            assertThat(joined.jobId()).isEqualTo("job-1");
            assertThat(joined.result()).isSameAs(leader);
        });
        assertThat(cache.lead("k", "2", "job-3", new CompletableFuture<>())).as("another version runs on its own").isEmpty();

        leader.complete(result("job-1", "k", "2", ResultStatus.SUCCEEDED)); // whatever version the worker ran it on

        assertThat(cache.lead("k", "1", "job-4", new CompletableFuture<>())).as("the run ended").isEmpty();
        assertThat(count("miss")).isEqualTo(3);
        assertThat(count("coalesced")).isEqualTo(1);
    }

    @Test
    void shouldLetTheNextRequestLeadWhenTheLeaderCouldNotPublishOrItsResultNeverCame() {
        CompletableFuture<InferenceResult> refused = new CompletableFuture<>();
        cache.lead("k", "1", "job-1", refused);
        refused.completeExceptionally(new IllegalStateException("broker away"));

        assertThat(cache.lead("k", "1", "job-2", new CompletableFuture<>())).isEmpty();
        clock.advance(Duration.ofMinutes(6));
        assertThat(cache.lead("k", "1", "job-3", new CompletableFuture<>())).as("job-2's result never came").isEmpty();
    }
}
