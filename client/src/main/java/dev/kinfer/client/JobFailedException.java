package dev.kinfer.client;

import dev.kinfer.schemas.InferenceResult;

/** The job ran and failed, or was refused by the worker (a bad parameter, a version not deployed, a bad input). */
public final class JobFailedException extends KinferJobException {
    JobFailedException(InferenceResult result) {
        super(describe(result), result);
    }

    /** Whether sending the same request again may succeed (the failure was the system's, not the request's). */
    public boolean retriable() {
        return result().getError() != null && result().getError().getRetriable();
    }
}
