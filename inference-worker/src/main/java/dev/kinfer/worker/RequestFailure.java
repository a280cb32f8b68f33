package dev.kinfer.worker;

/** A request that cannot succeed whatever is retried (bad image, missing input): it becomes a FAILED result. */
final class RequestFailure extends RuntimeException {
    private final String code;

    RequestFailure(String code, String message) {
        super(message);
        this.code = code;
    }

    String code() {
        return code;
    }
}
