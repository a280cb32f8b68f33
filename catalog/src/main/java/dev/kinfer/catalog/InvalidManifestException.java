package dev.kinfer.catalog;

/** A model manifest that cannot be read or says something impossible; the message names every problem. */
public final class InvalidManifestException extends RuntimeException {
    public InvalidManifestException(String message, Throwable cause) {
        super(message, cause);
    }
}
