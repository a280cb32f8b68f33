package dev.kinfer.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kinfer.schemas.config.SettingsException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkerConfigTest {
    private static final Map<String, String> S3 = Map.of("KINFER_S3_ENDPOINT", "http://s3:9000", "KINFER_S3_ACCESS_KEY", "access",
            "KINFER_S3_SECRET_KEY", "s3-secret");

    private static Map<String, String> with(Map<String, String> more) {
        Map<String, String> env = new HashMap<>(S3);
        env.putAll(more);
        return env;
    }

    @Test
    void shouldTakeTheDocumentedDefaults() {
        WorkerConfig config = WorkerConfig.fromEnvironment(with(Map.of("KINFER_MODEL", " invert ")));

        assertThat(config.modelName()).isEqualTo("invert");
        assertThat(config.modelDir()).isNull();
        assertThat(config.modelCache()).isEqualTo(Path.of(System.getProperty("java.io.tmpdir"), "kinfer-models"));
        assertThat(config.workerId()).matches("worker-[0-9a-f]{8}");
        assertThat(config.model().maxBatchSize()).isNull();
        assertThat(config.model().maxDelay()).isNull();
        assertThat(config.model().intraOpThreads()).isZero();
        assertThat(config.queueCapacity()).isNull();
        assertThat(config.requestPartitions()).isEqualTo(4);
        assertThat(config.healthPort()).isZero();
        assertThat(config.retryFor()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.maxBatchTime()).isEqualTo(Duration.ofSeconds(300));
    }

    @Test
    void shouldReadTheBatchingOverrides() {
        WorkerConfig config = WorkerConfig.fromEnvironment(with(Map.of("KINFER_MODEL_DIR", "/models/invert", "KINFER_MAX_BATCH_SIZE", "8",
                "KINFER_MAX_DELAY_MS", "5", "KINFER_QUEUE_CAPACITY", "64", "KINFER_WORKER_ID", "worker-7")));

        assertThat(config.modelDir()).isEqualTo(Path.of("/models/invert"));
        assertThat(config.model().maxBatchSize()).isEqualTo(8);
        assertThat(config.model().maxDelay()).isEqualTo(Duration.ofMillis(5));
        assertThat(config.queueCapacity()).isEqualTo(64);
        assertThat(config.workerId()).isEqualTo("worker-7");
    }

    @Test
    void shouldReportEveryWrongSettingAtOnce() {
        assertThatThrownBy(() -> WorkerConfig.fromEnvironment(with(Map.of("KINFER_MAX_BATCH_SIZE", "0", "KINFER_PARTITIONS", "four",
                "KINFER_RETRY_SECONDS", "0"))))
                .isInstanceOfSatisfying(SettingsException.class, e -> assertThat(e.problems()).containsExactly(
                        "KINFER_MAX_BATCH_SIZE: '0' must be at least 1",
                        "KINFER_PARTITIONS: 'four' is not an integer",
                        "KINFER_RETRY_SECONDS: '0' must be positive",
                        "KINFER_MODEL_DIR, KINFER_MODEL: set exactly one of KINFER_MODEL_DIR (a fixed model) and KINFER_MODEL (a model of the catalogue)"));
    }
}
