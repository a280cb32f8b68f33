package dev.kinfer.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kinfer.credentials.Limits;
import dev.kinfer.schemas.config.SettingsException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IngestConfigTest {
    private static final Map<String, String> S3 = Map.of("KINFER_S3_ENDPOINT", "http://s3:9000", "KINFER_S3_ACCESS_KEY", "access",
            "KINFER_S3_SECRET_KEY", "s3-secret");

    @Test
    void shouldTakeTheDocumentedDefaults() {
        IngestConfig config = IngestConfig.fromEnvironment(S3);

        assertThat(config.kafka().bootstrapServers()).isEqualTo("127.0.0.1:9092");
        assertThat(config.registry().url()).hasToString("http://127.0.0.1:8081/");
        assertThat(config.store().region()).isEqualTo("us-east-1");
        assertThat(config.store().bucket()).isEqualTo("kinfer");
        assertThat(config.host()).isEqualTo("127.0.0.1");
        assertThat(config.port()).isEqualTo(8080);
        assertThat(config.jobsUrl()).isEqualTo("http://127.0.0.1:8090");
        assertThat(config.maxImageBytes()).isEqualTo(20L << 20);
        assertThat(config.maxImagePixels()).isEqualTo(40_000_000L);
        assertThat(config.modelUnavailableAfter()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.maxFormParts()).isEqualTo(32);
        assertThat(config.maxConcurrentDecodes()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(config.cacheTtl()).isEqualTo(Duration.ofSeconds(3600));
        assertThat(config.cacheMaxEntries()).isEqualTo(100_000);
        assertThat(config.maxBacklog()).isEqualTo(10_000);
        assertThat(config.auth().enabled()).isTrue();
        assertThat(config.auth().tenantClaim()).isEqualTo("tenant");
        assertThat(config.auth().jwtLimits()).isEqualTo(Limits.UNLIMITED);
    }

    @Test
    void shouldReadEveryVariable() {
        Map<String, String> env = new HashMap<>(S3);
        env.putAll(Map.of("KINFER_HTTP_PORT", "0", "KINFER_AUTH", "off", "KINFER_MAX_BACKLOG", "0", "KINFER_CACHE_TTL_SECONDS", "60",
                "KINFER_JWT_REQUESTS_PER_SECOND", "2.5", "KINFER_JWT_BYTES_PER_SECOND", "1000", "KINFER_MAX_CONCURRENT_DECODES", "3"));
        IngestConfig config = IngestConfig.fromEnvironment(env);

        assertThat(config.port()).isZero();
        assertThat(config.auth().enabled()).isFalse();
        assertThat(config.maxBacklog()).isZero();
        assertThat(config.cacheTtl()).isEqualTo(Duration.ofMinutes(1));
        assertThat(config.maxConcurrentDecodes()).isEqualTo(3);
        assertThat(config.auth().jwtLimits()).isEqualTo(new Limits(2.5, 3, 1000));
    }

    @Test
    void shouldReportEveryWrongSettingAtOnceWithoutSecrets() {
        assertThatThrownBy(() -> IngestConfig.fromEnvironment(Map.of("KINFER_HTTP_PORT", "abc", "KINFER_AUTH", "maybe",
                "KINFER_JWT_HS256_SECRET", "too-short-hmac-key", "KINFER_MAX_FORM_PARTS", "0", "KINFER_KAFKA_BOOTSTRAP_SERVERS", "x:9092")))
                .isInstanceOfSatisfying(SettingsException.class, e -> assertThat(e.problems()).containsExactlyInAnyOrder(
                        "KINFER_S3_ENDPOINT: must be set",
                        "KINFER_S3_ACCESS_KEY: must be set",
                        "KINFER_S3_SECRET_KEY: must be set",
                        "KINFER_AUTH: 'maybe' must be on or off",
                        "KINFER_JWT_HS256_SECRET: the value must be at least 32 bytes (256 bits) for HS256",
                        "KINFER_HTTP_PORT: 'abc' is not an integer",
                        "KINFER_MAX_FORM_PARTS: '0' must be at least 1",
                        "KINFER_KAFKA_BOOTSTRAP_SERVERS: is not read: set KINFER_BOOTSTRAP_SERVERS instead"))
                .message().doesNotContain("too-short-hmac-key");
    }
}
