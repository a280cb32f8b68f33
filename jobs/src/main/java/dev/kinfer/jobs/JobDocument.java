package dev.kinfer.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kinfer.schemas.InferenceRequest;
import dev.kinfer.schemas.InferenceResult;
import dev.kinfer.schemas.JobStarted;
import dev.kinfer.store.ObjectStore;
import dev.kinfer.store.S3Uri;
import java.time.Duration;
import java.time.Instant;

/**
 * The document a client sees for a job, whoever answers: {@code GET /v1/jobs/{id}} and webhooks (result-sink),
 * {@code :predict}, long polls and events (ingest-api). An output image gets a fresh presigned download link.
 *
 * @param result  the result as {@link ResultJson} renders it; null while the job is pending or running
 * @param cached  whether the result was answered from the result cache, not by a model run for this job
 * @param running while a worker runs the job: when it started, on which version, in a batch of how many, after how
 *                long queued ({@link #runningOf}); null otherwise
 */
public record JobDocument(String jobId, String model, String status, Long submittedAt, Long completedAt, JsonNode result,
                          boolean cached, JsonNode running) {
    /** Accepted, waiting for a worker. */
    public static final String PENDING = "PENDING";
    /** A worker put the job into the model; it has no result yet. */
    public static final String RUNNING = "RUNNING";
    public static final Duration LINK_VALIDITY = Duration.ofHours(1);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A job just accepted: its request is all there is. */
    public static JobDocument pending(InferenceRequest request) {
        return new JobDocument(request.getRequestId(), request.getModel(), PENDING, request.getSubmittedAt().toEpochMilli(), null,
                null, false, null);
    }

    /** A job a worker started; {@code submittedAt} is null when the request is not at hand. */
    public static JobDocument running(JobStarted started, Long submittedAt) {
        return new JobDocument(started.getRequestId(), started.getModel(), RUNNING, submittedAt, null, null, false, runningOf(started));
    }

    /** What a job's document says of its run while it runs. */
    public static ObjectNode runningOf(JobStarted started) {
        return JSON.createObjectNode()
                .put("startedAt", started.getStartedAt().toString())
                .put("modelVersion", started.getModelVersion())
                .put("batchSize", started.getBatchSize())
                .put("queuedMs", started.getQueuedMs());
    }

    /** A finished job; {@code submittedAt} is null when the request is not at hand. */
    public static JobDocument finished(InferenceResult result, Long submittedAt, boolean cached) {
        return new JobDocument(result.getRequestId(), result.getModel(), result.getStatus().name(), submittedAt,
                result.getCompletedAt().toEpochMilli(), ResultJson.of(result), cached, null);
    }

    public boolean isFinal() {
        return isFinal(status);
    }

    /** Whether a job of this status has its one result: neither waiting nor running. */
    public static boolean isFinal(String status) {
        return !PENDING.equals(status) && !RUNNING.equals(status);
    }

    public ObjectNode render(ObjectStore store) {
        ObjectNode view = JSON.createObjectNode();
        view.put("jobId", jobId);
        view.put("model", model);
        view.put("status", status);
        if (submittedAt != null) {
            view.put("submittedAt", Instant.ofEpochMilli(submittedAt).toString());
        }
        if (completedAt != null) {
            view.put("completedAt", Instant.ofEpochMilli(completedAt).toString());
        }
        if (cached) {
            view.put("cached", true);
        }
        if (running != null && running.isObject() && !isFinal()) {
            view.set("running", running.deepCopy());
        }
        // Jackson reads an absent result back as a NullNode, so test for an object, not for null.
        if (result != null && result.isObject()) {
            ObjectNode rendered = result.deepCopy();
            JsonNode image = rendered.path("output").path("image");
            if (image.isObject()) {
                ((ObjectNode) image).put("url", store.presignedGet(S3Uri.parse(image.path("uri").asText()), LINK_VALIDITY));
            }
            view.set("result", rendered);
        }
        view.putObject("links").put("self", "/v1/jobs/" + jobId);
        return view;
    }
}
