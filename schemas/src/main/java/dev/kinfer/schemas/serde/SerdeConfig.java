package dev.kinfer.schemas.serde;

import java.util.Map;
import org.apache.kafka.common.config.ConfigException;

/** The configuration keys of the serde, for clients that set it up through Kafka properties. */
public final class SerdeConfig {
    /** Base URL of the Confluent-compatible schema registry (same key as Confluent's serde). */
    public static final String REGISTRY_URL = "schema.registry.url";
    /** Fully qualified name of the specific record class a deserializer produces. */
    public static final String VALUE_TYPE = "kinfer.avro.value.type";

    private SerdeConfig() {
    }

    static SchemaRegistryClient registryFrom(Map<String, ?> configs) {
        Object url = configs.get(REGISTRY_URL);
        if (url == null || url.toString().isBlank()) {
            throw new ConfigException(REGISTRY_URL + " must be set to the schema registry's base URL");
        }
        return new SchemaRegistryClient(url.toString());
    }

    static Class<?> valueTypeFrom(Map<String, ?> configs) {
        Object type = configs.get(VALUE_TYPE);
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type == null) {
            throw new ConfigException(VALUE_TYPE + " must name the Avro record class to read");
        }
        try {
            return Class.forName(type.toString());
        } catch (ClassNotFoundException e) {
            throw new ConfigException(VALUE_TYPE, type, "no such class");
        }
    }
}
