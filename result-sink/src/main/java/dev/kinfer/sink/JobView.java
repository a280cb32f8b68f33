package dev.kinfer.sink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kinfer.store.ObjectStore;
import dev.kinfer.store.S3Uri;
import java.time.Duration;
import java.time.Instant;

/** Renders a job's state for clients, with a fresh presigned download link for an output image. */
final class JobView {
    static final Duration LINK_VALIDITY = Duration.ofHours(1);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ObjectStore store;

    JobView(ObjectStore store) {
        this.store = store;
    }

    ObjectNode render(JobState state) {
        ObjectNode view = JSON.createObjectNode();
        view.put("jobId", state.jobId());
        view.put("model", state.model());
        view.put("status", state.status());
        if (state.submittedAt() != null) {
            view.put("submittedAt", Instant.ofEpochMilli(state.submittedAt()).toString());
        }
        if (state.completedAt() != null) {
            view.put("completedAt", Instant.ofEpochMilli(state.completedAt()).toString());
        }
        // Jackson reads an absent result back as a NullNode, so test for an object, not for null.
        if (state.result() != null && state.result().isObject()) {
            ObjectNode result = state.result().deepCopy();
            JsonNode image = result.path("output").path("image");
            if (image.isObject()) {
                ((ObjectNode) image).put("url", store.presignedGet(S3Uri.parse(image.path("uri").asText()), LINK_VALIDITY));
            }
            view.set("result", result);
        }
        view.putObject("links").put("self", "/v1/jobs/" + state.jobId());
        return view;
    }
}
