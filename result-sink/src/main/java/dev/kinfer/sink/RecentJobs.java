package dev.kinfer.sink;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * A tenant's most recent jobs, newest first, from every job the store keeps: one pass, holding no more than
 * {@code limit} at a time. A job's time is when it was submitted, or when it ended if its request was never seen.
 * The pass reads every job kept (the retention bounds them); a store keyed by tenant and time would make it a
 * range read, and is the step to take when stores hold millions of jobs.
 */
final class RecentJobs {
    private static final Comparator<JobState> OLDEST_FIRST = Comparator.comparingLong(RecentJobs::time).thenComparing(JobState::jobId);

    private RecentJobs() {
    }

    static List<JobState> of(Iterator<JobState> jobs, String tenant, int limit) {
        PriorityQueue<JobState> newest = new PriorityQueue<>(OLDEST_FIRST);
        while (jobs.hasNext()) {
            JobState job = jobs.next();
            if (job != null && tenant.equals(job.tenant())) {
                newest.add(job);
                if (newest.size() > limit) {
                    newest.poll();
                }
            }
        }
        List<JobState> result = new ArrayList<>(newest);
        result.sort(OLDEST_FIRST.reversed());
        return result;
    }

    private static long time(JobState job) {
        return job.submittedAt() != null ? job.submittedAt() : job.completedAt() != null ? job.completedAt() : 0;
    }
}
