package dev.kinfer.sink;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/** JSON serde for result-sink's own records (job state, webhook deliveries), which no other service reads. */
final class JsonSerde {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonSerde() {
    }

    static <T> Serde<T> of(Class<T> type) {
        return Serdes.serdeFrom(
                (topic, value) -> {
                    try {
                        return value == null ? null : JSON.writeValueAsBytes(value);
                    } catch (IOException e) {
                        throw new SerializationException("cannot write " + type.getSimpleName(), e);
                    }
                },
                (topic, bytes) -> {
                    try {
                        return bytes == null ? null : JSON.readValue(bytes, type);
                    } catch (IOException e) {
                        throw new SerializationException("cannot read " + type.getSimpleName() + " from " + topic, e);
                    }
                });
    }
}
