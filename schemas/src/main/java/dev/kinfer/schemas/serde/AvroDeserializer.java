package dev.kinfer.schemas.serde;

import java.io.IOException;
import java.util.Map;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads Confluent-wire-format Avro into a specific record class, resolving the writer's schema (fetched by
 * id from the registry) against the reader's, so that records written with an older compatible schema read fine.
 */
public final class AvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {
    static {
        TrustedRecords.trust();
    }

    private SchemaRegistryClient registry;
    private Class<T> type;
    private Schema readerSchema;

    /** For Kafka's reflective construction; {@link #configure} must follow. */
    public AvroDeserializer() {
    }

    public AvroDeserializer(SchemaRegistryClient registry, Class<T> type) {
        this.registry = registry;
        setType(type);
    }

    @Override
    @SuppressWarnings("unchecked")
    public void configure(Map<String, ?> configs, boolean isKey) {
        if (registry == null) {
            registry = SerdeConfig.registryFrom(configs);
        }
        if (type == null) {
            setType((Class<T>) SerdeConfig.valueTypeFrom(configs));
        }
    }

    private void setType(Class<T> type) {
        this.type = type;
        this.readerSchema = SpecificData.get().getSchema(type);
    }

    @Override
    public T deserialize(String topic, byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        int schemaId = AvroWire.readSchemaId(topic, bytes);
        Schema writerSchema = registry.schemaById(schemaId);
        if (!writerSchema.getFullName().equals(readerSchema.getFullName())) {
            throw new WireFormatException("record on " + topic + " is a " + writerSchema.getFullName()
                    + " (schema id " + schemaId + "), expected " + readerSchema.getFullName());
        }
        try {
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, AvroWire.HEADER_BYTES,
                    bytes.length - AvroWire.HEADER_BYTES, null);
            SpecificDatumReader<T> reader = new SpecificDatumReader<>(writerSchema, readerSchema, SpecificData.getForClass(type));
            T record = reader.read(null, decoder);
            if (!decoder.isEnd()) {
                throw new WireFormatException("record on " + topic + " has bytes left over after its " + type.getSimpleName());
            }
            return record;
        } catch (IOException | AvroRuntimeException | ClassCastException | IndexOutOfBoundsException | NegativeArraySizeException e) {
            throw new WireFormatException("record on " + topic + " is not a readable " + type.getSimpleName()
                    + " (schema id " + schemaId + "): " + e, e);
        }
    }
}
