package dev.kinfer.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Service;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ServiceMonitors, when asked for: result-sink and the workers always, ingest-api only with an admin key to scrape with. */
class MonitoringTest {
    @Test
    void shouldRenderNoServiceMonitorUnlessAsked() {
        assertThat(Chart.render().custom("ServiceMonitor")).isEmpty();
    }

    @Test
    void shouldScrapeResultSinkAndEveryWorker() {
        Manifests manifests = Chart.render("serviceMonitor.enabled=true", "serviceMonitor.labels.release=prometheus");
        List<GenericKubernetesResource> monitors = manifests.custom("ServiceMonitor");
        assertThat(monitors).extracting(m -> m.getMetadata().getName()).containsExactlyInAnyOrder("prod-kinfer-result-sink", "prod-kinfer-workers");
        assertThat(monitors).allSatisfy(monitor -> {
            assertThat(monitor.getMetadata().getLabels()).containsEntry("release", "prometheus");
            assertThat(endpoint(monitor)).containsEntry("path", "/metrics").containsEntry("interval", "30s");
            // Each ServiceMonitor must find its Service by labels and port name.
            Map<String, String> selector = matchLabels(monitor);
            assertThat(manifests.all(Service.class)).anySatisfy(service -> {
                assertThat(service.getMetadata().getLabels()).containsAllEntriesOf(selector);
                assertThat(service.getSpec().getPorts()).anySatisfy(port -> assertThat(port.getName()).isEqualTo(endpoint(monitor).get("port")));
            });
        });
    }

    @Test
    void shouldScrapeIngestApiWithAnAdminKeyFromASecret() {
        GenericKubernetesResource monitor = Chart.render("serviceMonitor.enabled=true", "ingestApi.metrics.existingSecret=kinfer-metrics-key")
                .custom("ServiceMonitor").stream().filter(m -> m.getMetadata().getName().equals("prod-kinfer-ingest-api")).findFirst().orElseThrow();
        assertThat(endpoint(monitor).get("authorization")).isEqualTo(Map.of("type", "Bearer",
                "credentials", Map.of("name", "kinfer-metrics-key", "key", "api-key")));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> endpoint(GenericKubernetesResource monitor) {
        List<Map<String, Object>> endpoints = (List<Map<String, Object>>) monitor.get("spec", "endpoints");
        assertThat(endpoints).hasSize(1);
        return endpoints.get(0);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> matchLabels(GenericKubernetesResource monitor) {
        return (Map<String, String>) monitor.get("spec", "selector", "matchLabels");
    }
}
