package dev.kinfer.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.types.Password;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class KafkaConnectionTest {
    private static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"svc\" password=\"s3cr3t-pw\";";

    private static final Map<String, String> SECURED = Map.of(
            "KINFER_BOOTSTRAP_SERVERS", "broker-1:9093,broker-2:9093",
            "KINFER_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
            "KINFER_KAFKA_SASL_MECHANISM", "SCRAM-SHA-256",
            "KINFER_KAFKA_SASL_JAAS_CONFIG", JAAS,
            "KINFER_KAFKA_SSL_TRUSTSTORE_LOCATION", "/etc/kinfer/ca.p12",
            "KINFER_KAFKA_SSL_TRUSTSTORE_PASSWORD", "store-pw",
            "KINFER_REGISTRY_URL", "https://registry:8081",   // not Kafka's
            "PATH", "/usr/bin");

    @Test
    void shouldMapEveryKinferKafkaVariableToItsKafkaProperty() {
        Map<String, Object> config = KafkaConnection.fromEnvironment(SECURED).clientConfig(Map.of());

        assertThat(config).containsExactlyInAnyOrderEntriesOf(Map.of(
                "bootstrap.servers", "broker-1:9093,broker-2:9093",
                "security.protocol", "SASL_SSL",
                "sasl.mechanism", "SCRAM-SHA-256",
                "sasl.jaas.config", JAAS,
                "ssl.truststore.location", "/etc/kinfer/ca.p12",
                "ssl.truststore.password", "store-pw"));
    }

    @Test
    void shouldNameOnlyPropertiesKafkaDefines() {
        // Kafka's client property names have no underscores, so the mapping is never ambiguous.
        for (ConfigDef def : new ConfigDef[] {ProducerConfig.configDef(), ConsumerConfig.configDef(), AdminClientConfig.configDef()}) {
            assertThat(def.names()).allSatisfy(name -> assertThat(name).doesNotContain("_"));
        }
        assertThat(KafkaConnection.propertyName("KINFER_KAFKA_SSL_ENDPOINT_IDENTIFICATION_ALGORITHM")).isEqualTo("ssl.endpoint.identification.algorithm");
        assertThat(KafkaConnection.propertyName("KINFER_KAFKA_CLIENT_DNS_LOOKUP")).isEqualTo(CommonClientConfigs.CLIENT_DNS_LOOKUP_CONFIG);
    }

    @Test
    void shouldDefaultToTheLocalBrokerWithNoProperties() {
        KafkaConnection connection = KafkaConnection.fromEnvironment(Map.of("KINFER_KAFKA_SASL_MECHANISM", "  "));

        assertThat(connection.bootstrapServers()).isEqualTo("127.0.0.1:9092");
        assertThat(connection.clientConfig(Map.of())).as("a blank variable counts as unset")
                .containsExactlyEntriesOf(Map.of("bootstrap.servers", "127.0.0.1:9092"));
        assertThat(connection).isEqualTo(KafkaConnection.to("127.0.0.1:9092"));
    }

    @Test
    void shouldLetTheClientsOwnSettingsWin() {
        KafkaConnection connection = KafkaConnection.fromEnvironment(Map.of(
                "KINFER_KAFKA_ISOLATION_LEVEL", "read_uncommitted",
                "KINFER_KAFKA_REQUEST_TIMEOUT_MS", "45000",
                "KINFER_KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT"));

        Map<String, Object> config = connection.clientConfig(Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.GROUP_ID_CONFIG, "kinfer-webhooks"));

        assertThat(config).containsEntry("isolation.level", "read_committed")   // what exactly-once rests on
                .containsEntry("group.id", "kinfer-webhooks")
                .containsEntry("request.timeout.ms", "45000")                   // kinfer does not set it here: passed through
                .containsEntry("security.protocol", "SASL_PLAINTEXT");
    }

    @Test
    void shouldWarnOnceByNameWhenTheClientOverridesAPassedThroughProperty() {
        Logger logger = (Logger) LoggerFactory.getLogger(KafkaConnection.class);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        logger.addAppender(logged);
        try {
            KafkaConnection connection = KafkaConnection.fromEnvironment(Map.of("KINFER_KAFKA_TRANSACTIONAL_ID", "mine-123"));
            connection.clientConfig(Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "kinfer-ingest-1"));
            connection.clientConfig(Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "kinfer-ingest-2"));
            connection.clientConfig(Map.of(ProducerConfig.LINGER_MS_CONFIG, 0));
        } finally {
            logger.detachAppender(logged);
        }
        assertThat(logged.list).singleElement().satisfies(event -> {
            assertThat(event.getLevel()).isEqualTo(Level.WARN);
            assertThat(event.getFormattedMessage()).contains("KINFER_KAFKA_TRANSACTIONAL_ID", "transactional.id").doesNotContain("mine-123");
        });
    }

    @Test
    void shouldRefuseTheBootstrapAsAPassedThroughProperty() {
        assertThatThrownBy(() -> KafkaConnection.fromEnvironment(Map.of("KINFER_KAFKA_BOOTSTRAP_SERVERS", "elsewhere:9092")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("KINFER_BOOTSTRAP_SERVERS");
        assertThatThrownBy(() -> KafkaConnection.to("a:9092").clientConfig(Map.of("bootstrap.servers", "b:9092")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRefuseVariablesThatNameNoProperty() {
        for (String variable : new String[] {"KINFER_KAFKA_", "KINFER_KAFKA__SASL", "KINFER_KAFKA_SASL__MECHANISM", "KINFER_KAFKA_SASL_"}) {
            assertThatThrownBy(() -> KafkaConnection.fromEnvironment(Map.of(variable, "x"))).as(variable)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(variable);
        }
    }

    @Test
    void shouldTakeAnotherBootstrapButKeepTheProperties() {
        KafkaConnection connection = KafkaConnection.fromEnvironment(SECURED).withBootstrapServers("other:9093");

        assertThat(connection.bootstrapServers()).isEqualTo("other:9093");
        assertThat(connection.clientConfig(Map.of())).containsEntry("sasl.jaas.config", JAAS);
    }

    @Test
    void shouldShowNamesButHideSecretValues() {
        String shown = KafkaConnection.fromEnvironment(SECURED).toString();

        assertThat(shown).contains("bootstrap.servers=broker-1:9093,broker-2:9093", "security.protocol=SASL_SSL",
                "sasl.mechanism=SCRAM-SHA-256", "ssl.truststore.location=/etc/kinfer/ca.p12",
                "sasl.jaas.config=[hidden]", "ssl.truststore.password=[hidden]");
        assertThat(shown).doesNotContain("s3cr3t-pw", "store-pw", "ScramLoginModule");
    }

    @Test
    void shouldHideEverySecretLookingName() {
        assertThat(KafkaConnection.isSecret("sasl.jaas.config")).isTrue();
        assertThat(KafkaConnection.isSecret("ssl.key.password")).isTrue();
        assertThat(KafkaConnection.isSecret("ssl.keystore.key")).isTrue();
        assertThat(KafkaConnection.isSecret("sasl.oauthbearer.client.credentials.client.secret")).isTrue();
        assertThat(KafkaConnection.isSecret("some.vendor.api.token")).isTrue();
        assertThat(KafkaConnection.isSecret("SASL.JAAS.CONFIG")).isTrue();
        // A password to Kafka, though its name does not say so.
        assertThat(KafkaConnection.isSecret("ssl.truststore.certificates")).isTrue();
        assertThat(KafkaConnection.isSecret("security.protocol")).isFalse();
        assertThat(KafkaConnection.isSecret("sasl.mechanism")).isFalse();
    }

    @Test
    void shouldHideEveryPropertyKafkaTreatsAsAPassword() {
        for (ConfigDef def : new ConfigDef[] {ProducerConfig.configDef(), ConsumerConfig.configDef(), AdminClientConfig.configDef()}) {
            def.configKeys().values().stream().filter(key -> key.type == ConfigDef.Type.PASSWORD)
                    .forEach(key -> assertThat(KafkaConnection.isSecret(key.name)).as(key.name).isTrue());
        }
    }

    @Test
    void shouldLeaveTheJaasConfigToKafkasOwnMaskingWhenItLogsAClientsConfig() {
        // Kafka logs "AdminClientConfig values: ..." (and the like) when a client starts; PASSWORD values are shown as [hidden] there.
        for (ConfigDef def : new ConfigDef[] {ProducerConfig.configDef(), ConsumerConfig.configDef(), AdminClientConfig.configDef()}) {
            assertThat(def.configKeys().get(SaslConfigs.SASL_JAAS_CONFIG).type).isEqualTo(ConfigDef.Type.PASSWORD);
        }
        Map<String, Object> config = KafkaConnection.fromEnvironment(SECURED).clientConfig(Map.of());
        String logged = AdminClientConfig.configDef().parse(config).toString(); // the values its dump shows
        assertThat(logged).contains("sasl.mechanism=SCRAM-SHA-256").doesNotContain("s3cr3t-pw", "store-pw");
        assertThat(new Password(JAAS).toString()).isEqualTo(Password.HIDDEN);
    }
}
