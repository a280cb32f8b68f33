package dev.kinfer.schemas;

import dev.kinfer.schemas.config.Prefix;
import dev.kinfer.schemas.config.Setting;
import dev.kinfer.schemas.config.Settings;
import dev.kinfer.schemas.config.Values;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How to reach Kafka: the bootstrap servers and the client properties every client kinfer makes is given (security
 * protocol, SASL, TLS, DNS lookup, timeouts kinfer does not set...), parsed from the environment once.
 *
 * <p>{@code KINFER_BOOTSTRAP_SERVERS} is the bootstrap; every other {@code KINFER_KAFKA_<NAME>} variable is the Kafka
 * client property {@code <name>} lower-cased with {@code _} turned into {@code .} (Kafka's property names have no
 * underscores), e.g. {@code KINFER_KAFKA_SASL_JAAS_CONFIG} is {@code sasl.jaas.config}. A blank variable counts as
 * unset. Every property goes to every client (producers, consumers, admins, Kafka Streams); a client ignores those
 * that are not its own, as Kafka does.
 *
 * <p><b>What wins.</b> A client's own settings ({@link #clientConfig}) win over passed-through properties: they are
 * what kinfer's guarantees rest on (transactional ids, isolation level, group ids, acks and idempotence, offset
 * commits, serializers) and the timeouts its failure handling is tuned to. A passed-through property that one of them
 * overrides is reported once, by name, as a warning.
 *
 * <p><b>Secrets.</b> {@link #toString()} shows every property's name but hides the value of any that looks secret
 * ({@link #isSecret}); nothing here logs a value. Kafka's own dump of a client's configuration hides the values of
 * its {@code PASSWORD} properties ({@code sasl.jaas.config}, {@code ssl.*.password}, ...).
 */
public final class KafkaConnection {
    /** The variable naming the bootstrap servers. */
    public static final String BOOTSTRAP_SERVERS_VARIABLE = "KINFER_BOOTSTRAP_SERVERS";
    /** Every variable with this prefix is a Kafka client property. */
    public static final String PROPERTY_PREFIX = "KINFER_KAFKA_";
    public static final String DEFAULT_BOOTSTRAP_SERVERS = "127.0.0.1:9092";
    /** Shown instead of a secret's value. */
    static final String HIDDEN = "[hidden]";

    /** {@code KINFER_BOOTSTRAP_SERVERS}. */
    public static final Setting<String> BOOTSTRAP_SERVERS = Setting.string(BOOTSTRAP_SERVERS_VARIABLE).defaultTo(DEFAULT_BOOTSTRAP_SERVERS)
            .doc("Kafka's bootstrap servers, `host:port[,host:port...]` (`--bootstrap-servers` on the `./kinfer` commands wins over it). "
                    + "Brokers must allow transactions (`transaction.state.log.*` set for the cluster's size).");
    /** Every {@code KINFER_KAFKA_<PROPERTY>}. */
    public static final Prefix PROPERTIES = new Prefix(PROPERTY_PREFIX + "<PROPERTY>", PROPERTY_PREFIX, "string (prefix)",
            "The Kafka client property `<property>`, lower-cased with `_` read as `.`: `KINFER_KAFKA_SECURITY_PROTOCOL` is "
                    + "`security.protocol`, `KINFER_KAFKA_SASL_JAAS_CONFIG` is `sasl.jaas.config`. Goes to every client kinfer makes "
                    + "(producers, consumers, admins, Kafka Streams); kinfer's own client settings win over it. Values of "
                    + "secret-looking properties are never shown.",
            KafkaConnection::problem, variable -> {
                try {
                    return isSecret(propertyName(variable));
                } catch (IllegalArgumentException e) {
                    return true;
                }
            });
    /** What {@link #fromEnvironment} reads: the bootstrap and the passed-through client properties. */
    public static final Settings SETTINGS = Settings.of(BOOTSTRAP_SERVERS).and(PROPERTIES);

    private static final Logger log = LoggerFactory.getLogger(KafkaConnection.class);
    private static final List<String> SECRET_WORDS = List.of("password", "jaas", "secret", "key", "token", "credential");
    /** The properties Kafka's clients themselves treat as passwords (some have no secret-looking name). */
    private static final Set<String> KAFKA_PASSWORDS = Stream.of(ProducerConfig.configDef(), ConsumerConfig.configDef(),
                    AdminClientConfig.configDef())
            .flatMap(def -> def.configKeys().values().stream())
            .filter(key -> key.type == ConfigDef.Type.PASSWORD)
            .map(key -> key.name)
            .collect(Collectors.toUnmodifiableSet());

    private final String bootstrapServers;
    private final SortedMap<String, String> properties;
    /** Passed-through properties already reported as overridden by a client's own setting. */
    private final Set<String> reportedOverrides = ConcurrentHashMap.newKeySet();

    private KafkaConnection(String bootstrapServers, SortedMap<String, String> properties) {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException(BOOTSTRAP_SERVERS_VARIABLE + " must name at least one broker (host:port)");
        }
        this.bootstrapServers = bootstrapServers.strip();
        this.properties = properties;
    }

    /** A connection with no client properties beyond the bootstrap (a PLAINTEXT listener). */
    public static KafkaConnection to(String bootstrapServers) {
        return new KafkaConnection(bootstrapServers, new TreeMap<>());
    }

    /** {@code KINFER_BOOTSTRAP_SERVERS} (default {@value #DEFAULT_BOOTSTRAP_SERVERS}) and every {@code KINFER_KAFKA_*}. */
    public static KafkaConnection fromEnvironment(Map<String, String> env) {
        return from(SETTINGS.parse(env));
    }

    /** The connection {@link #SETTINGS} (as part of a service's settings) describe. */
    public static KafkaConnection from(Values values) {
        SortedMap<String, String> properties = new TreeMap<>();
        values.prefixed(PROPERTY_PREFIX).forEach((variable, value) -> properties.put(propertyName(variable), value));
        return new KafkaConnection(values.get(BOOTSTRAP_SERVERS), properties);
    }

    /** What is wrong with one {@code KINFER_KAFKA_*} variable, if anything. */
    private static Optional<String> problem(String variable, String value) {
        try {
            if (propertyName(variable).equals(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)) {
                return Optional.of("is not read: set " + BOOTSTRAP_SERVERS_VARIABLE + " instead");
            }
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of("does not name a Kafka property (KINFER_KAFKA_<NAME>, e.g. KINFER_KAFKA_SECURITY_PROTOCOL)");
        }
    }

    /** {@code KINFER_KAFKA_SASL_JAAS_CONFIG} is {@code sasl.jaas.config}. */
    static String propertyName(String variable) {
        String name = variable.substring(PROPERTY_PREFIX.length());
        if (name.isEmpty() || name.startsWith("_") || name.endsWith("_") || name.contains("__")) {
            throw new IllegalArgumentException(variable + " does not name a Kafka property (KINFER_KAFKA_<NAME>, e.g. KINFER_KAFKA_SECURITY_PROTOCOL)");
        }
        return name.toLowerCase(Locale.ROOT).replace('_', '.');
    }

    /** The same client properties against other brokers (a command-line flag that names them). */
    public KafkaConnection withBootstrapServers(String servers) {
        return new KafkaConnection(servers, properties);
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /**
     * The configuration of one client: the passed-through properties, the bootstrap servers, and on top the client's
     * own settings, which win (see the class comment). {@code own} must not name the bootstrap servers.
     */
    public Map<String, Object> clientConfig(Map<String, ?> own) {
        if (own.containsKey(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)) {
            throw new IllegalArgumentException("the bootstrap servers come from the connection, not from a client's settings");
        }
        Map<String, Object> config = new HashMap<>(properties);
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        own.forEach((name, value) -> {
            String passed = properties.get(name);
            if (passed != null && !passed.equals(String.valueOf(value)) && reportedOverrides.add(name)) {
                log.warn("{}{} is ignored where kinfer sets {} itself", PROPERTY_PREFIX, name.toUpperCase(Locale.ROOT).replace('.', '_'), name);
            }
            config.put(name, value);
        });
        return config;
    }

    /** Whether a property's value is hidden when shown: its name looks secret, or Kafka's clients treat it as a password. */
    public static boolean isSecret(String property) {
        String name = property.toLowerCase(Locale.ROOT);
        return KAFKA_PASSWORDS.contains(name) || SECRET_WORDS.stream().anyMatch(name::contains);
    }

    /** The bootstrap and every property's name; values of secret-looking properties hidden. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("KafkaConnection[bootstrap.servers=").append(bootstrapServers);
        properties.forEach((name, value) -> text.append(", ").append(name).append('=').append(isSecret(name) ? HIDDEN : value));
        return text.append(']').toString();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof KafkaConnection that && bootstrapServers.equals(that.bootstrapServers) && properties.equals(that.properties);
    }

    @Override
    public int hashCode() {
        return Objects.hash(bootstrapServers, properties);
    }
}
