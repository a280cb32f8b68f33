package dev.kinfer.schemas.serde;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/** Serdes for Kafka Streams and typed clients, sharing one registry client (and so one id cache). */
public final class AvroSerde {
    private AvroSerde() {
    }

    public static <T extends SpecificRecord> Serde<T> of(SchemaRegistryClient registry, Class<T> type) {
        return Serdes.serdeFrom(new AvroSerializer<>(registry), new AvroDeserializer<>(registry, type));
    }
}
