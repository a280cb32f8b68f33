package dev.kinfer.client;

import dev.kinfer.schemas.InferenceResult;

/** The request's deadline passed before a worker ran it, so it was not run. */
public final class JobExpiredException extends KinferJobException {
    JobExpiredException(InferenceResult result) {
        super(describe(result), result);
    }
}
