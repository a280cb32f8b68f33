package dev.kinfer.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kinfer.schemas.config.SettingsException;
import dev.kinfer.sink.webhooks.RetrySchedule;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
                "KINFER_S3_SECRET_KEY", "s3-secret"));

        assertThat(config.toString()).contains("kafka:9093", "security.protocol=SASL_SSL", "sasl.jaas.config=[hidden]", "https://registry/",
                "username=svc", "accessKey=access")
                .doesNotContain("kafka-pw", "registry-pw", "s3-secret");
    }

    @Test
    void shouldTakeTheDocumentedDefaults() {
        SinkConfig config = SinkConfig.fromEnvironment(Map.of("KINFER_S3_ENDPOINT", "http://s3:9000", "KINFER_S3_ACCESS_KEY", "access",
                "KINFER_S3_SECRET_KEY", "s3-secret", "KINFER_CALLBACK_ALLOW", "127.0.0.0/8, ::1/128"));

        assertThat(config.host()).isEqualTo("127.0.0.1");
        assertThat(config.port()).isEqualTo(8090);
        assertThat(config.stateDir()).isEqualTo(Path.of(System.getProperty("java.io.tmpdir") + "/kinfer-sink"));
        assertThat(config.jobRetention()).isEqualTo(Duration.ofDays(7));
        assertThat(config.webhooks().schedule().delays()).isEqualTo(RetrySchedule.DEFAULT);
        assertThat(config.webhooks().schedule().attempts()).isEqualTo(12);
        assertThat(config.webhooks().schedule().span()).isBetween(Duration.ofHours(60), Duration.ofHours(72));
        assertThat(config.webhooks().callbackAllowList()).containsExactly("127.0.0.0/8", "::1/128");
        assertThat(SinkConfig.fromEnvironment(Map.of("KINFER_S3_ENDPOINT", "http://s3:9000", "KINFER_S3_ACCESS_KEY", "access",
                "KINFER_S3_SECRET_KEY", "s3-secret")).webhooks().callbackAllowList()).isEqualTo(List.of());
    }

    @Test
    void shouldReportEveryWrongSettingAtOnceWithoutSecrets() {
        assertThatThrownBy(() -> SinkConfig.fromEnvironment(Map.of("KINFER_S3_ENDPOINT", "http://s3:9000", "KINFER_S3_ACCESS_KEY", "access",
                "KINFER_WEBHOOK_RETRY_SCHEDULE", "5s,500ms", "KINFER_HTTP_PORT", "99999", "KINFER_REGISTRY_URL", "https://svc:pw@registry")))
                .isInstanceOfSatisfying(SettingsException.class, e -> assertThat(e.problems()).containsExactlyInAnyOrder(
                        "KINFER_REGISTRY_URL: 'https://***@registry' must not carry credentials: set KINFER_REGISTRY_USERNAME and KINFER_REGISTRY_PASSWORD",
                        "KINFER_S3_SECRET_KEY: must be set",
                        "KINFER_HTTP_PORT: '99999' is not a port (0 to 65535)",
                        "KINFER_WEBHOOK_RETRY_SCHEDULE: '5s,500ms' must be whole seconds, at least 1s each"))
                .message().doesNotContain("svc:pw");
    }
}
