package dev.kinfer.sink;

import dev.kinfer.schemas.InferenceRequest;
import dev.kinfer.schemas.RequestRecords;
import java.time.Duration;

/**
 * Which requests found on a request topic result-sink records as jobs on {@code kinfer.jobs}: those that ingest-api
 * did not record itself, that will get a result on {@code kinfer.results}, and that are not older than the job
 * store keeps jobs (read again from a topic's start, they would come back as jobs that never end).
 */
final class KafkaNativeJobs {
    private KafkaNativeJobs() {
    }

    /** Why this request is not recorded, or null when it is. */
    static String notRecorded(InferenceRequest request, boolean recordedByIngest, long now, Duration retention) {
        if (recordedByIngest) {
            return "recorded by ingest-api";
        }
        if (RequestRecords.unanswerable(request) instanceof String reason) {
            return reason; // dead-lettered by the worker: no result would ever end it
        }
        if (RequestRecords.isReplay(request)) {
            return "a replay's request, answered on its own topic";
        }
        // The job store forgets a pending job by its submittedAt: the same clock decides here.
        if (now - request.getSubmittedAt().toEpochMilli() > retention.toMillis()) {
            return "older than the job retention (" + retention + ")";
        }
        return null;
    }
}
