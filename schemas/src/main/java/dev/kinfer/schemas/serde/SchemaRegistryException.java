package dev.kinfer.schemas.serde;

import org.apache.kafka.common.errors.SerializationException;

/** The registry could not be reached, or refused what was asked of it. */
public class SchemaRegistryException extends SerializationException {
    public SchemaRegistryException(String message) {
        super(message);
    }

    public SchemaRegistryException(String message, Throwable cause) {
        super(message, cause);
    }
}
