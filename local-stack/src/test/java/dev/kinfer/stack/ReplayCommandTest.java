package dev.kinfer.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.TypeConversionException;

class ReplayCommandTest {
    @Test
    void shouldTakeAnInstantOrATimeAgo() {
        var times = new ReplayCommand.TimeConverter();
        assertThat(times.convert("2026-11-23T09:00:00Z")).isEqualTo(Instant.parse("2026-11-23T09:00:00Z"));
        assertThat(times.convert("2h")).isBetween(Instant.now().minus(Duration.ofHours(2)).minusSeconds(5),
                Instant.now().minus(Duration.ofHours(2)));
        assertThat(times.convert("now")).isBeforeOrEqualTo(Instant.now());
        assertThatThrownBy(() -> times.convert("yesterday")).isInstanceOf(TypeConversionException.class).hasMessageContaining("30m");
        assertThat(new ReplayCommand.DurationConverter().convert("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(new ReplayCommand.DurationConverter().convert("1d")).isEqualTo(Duration.ofDays(1));
    }

    @Test
    void shouldUseTheLocalStacksCredentialsOnlyWhereTheEnvironmentHasNone(@TempDir Path data) throws Exception {
        assertThatThrownBy(() -> ReplayCommand.connectionSettings(Map.of(), data)).hasMessageContaining("KINFER_S3_ACCESS_KEY");

        Secrets local = Secrets.loadOrCreate(data);
        assertThat(Files.exists(data.resolve("secrets.properties"))).isTrue();
        assertThat(ReplayCommand.connectionSettings(Map.of(), data)).containsEntry("KINFER_S3_ACCESS_KEY", local.s3AccessKey())
                .containsEntry("KINFER_S3_ENDPOINT", "http://127.0.0.1:9000").containsEntry("KINFER_BOOTSTRAP_SERVERS", "127.0.0.1:9092")
                .containsEntry("KINFER_REGISTRY_URL", "http://127.0.0.1:8081/apis/ccompat/v7");
        assertThat(ReplayCommand.connectionSettings(Map.of("KINFER_S3_ACCESS_KEY", "mine", "KINFER_S3_SECRET_KEY", "s"), data))
                .containsEntry("KINFER_S3_ACCESS_KEY", "mine").doesNotContainKey("KINFER_S3_ENDPOINT");
        assertThat(Secrets.loadOrCreate(data)).isEqualTo(local);
    }
}
