package dev.kinfer.schemas.serde;

import java.nio.ByteBuffer;

/** The Confluent wire format's five-byte header: magic byte {@code 0}, then a big-endian schema id. */
final class AvroWire {
    static final byte MAGIC = 0;
    static final int HEADER_BYTES = 5;

    private AvroWire() {
    }

    static void writeHeader(ByteBuffer out, int schemaId) {
        out.put(MAGIC).putInt(schemaId);
    }

    /** The schema id in {@code bytes}' header, or a {@link WireFormatException} naming what is wrong. */
    static int readSchemaId(String topic, byte[] bytes) {
        if (bytes.length < HEADER_BYTES) {
            throw new WireFormatException("record on " + topic + " is " + bytes.length
                    + " bytes, too short for the Confluent wire format (magic byte + 4-byte schema id + Avro)");
        }
        if (bytes[0] != MAGIC) {
            throw new WireFormatException("record on " + topic + " starts with byte " + bytes[0]
                    + ", not the Confluent wire format's magic byte 0");
        }
        return ByteBuffer.wrap(bytes, 1, 4).getInt();
    }
}
