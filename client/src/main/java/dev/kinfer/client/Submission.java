package dev.kinfer.client;

import dev.kinfer.schemas.ImageRef;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * One request to submit: the model, its input images (already uploaded, see {@link KinferClient#upload}) and what
 * else the request may say. Made with {@link #to} and the {@code with...} methods, each returning a new submission.
 *
 * @param requestId the job's id: a new UUID unless given; keep it when retrying the same request
 * @param version   the model version to pin, or null for the current one
 * @param deadline  when the answer stops being useful (the job then EXPIRES unrun), or null
 * @param callback  a webhook URL for the job's end, signed with the tenant's secret {@code callbackSecretId}, or null
 */
public record Submission(String model, List<ImageRef> inputs, Map<String, String> params, String requestId, String version,
                         Instant deadline, String callback, String callbackSecretId) {
    public Submission {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(requestId, "requestId");
        inputs = List.copyOf(inputs);
        params = Map.copyOf(params);
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("a submission needs at least one input image");
        }
    }

    public static Submission to(String model, List<ImageRef> inputs) {
        return new Submission(model, inputs, Map.of(), UUID.randomUUID().toString(), null, null, null, null);
    }

    public Submission withParams(Map<String, String> params) {
        return new Submission(model, inputs, params, requestId, version, deadline, callback, callbackSecretId);
    }

    public Submission withRequestId(String requestId) {
        return new Submission(model, inputs, params, requestId, version, deadline, callback, callbackSecretId);
    }

    public Submission withVersion(String version) {
        return new Submission(model, inputs, params, requestId, version, deadline, callback, callbackSecretId);
    }

    public Submission withDeadline(Instant deadline) {
        return new Submission(model, inputs, params, requestId, version, deadline, callback, callbackSecretId);
    }

    /** A signed webhook to {@code url} when the job ends, signed with the tenant's webhook secret {@code secretId}. */
    public Submission withCallback(String url, String secretId) {
        return new Submission(model, inputs, params, requestId, version, deadline, url, secretId);
    }
}
