package dev.kinfer.schemas.serde;

import org.apache.kafka.common.errors.SerializationException;

/** Bytes that are not an Avro record in the Confluent wire format, or not one of the expected type. */
public class WireFormatException extends SerializationException {
    public WireFormatException(String message) {
        super(message);
    }

    public WireFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
