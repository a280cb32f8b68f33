package dev.kinfer.catalog;

/**
 * A model manifest, or a model directory, that cannot be read or says something impossible (or unsafe, such as a
 * file name that is not a plain name); the message names every problem.
 */
public final class InvalidManifestException extends RuntimeException {
    public InvalidManifestException(String message, Throwable cause) {
        super(message, cause);
    }
}
