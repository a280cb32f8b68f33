package dev.kinfer.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kinfer.schemas.ErrorInfo;
import dev.kinfer.schemas.ImageOutput;
import dev.kinfer.schemas.ImageRef;
import dev.kinfer.schemas.InferenceResult;
import dev.kinfer.schemas.Timings;
import org.apache.avro.specific.SpecificRecord;

/** The JSON clients see for a result, in the status API and in webhooks. */
public final class ResultJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ResultJson() {
    }

    public static ObjectNode of(InferenceResult result) {
        ObjectNode node = JSON.createObjectNode();
        node.put("modelVersion", result.getModelVersion());
        if (result.getOutput() != null) {
            node.set("output", output((SpecificRecord) result.getOutput()));
        }
        ErrorInfo error = result.getError();
        if (error != null) {
            node.putObject("error").put("code", error.getCode()).put("message", error.getMessage()).put("retriable", error.getRetriable());
        }
        Timings t = result.getTimings();
        node.putObject("timings").put("queuedMs", t.getQueuedMs()).put("fetchMs", t.getFetchMs())
                .put("inferenceMs", t.getInferenceMs()).put("batchSize", t.getBatchSize()).put("workerId", t.getWorkerId());
        return node;
    }

    private static ObjectNode output(SpecificRecord output) {
        if (output instanceof ImageOutput image) {
            ImageRef ref = image.getImage();
            ObjectNode node = JSON.createObjectNode().put("type", "image");
            node.putObject("image").put("uri", ref.getUri()).put("sha256", ref.getSha256()).put("contentType", ref.getContentType())
                    .put("width", ref.getWidth()).put("height", ref.getHeight()).put("bytes", ref.getBytes());
            return node;
        }
        // Other task outputs have only numbers, strings and arrays: Avro's own JSON rendering is exact for them.
        try {
            ObjectNode node = (ObjectNode) JSON.readTree(output.toString());
            node.put("type", output.getSchema().getName().toLowerCase());
            return node;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render " + output.getSchema().getName() + " as JSON", e);
        }
    }
}
