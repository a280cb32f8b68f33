package dev.kinfer.ingest;

import dev.kinfer.schemas.RequestRecords;
import dev.kinfer.schemas.Topics;
import io.javalin.http.Context;
import java.util.regex.Pattern;

/** Path parameters checked before they reach Kafka or result-sink: a malformed one is the client's mistake (400). */
final class RouteParams {
    private static final Pattern JOB_ID = RequestRecords.REQUEST_ID;

    private RouteParams() {
    }

    /** A model name as topics are named ({@link Topics#MODEL_NAME}): never a path, never longer than a topic allows. */
    static String model(Context ctx) {
        return modelName(ctx.pathParam("model"));
    }

    static String modelName(String model) {
        if (!Topics.MODEL_NAME.matcher(model).matches()) {
            throw new ApiProblem(400, "invalid-model-name", "Invalid model name",
                    "a model name is 1 to 63 lower-case letters, digits and dashes (" + Topics.MODEL_NAME + ")");
        }
        return model;
    }

    static String jobId(Context ctx) {
        if (!JOB_ID.matcher(ctx.pathParam("id")).matches()) {
            throw new ApiProblem(400, "invalid-job-id", "Invalid job id", "a job id is 1 to 128 characters of " + JOB_ID);
        }
        return ctx.pathParam("id");
    }
}
