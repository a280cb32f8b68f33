package dev.kinfer.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Job that sizes the request topics. It is a Helm hook, and helm-java's template leaves hooks out, so the tests
 * render a copy of the chart whose Job is a plain manifest.
 */
class TopicsJobTest {
    private static final String HOOK = "helm.sh/hook: pre-install,pre-upgrade";

    @Test
    void shouldRunBeforeInstallAndUpgrade() throws IOException {
        assertThat(Files.readString(template(Chart.DIR))).contains(HOOK);
    }

    @Test
    void shouldCreateEveryRequestTopicAtItsPartitionCount(@TempDir Path dir) throws IOException {
        Path chart = Chart.copyWithValues(dir, Chart.EXAMPLE_VALUES);
        Files.writeString(template(chart), Files.readString(template(chart)).replace(HOOK, ""));
        Job job = Manifests.parse(Chart.template(chart, Chart.EXAMPLE_VALUES).call()).named(Job.class, "prod-kinfer-topics");

        Container container = job.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(container.getImage()).isEqualTo("registry.example.org/kinfer/ingest-api:0.1.0");
        assertThat(container.getCommand()).containsExactly("java", "-cp", "/opt/kinfer/app/*:/opt/kinfer/lib/*", "dev.kinfer.schemas.TopicsMain",
                "kinfer.requests.detect-faces=8", "kinfer.requests.remove-background=4");
        assertThat(container.getEnv()).extracting(EnvVar::getName).contains("KINFER_BOOTSTRAP_SERVERS", "KINFER_KAFKA_SASL_JAAS_CONFIG")
                .noneMatch(name -> name.startsWith("KINFER_S3_") || name.startsWith("KINFER_REGISTRY_"));
        assertThat(job.getSpec().getTemplate().getSpec().getRestartPolicy()).isEqualTo("Never");
    }

    private static Path template(Path chart) {
        return chart.resolve("templates/topics-job.yaml");
    }
}
