package dev.kinfer.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SinkConfigTest {
    @Test
    void shouldNeverShowASecret() {
        SinkConfig config = SinkConfig.fromEnvironment(Map.of(
                "KINFER_BOOTSTRAP_SERVERS", "kafka:9093",
                "KINFER_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "KINFER_KAFKA_SASL_JAAS_CONFIG", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"k\" password=\"kafka-pw\";",
                "KINFER_REGISTRY_URL", "https://registry",
                "KINFER_REGISTRY_USERNAME", "svc",
                "KINFER_REGISTRY_PASSWORD", "registry-pw",
                "KINFER_S3_ENDPOINT", "http://s3:9000",
                "KINFER_S3_ACCESS_KEY", "access",
                "KINFER_S3_SECRET_KEY", "s3-secret",
                "KINFER_WEBHOOK_SECRET", "webhook-secret-0123456789"));

        assertThat(config.toString()).contains("kafka:9093", "security.protocol=SASL_SSL", "sasl.jaas.config=[hidden]", "https://registry/",
                "username=svc", "accessKey=access", "webhookSecret=[hidden]")
                .doesNotContain("kafka-pw", "registry-pw", "s3-secret", "webhook-secret-0123456789");
    }
}
