package dev.kinfer.imaging;

/** Bytes that are not an image kinfer accepts; {@link #reason()} says which way. */
public final class RejectedImageException extends RuntimeException {
    /** Why an image was refused. */
    public enum Reason {
        EMPTY,
        UNSUPPORTED_FORMAT,
        TOO_MANY_PIXELS,
        CORRUPT
    }

    private final Reason reason;

    RejectedImageException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
