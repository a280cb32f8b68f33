package dev.kinfer.worker.model;

/** A request parameter the model cannot take; the request fails, its batch does not. */
public final class InvalidParameterException extends RuntimeException {
    public InvalidParameterException(String message) {
        super(message);
    }
}
