package dev.kinfer.worker;

/** The stable error codes a FAILED or EXPIRED result carries; clients may branch on them. */
final class ErrorCodes {
    static final String INVALID_IMAGE = "invalid-image";
    static final String INPUT_NOT_FOUND = "input-not-found";
    static final String WRONG_INPUT_COUNT = "wrong-input-count";
    static final String INVALID_PARAMETER = "invalid-parameter";
    static final String UNKNOWN_MODEL_VERSION = "unknown-model-version";
    static final String DEADLINE_EXCEEDED = "deadline-exceeded";
    static final String MODEL_ERROR = "model-error";
    static final String WRONG_MODEL = "wrong-model";
    static final String INVALID_REQUEST = "invalid-request";
    static final String INPUT_MISMATCH = "input-mismatch";
    static final String DEPENDENCY_UNAVAILABLE = "dependency-unavailable";
    static final String INTERNAL_ERROR = "internal-error";

    private ErrorCodes() {
    }
}
