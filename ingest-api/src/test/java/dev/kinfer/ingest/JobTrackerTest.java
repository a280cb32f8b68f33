package dev.kinfer.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kinfer.schemas.InferenceRequest;
import dev.kinfer.schemas.InferenceResult;
import dev.kinfer.schemas.JobStarted;
import dev.kinfer.schemas.ResultStatus;
import dev.kinfer.schemas.Timings;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class JobTrackerTest {
    private final FakeClock clock = new FakeClock();
    private final JobTracker tracker = new JobTracker(clock, Duration.ofMinutes(6));

    private static InferenceRequest request(String id) {
        return InferenceRequest.newBuilder().setRequestId(id).setTenant("t").setModel("m").setInputs(List.of())
                .setSubmittedAt(Instant.EPOCH).setCacheKey("k").build();
    }

    private static InferenceResult result(String id) {
        return InferenceResult.newBuilder().setRequestId(id).setTenant("t").setModel("m").setModelVersion("1")
                .setStatus(ResultStatus.SUCCEEDED).setTimings(new Timings(0L, 0L, 0L, 1, "w")).setCompletedAt(Instant.EPOCH).build();
    }

    @Test
    void shouldCompleteAnAcceptedJobWhenItsResultIsCommitted() {
        CompletableFuture<InferenceResult> accepted = tracker.accepted(request("a"));
        CompletableFuture<InferenceResult> waiter = tracker.result("a", "t");

        tracker.completed(result("a"));

        assertThat(accepted).isCompletedWithValueMatching(r -> r.getRequestId().equals("a"));
        assertThat(waiter).isSameAs(accepted);
        assertThat(tracker.request("a")).isPresent();
    }

    @Test
    void shouldTellWhoeverWatchesAJobThatItStartedButKeepNoStartOfUntrackedJobs() {
        tracker.result("w", "t");
        CompletableFuture<JobStarted> watched = tracker.started("w");
        tracker.result("w", "t"); // asked again: the same start to wait for

        tracker.started(started("w"));
        tracker.started(started("nobody-asked"));

        assertThat(watched).isCompletedWithValueMatching(s -> s.getBatchSize() == 3);
        assertThat(tracker.started("w")).isSameAs(watched);
        assertThat(tracker.started("nobody-asked")).isNotDone();
        assertThat(tracker.size()).isEqualTo(1);
    }

    @Test
    void shouldLetNoOtherTenantsResultOrStartUnderAReusedIdCompleteAJob() {
        CompletableFuture<InferenceResult> accepted = tracker.accepted(request("x"));
        CompletableFuture<InferenceResult> asked = tracker.result("y", "t");
        CompletableFuture<JobStarted> start = tracker.started("x");

        tracker.completed(otherTenants(result("x")));
        tracker.completed(otherTenants(result("y")));
        JobStarted intruding = started("x");
        intruding.setTenant("intruder");
        tracker.started(intruding);

        assertThat(accepted).isNotDone();
        assertThat(asked).isNotDone();
        assertThat(start).isNotDone();
        tracker.completed(result("x"));
        assertThat(accepted).as("the job's own result still completes it").isCompleted();
    }

    private static InferenceResult otherTenants(InferenceResult result) {
        result.setTenant("intruder");
        return result;
    }

    private static JobStarted started(String id) {
        return JobStarted.newBuilder().setRequestId(id).setTenant("t").setModel("m").setModelVersion("1").setStartedAt(Instant.EPOCH)
                .setQueuedMs(5L).setBatchSize(3).setWorkerId("w1").build();
    }

    @Test
    void shouldLetAClientWaitForAJobAcceptedElsewhere() {
        CompletableFuture<InferenceResult> waiter = tracker.result("b", "t");

        tracker.completed(result("b"));

        assertThat(waiter).isCompleted();
        assertThat(tracker.request("b")).as("not accepted here").isEmpty();
    }

    @Test
    void shouldKeepAResultNobodyHereAskedForOnlyBriefly() {
        tracker.completed(result("c"));

        assertThat(tracker.result("c", "t")).as("asked for just after it was committed").isCompleted();
        assertThat(tracker.finished("c")).isPresent();
        tracker.completed(result("d"));
        clock.advance(JobTracker.RECENT.plusSeconds(1));
        tracker.sweep();
        assertThat(tracker.finished("d")).isEmpty();
        assertThat(tracker.size()).as("results of jobs not accepted here go after a while, asked for or not").isZero();
    }

    @Test
    void shouldForgetJobsAfterTheirTimeAndJobsThatWereNeverPublished() {
        tracker.accepted(request("old"));
        clock.advance(Duration.ofMinutes(5));
        tracker.accepted(request("young"));
        tracker.accepted(request("refused"));
        tracker.forget("refused");
        clock.advance(Duration.ofMinutes(2));

        tracker.sweep();

        assertThat(tracker.request("old")).isEmpty();
        assertThat(tracker.request("young")).isPresent();
        assertThat(tracker.request("refused")).isEmpty();
    }

    @Test
    void shouldReadTheWaitFromTheQueryOrPreferHeaderCappedAtTheMaximum() {
        assertThat(JobRoutes.waitOf(null, null, Duration.ofSeconds(30))).isEqualTo(Duration.ofSeconds(30));
        assertThat(JobRoutes.waitOf("7", "wait=9", Duration.ZERO)).isEqualTo(Duration.ofSeconds(7));
        assertThat(JobRoutes.waitOf(null, "respond-async, wait=9", Duration.ZERO)).isEqualTo(Duration.ofSeconds(9));
        assertThat(JobRoutes.waitOf("100000", null, Duration.ZERO)).isEqualTo(JobRoutes.MAX_WAIT);
        assertThatThrownBy(() -> JobRoutes.waitOf("-1", null, Duration.ZERO)).isInstanceOfSatisfying(ApiProblem.class,
                problem -> assertThat(problem.code()).isEqualTo("invalid-wait"));
        assertThatThrownBy(() -> JobRoutes.waitOf("soon", null, Duration.ZERO)).isInstanceOf(ApiProblem.class);
    }
}
