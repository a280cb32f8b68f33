package dev.kinfer.worker;

/**
 * A request that cannot succeed here: a bad or missing image (permanent), or a dependency that stayed down for
 * longer than the worker retries it ({@code retriable}: the client may submit it again). It becomes a FAILED
 * result for that request alone.
 */
final class RequestFailure extends RuntimeException {
    private final String code;
    private final boolean retriable;

    RequestFailure(String code, String message) {
        this(code, message, false);
    }

    RequestFailure(String code, String message, boolean retriable) {
        super(message);
        this.code = code;
        this.retriable = retriable;
    }

    String code() {
        return code;
    }

    boolean retriable() {
        return retriable;
    }
}
