package dev.kinfer.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each model's workers scale on their consumer group's lag (KEDA), or on CPU without KEDA, never past the partitions. */
class WorkerScalingTest {
    /** The example's models and their partitions. */
    private static final Map<String, Integer> PARTITIONS = Map.of("detect-faces", 8, "remove-background", 4);

    @Test
    void everyWorkerShouldScaleOnTheLagOfItsOwnGroupAndTopic() {
        Manifests manifests = Chart.render();
        List<Deployment> workers = workers(manifests);
        assertThat(workers).hasSize(2);
        for (Deployment worker : workers) {
            String model = worker.getMetadata().getLabels().get("kinfer.dev/model");
            assertThat(worker.getSpec().getReplicas()).as("the autoscaler owns the replica count").isNull();
            GenericKubernetesResource scaledObject = manifests.custom("ScaledObject").stream()
                    .filter(o -> worker.getMetadata().getName().equals(spec(o, "scaleTargetRef").get("name"))).findFirst().orElseThrow();
            assertThat(scaledObject.getApiVersion()).isEqualTo("keda.sh/v1alpha1");
            Map<String, Object> trigger = trigger(scaledObject);
            assertThat(trigger).containsEntry("type", "kafka");
            assertThat(metadata(trigger))
                    .containsEntry("consumerGroup", "kinfer-worker-" + model)
                    .containsEntry("topic", "kinfer.requests." + model)
                    .containsEntry("bootstrapServers", "my-cluster-kafka-bootstrap.kafka:9093")
                    .containsEntry("lagThreshold", "16")
                    .containsEntry("activationLagThreshold", String.valueOf(PARTITIONS.get(model)))
                    .containsEntry("offsetResetPolicy", "earliest");
            assertThat(((Number) scaledObject.get("spec", "maxReplicaCount")).intValue()).isLessThanOrEqualTo(PARTITIONS.get(model));
        }
    }

    @Test
    void shouldScaleToZeroWithKeda() {
        GenericKubernetesResource scaledObject = Chart.render("workers[0].autoscaling.minReplicas=0", "workers[0].autoscaling.activationLagThreshold=20")
                .custom("ScaledObject").get(0);
        assertThat(((Number) scaledObject.get("spec", "minReplicaCount")).intValue()).isZero();
        assertThat(metadata(trigger(scaledObject))).containsEntry("activationLagThreshold", "20");
    }

    @Test
    void shouldRefuseMoreWorkersThanPartitions() {
        assertThatThrownBy(() -> Chart.render("workers[0].autoscaling.maxReplicas=9"))
                .hasMessageContaining("workers[detect-faces]: autoscaling.maxReplicas (9) is more than partitions (8)");
        assertThatThrownBy(() -> Chart.render("workers[0].autoscaling.enabled=false", "workers[0].replicas=9"))
                .hasMessageContaining("workers[detect-faces]: replicas (9) is more than partitions (8)");
    }

    @Test
    void withoutKedaEveryWorkerShouldHaveACpuAutoscaler() {
        Manifests manifests = Chart.render("keda.enabled=false");
        assertThat(manifests.custom("ScaledObject")).isEmpty();
        List<HorizontalPodAutoscaler> autoscalers = manifests.all(HorizontalPodAutoscaler.class);
        assertThat(autoscalers).extracting(hpa -> hpa.getSpec().getScaleTargetRef().getName())
                .containsExactlyInAnyOrderElementsOf(workers(manifests).stream().map(d -> d.getMetadata().getName()).toList());
        assertThat(autoscalers).allSatisfy(hpa -> {
            assertThat(hpa.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
            assertThat(hpa.getSpec().getMetrics()).singleElement().satisfies(metric -> {
                assertThat(metric.getResource().getName()).isEqualTo("cpu");
                assertThat(metric.getResource().getTarget().getAverageUtilization()).isEqualTo(70);
            });
        });
    }

    @Test
    void aHorizontalPodAutoscalerCannotScaleToZero() {
        assertThatThrownBy(() -> Chart.render("keda.enabled=false", "workers[0].autoscaling.minReplicas=0"))
                .hasMessageContaining("minReplicas 0 (scale to zero) needs keda.enabled=true");
    }

    @Test
    void aWorkerWithoutAutoscalingShouldRunItsFixedReplicas() {
        Manifests manifests = Chart.render("workers[0].autoscaling.enabled=false", "workers[0].replicas=3");
        assertThat(manifests.named(Deployment.class, "prod-kinfer-worker-detect-faces").getSpec().getReplicas()).isEqualTo(3);
        assertThat(manifests.custom("ScaledObject")).singleElement()
                .satisfies(o -> assertThat(spec(o, "scaleTargetRef")).containsEntry("name", "prod-kinfer-worker-remove-background"));
    }

    @Test
    void aModelShouldHaveOneWorkerDeployment() {
        assertThatThrownBy(() -> Chart.render("workers[1].model=detect-faces"))
                .hasMessageContaining("model detect-faces is listed twice");
    }

    private static List<Deployment> workers(Manifests manifests) {
        return manifests.all(Deployment.class).stream()
                .filter(d -> "inference-worker".equals(d.getMetadata().getLabels().get("app.kubernetes.io/component"))).toList();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> spec(GenericKubernetesResource resource, String field) {
        return (Map<String, Object>) resource.get("spec", field);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> trigger(GenericKubernetesResource scaledObject) {
        List<Map<String, Object>> triggers = (List<Map<String, Object>>) scaledObject.get("spec", "triggers");
        assertThat(triggers).hasSize(1);
        return triggers.get(0);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> metadata(Map<String, Object> trigger) {
        return (Map<String, Object>) trigger.get("metadata");
    }
}
