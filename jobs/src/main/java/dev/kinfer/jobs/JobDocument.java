package dev.kinfer.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kinfer.schemas.InferenceRequest;
import dev.kinfer.schemas.InferenceResult;
import dev.kinfer.store.ObjectStore;
import dev.kinfer.store.S3Uri;
import java.time.Duration;
import java.time.Instant;

/**
 * The document a client sees for a job, whoever answers: {@code GET /v1/jobs/{id}} and webhooks (result-sink),
 * {@code :predict}, long polls and events (ingest-api). An output image gets a fresh presigned download link.
 *
 * @param result the result as {@link ResultJson} renders it; null while the job is pending
 * @param cached whether the result was answered from the result cache, not by a model run for this job
 */
public record JobDocument(String jobId, String model, String status, Long submittedAt, Long completedAt, JsonNode result,
                          boolean cached) {
    public static final String PENDING = "PENDING";
    public static final Duration LINK_VALIDITY = Duration.ofHours(1);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A job just accepted: its request is all there is. */
    public static JobDocument pending(InferenceRequest request) {
        return new JobDocument(request.getRequestId(), request.getModel(), PENDING, request.getSubmittedAt().toEpochMilli(), null,
                null, false);
    }

    /** A finished job; {@code submittedAt} is null when the request is not at hand. */
    public static JobDocument finished(InferenceResult result, Long submittedAt, boolean cached) {
        return new JobDocument(result.getRequestId(), result.getModel(), result.getStatus().name(), submittedAt,
                result.getCompletedAt().toEpochMilli(), ResultJson.of(result), cached);
    }

    public boolean isFinal() {
        return !PENDING.equals(status);
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
