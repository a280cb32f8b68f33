package dev.kinfer.client;

import dev.kinfer.schemas.InferenceResult;

/** A job that ended without an output: its result says why ({@code error.code}, {@code error.message}). */
public abstract sealed class KinferJobException extends RuntimeException permits JobFailedException, JobExpiredException {
    private final transient InferenceResult result;

    KinferJobException(String message, InferenceResult result) {
        super(message);
        this.result = result;
    }

    /** The job's result, as published on the results topic. */
    public InferenceResult result() {
        return result;
    }

    /** The stable error code ({@code invalid-parameter}, {@code deadline-exceeded}, ...). */
    public String code() {
        return result.getError() == null ? null : result.getError().getCode();
    }

    /** The exception a result that is not SUCCEEDED completes its future with; null for a SUCCEEDED one. */
    static KinferJobException of(InferenceResult result) {
        return switch (result.getStatus()) {
            case SUCCEEDED -> null;
            case FAILED -> new JobFailedException(result);
            case EXPIRED -> new JobExpiredException(result);
        };
    }

    static String describe(InferenceResult result) {
        String why = result.getError() == null ? "" : ": " + result.getError().getCode() + " (" + result.getError().getMessage() + ")";
        return "job " + result.getRequestId() + " on " + result.getModel() + " " + result.getStatus() + why;
    }
}
