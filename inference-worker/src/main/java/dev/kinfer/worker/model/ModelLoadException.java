package dev.kinfer.worker.model;

/** A model could not be loaded; the worker reports itself unready with this message instead of consuming. */
public class ModelLoadException extends RuntimeException {
    public ModelLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
