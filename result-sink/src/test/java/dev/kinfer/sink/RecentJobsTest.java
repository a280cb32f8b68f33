package dev.kinfer.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RecentJobsTest {
    @Test
    void shouldListATenantsNewestJobsFirstAndNoOneElses() {
        List<JobState> jobs = List.of(
                JobState.accepted("a", "acme", "m", 1_000, null, null, null),
                JobState.accepted("b", "other", "m", 5_000, null, null, null),
                JobState.accepted("c", "acme", "m", 3_000, null, null, null),
                JobState.completed("d", "acme", "m", "FAILED", 4_000, null, null, null),
                JobState.accepted("e", "acme", "m", 2_000, null, null, null));

        assertThat(RecentJobs.of(jobs.iterator(), "acme", 3)).extracting(JobState::jobId).containsExactly("d", "c", "e");
        assertThat(RecentJobs.of(jobs.iterator(), "acme", 10)).extracting(JobState::jobId).containsExactly("d", "c", "e", "a");
        assertThat(RecentJobs.of(jobs.iterator(), "nobody", 10)).isEmpty();
    }
}
