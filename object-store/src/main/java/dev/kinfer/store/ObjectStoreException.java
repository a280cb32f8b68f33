package dev.kinfer.store;

/** An object store call failed; {@link #isTransient()} says whether trying again may help. */
public class ObjectStoreException extends RuntimeException {
    private final boolean transientFailure;

    public ObjectStoreException(String message, boolean transientFailure, Throwable cause) {
        super(message, cause);
        this.transientFailure = transientFailure;
    }

    public boolean isTransient() {
        return transientFailure;
    }
}
