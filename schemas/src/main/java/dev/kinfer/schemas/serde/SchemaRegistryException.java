package dev.kinfer.schemas.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * The registry could not be reached ({@link #status()} 0), or answered an error status. A record whose
 * schema id the registry does not know (404) is unreadable for good; an unreachable or failing (5xx) registry
 * is the registry's problem, not the record's, and may pass (Apicurio answers 500 to concurrent first
 * registrations of one schema, for one).
 */
public class SchemaRegistryException extends SerializationException {
    private final int status;

    public SchemaRegistryException(String message, int status, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /** The HTTP status the registry answered, or 0 if it could not be reached. */
    public int status() {
        return status;
    }

    public boolean isTransient() {
        return status == 0 || status >= 500;
    }
}
