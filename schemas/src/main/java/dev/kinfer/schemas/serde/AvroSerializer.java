package dev.kinfer.schemas.serde;

import dev.kinfer.schemas.Topics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes a specific Avro record in the Confluent wire format, registering its schema under
 * {@code <topic>-value} on first use. Configured by constructor, or by Kafka with {@value SerdeConfig#REGISTRY_URL}
 * (and, for a registry that asks for them, Confluent's keys for credentials and a trust store: {@link SerdeConfig}).
 */
public final class AvroSerializer<T extends SpecificRecord> implements Serializer<T> {
    static {
        TrustedRecords.trust();
    }

    private SchemaRegistryClient registry;

    /** For Kafka's reflective construction; {@link #configure} must follow. */
    public AvroSerializer() {
    }

    public AvroSerializer(SchemaRegistryClient registry) {
        this.registry = registry;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        if (registry == null) {
            registry = SerdeConfig.registryFrom(configs);
        }
    }

    @Override
    public byte[] serialize(String topic, T record) {
        if (record == null) {
            return null;
        }
        int schemaId = registry.register(Topics.valueSubject(topic), record.getSchema());
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        ByteBuffer header = ByteBuffer.allocate(AvroWire.HEADER_BYTES);
        AvroWire.writeHeader(header, schemaId);
        out.writeBytes(header.array());
        try {
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            new SpecificDatumWriter<T>(record.getSchema()).write(record, encoder);
            encoder.flush();
        } catch (IOException | RuntimeException e) {
            throw new WireFormatException("cannot encode " + record.getSchema().getFullName() + " for " + topic + ": " + e.getMessage(), e);
        }
        return out.toByteArray();
    }
}
