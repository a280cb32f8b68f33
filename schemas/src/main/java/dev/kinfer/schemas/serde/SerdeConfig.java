package dev.kinfer.schemas.serde;

import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/** The configuration keys of the serde, for clients that set it up through Kafka properties. */
public final class SerdeConfig {
    /** Base URL of the Confluent-compatible schema registry (same key as Confluent's serde). */
    public static final String REGISTRY_URL = "schema.registry.url";
    /** {@code user:password} for a registry behind HTTP basic auth (Confluent's key; its credentials source is implied). */
    public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
    /** A bearer token for the registry (Confluent's key; a static token). */
    public static final String BEARER_AUTH_TOKEN = "bearer.auth.token";
    /** A PKCS12 or JKS file holding the CA of an https registry the JVM does not already trust (Confluent's key). */
    public static final String TRUSTSTORE_LOCATION = "schema.registry.ssl.truststore.location";
    /** The password of {@value #TRUSTSTORE_LOCATION}, if it has one. */
    public static final String TRUSTSTORE_PASSWORD = "schema.registry.ssl.truststore.password";
    /** Fully qualified name of the specific record class a deserializer produces. */
    public static final String VALUE_TYPE = "kinfer.avro.value.type";

    private SerdeConfig() {
    }

    static SchemaRegistryClient registryFrom(Map<String, ?> configs) {
        Object url = configs.get(REGISTRY_URL);
        if (url == null || url.toString().isBlank()) {
            throw new ConfigException(REGISTRY_URL + " must be set to the schema registry's base URL");
        }
        return new SchemaRegistryClient(connectionFrom(configs));
    }

    static RegistryConnection connectionFrom(Map<String, ?> configs) {
        RegistryConnection connection = RegistryConnection.to(configs.get(REGISTRY_URL).toString());
        String userInfo = string(configs, BASIC_AUTH_USER_INFO);
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            if (colon < 0) {
                throw new ConfigException(BASIC_AUTH_USER_INFO + " must be user:password");
            }
            connection = connection.withBasicAuth(userInfo.substring(0, colon), userInfo.substring(colon + 1));
        }
        String token = string(configs, BEARER_AUTH_TOKEN);
        if (token != null) {
            connection = connection.withBearerToken(token);
        }
        String trustStore = string(configs, TRUSTSTORE_LOCATION);
        if (trustStore != null) {
            connection = connection.withTrustStore(Path.of(trustStore), string(configs, TRUSTSTORE_PASSWORD));
        }
        return connection;
    }

    /** A setting's text; Kafka hands a {@code PASSWORD}-typed one over as a {@link Password}. */
    private static String string(Map<String, ?> configs, String name) {
        Object value = configs.get(name);
        String text = value instanceof Password password ? password.value() : value == null ? null : value.toString();
        return text == null || text.isBlank() ? null : text;
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
