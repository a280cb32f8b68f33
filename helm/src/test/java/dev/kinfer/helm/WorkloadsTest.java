package dev.kinfer.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** What every pod must be, and how the three services are wired to each other. */
class WorkloadsTest {
    /** Names of settings that carry a credential: their values may only come from a Secret. */
    private static final Pattern SECRET_VARIABLE = Pattern.compile(".*(PASSWORD|SECRET|JAAS|TOKEN|ACCESS_KEY|CREDENTIAL).*");

    private final Manifests manifests = Chart.render();

    @Test
    void shouldRenderTheServicesAndAWorkerPerModel() {
        assertThat(manifests.all(Deployment.class)).extracting(d -> d.getMetadata().getName())
                .containsExactlyInAnyOrder("prod-kinfer-ingest-api", "prod-kinfer-worker-detect-faces", "prod-kinfer-worker-remove-background");
        assertThat(manifests.all(StatefulSet.class)).extracting(s -> s.getMetadata().getName()).containsExactly("prod-kinfer-result-sink");
    }

    @Test
    void everyServiceContainerShouldBeProbedOnItsHealthRoutes() {
        List<Container> containers = manifests.podTemplates().stream().flatMap(pod -> pod.getSpec().getContainers().stream()).toList();
        assertThat(containers).hasSize(4).allSatisfy(container -> {
            assertThat(container.getLivenessProbe()).as("%s liveness", container.getName())
                    .extracting(probe -> probe.getHttpGet().getPath()).isEqualTo("/health/live");
            assertThat(container.getReadinessProbe()).as("%s readiness", container.getName())
                    .extracting(probe -> probe.getHttpGet().getPath()).isEqualTo("/health/ready");
        });
    }

    @Test
    void everyContainerShouldHaveRequestsAndLimitsAndRunLockedDown() {
        assertThat(manifests.podTemplates()).isNotEmpty().allSatisfy(pod -> {
            assertThat(pod.getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
            assertThat(pod.getSpec().getAutomountServiceAccountToken()).isFalse();
            assertThat(pod.getSpec().getVolumes()).filteredOn(v -> v.getName().equals("tmp")).singleElement()
                    .satisfies(tmp -> assertThat(tmp.getEmptyDir()).isNotNull());
            assertThat(pod.getSpec().getContainers()).allSatisfy(container -> {
                assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
                assertThat(container.getResources().getLimits()).containsKeys("cpu", "memory");
                var security = container.getSecurityContext();
                assertThat(security.getRunAsNonRoot()).as("runAsNonRoot is the pod's").isNotEqualTo(Boolean.FALSE);
                assertThat(security.getReadOnlyRootFilesystem()).isTrue();
                assertThat(security.getAllowPrivilegeEscalation()).isFalse();
                assertThat(security.getCapabilities().getDrop()).containsExactly("ALL");
                assertThat(container.getVolumeMounts()).anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/tmp"));
            });
        });
    }

    @Test
    void secretsShouldOnlyComeFromExistingSecrets() {
        assertThat(manifests.all(Secret.class)).isEmpty();
        List<EnvVar> secretVariables = manifests.podTemplates().stream().flatMap(pod -> pod.getSpec().getContainers().stream())
                .flatMap(container -> container.getEnv().stream()).filter(env -> SECRET_VARIABLE.matcher(env.getName()).matches()).toList();
        assertThat(secretVariables).extracting(EnvVar::getName)
                .contains("KINFER_KAFKA_SASL_JAAS_CONFIG", "KINFER_REGISTRY_PASSWORD", "KINFER_S3_ACCESS_KEY", "KINFER_S3_SECRET_KEY");
        assertThat(secretVariables).allSatisfy(env -> {
            assertThat(env.getValue()).as(env.getName()).isNull();
            assertThat(env.getValueFrom().getSecretKeyRef().getName()).as(env.getName()).isNotBlank();
        });
    }

    @Test
    void kafkaPropertiesShouldReachEveryServiceUnderKinfersNames() {
        assertThat(manifests.podTemplates()).allSatisfy(pod -> assertThat(env(only(pod)))
                .containsEntry("KINFER_BOOTSTRAP_SERVERS", "my-cluster-kafka-bootstrap.kafka:9093")
                .containsEntry("KINFER_KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
                .containsEntry("KINFER_KAFKA_SSL_TRUSTSTORE_LOCATION", "/etc/kinfer/kafka-ca/ca.crt"));
    }

    @Test
    void ingestApiShouldFindResultSinkThroughItsInternalService() {
        Service sink = manifests.named(Service.class, "prod-kinfer-result-sink");
        assertThat(sink.getSpec().getType()).isEqualTo("ClusterIP");
        Container ingest = only(manifests.named(Deployment.class, "prod-kinfer-ingest-api").getSpec().getTemplate());
        assertThat(env(ingest)).containsEntry("KINFER_JOBS_URL", "http://prod-kinfer-result-sink:" + sink.getSpec().getPorts().get(0).getPort())
                .containsEntry("KINFER_HTTP_HOST", "0.0.0.0");
    }

    @Test
    void theIngressShouldLeadToIngestApiAlone() {
        Ingress ingress = manifests.named(Ingress.class, "prod-kinfer-ingest-api");
        assertThat(ingress.getSpec().getTls()).singleElement().satisfies(tls -> assertThat(tls.getHosts()).containsExactly("kinfer.example.org"));
        assertThat(ingress.getSpec().getRules()).singleElement().satisfies(rule -> assertThat(rule.getHttp().getPaths()).singleElement()
                .satisfies(path -> assertThat(path.getBackend().getService().getName()).isEqualTo("prod-kinfer-ingest-api")));
        assertThat(Chart.render("ingestApi.ingress.enabled=false").all(Ingress.class)).isEmpty();
    }

    @Test
    void onlyIngestApiShouldReachResultSink() {
        NetworkPolicy policy = manifests.named(NetworkPolicy.class, "prod-kinfer-result-sink");
        assertThat(policy.getSpec().getPodSelector().getMatchLabels()).containsEntry("app.kubernetes.io/component", "result-sink");
        assertThat(policy.getSpec().getIngress()).singleElement().satisfies(rule -> {
            assertThat(rule.getFrom()).extracting(NetworkPolicyPeer::getPodSelector).singleElement()
                    .satisfies(selector -> assertThat(selector.getMatchLabels()).containsEntry("app.kubernetes.io/component", "ingest-api"));
            assertThat(rule.getPorts()).singleElement().satisfies(port -> assertThat(port.getPort().getStrVal()).isEqualTo("http"));
        });
        assertThat(Chart.render("resultSink.networkPolicy.enabled=false").all(NetworkPolicy.class)).isEmpty();
    }

    @Test
    void resultSinkShouldKeepItsStateStoreOnItsOwnVolume() {
        StatefulSet sink = manifests.named(StatefulSet.class, "prod-kinfer-result-sink");
        assertThat(sink.getSpec().getReplicas()).isEqualTo(1);
        assertThat(sink.getSpec().getVolumeClaimTemplates()).singleElement().satisfies(claim -> {
            assertThat(claim.getMetadata().getName()).isEqualTo("state");
            assertThat(claim.getSpec().getResources().getRequests()).containsEntry("storage", new Quantity("10Gi"));
        });
        Container container = only(sink.getSpec().getTemplate());
        assertThat(container.getVolumeMounts()).anySatisfy(mount -> {
            assertThat(mount.getName()).isEqualTo("state");
            assertThat(mount.getMountPath()).isEqualTo(env(container).get("KINFER_STATE_DIR"));
        });
    }

    @Test
    void aWorkerShouldServeItsModelWithItsGpusAndBatching() {
        Container worker = only(manifests.named(Deployment.class, "prod-kinfer-worker-remove-background").getSpec().getTemplate());
        assertThat(env(worker)).containsEntry("KINFER_MODEL", "remove-background").containsEntry("KINFER_PARTITIONS", "4")
                .containsEntry("KINFER_HEALTH_PORT", "8070").containsEntry("KINFER_MAX_BATCH_SIZE", "16")
                .containsEntry("KINFER_MAX_DELAY_MS", "10").doesNotContainKey("KINFER_QUEUE_CAPACITY");
        assertThat(worker.getResources().getLimits()).containsEntry("nvidia.com/gpu", new Quantity("1"));
        assertThat(worker.getPorts()).singleElement().satisfies(port -> assertThat(port.getContainerPort()).isEqualTo(8070));

        Container cpuWorker = only(manifests.named(Deployment.class, "prod-kinfer-worker-detect-faces").getSpec().getTemplate());
        assertThat(cpuWorker.getResources().getLimits()).doesNotContainKey("nvidia.com/gpu");
        assertThat(env(cpuWorker)).doesNotContainKey("KINFER_MAX_BATCH_SIZE");
    }

    @Test
    void everyWorkloadShouldHaveADisruptionBudgetOverItsPods() {
        List<PodDisruptionBudget> budgets = manifests.all(PodDisruptionBudget.class);
        assertThat(manifests.all(Deployment.class)).allSatisfy(deployment -> assertThat(budgets).anySatisfy(budget ->
                assertThat(budget.getSpec().getSelector()).isEqualTo(deployment.getSpec().getSelector())));
        assertThat(budgets).extracting(b -> b.getMetadata().getName()).contains("prod-kinfer-result-sink");
    }

    @Test
    void imagesShouldComeFromTheRegistryAtTheChartsVersion() {
        assertThat(only(manifests.named(Deployment.class, "prod-kinfer-ingest-api").getSpec().getTemplate()).getImage())
                .isEqualTo("registry.example.org/kinfer/ingest-api:0.1.0");
        assertThat(only(Chart.render("image.tag=1.2.3").named(StatefulSet.class, "prod-kinfer-result-sink").getSpec().getTemplate()).getImage())
                .isEqualTo("registry.example.org/kinfer/result-sink:1.2.3");
    }

    private static Container only(PodTemplateSpec pod) {
        assertThat(pod.getSpec().getContainers()).hasSize(1);
        return pod.getSpec().getContainers().get(0);
    }

    /** A container's plain variables (those read from a Secret or a field map to null). */
    private static Map<String, String> env(Container container) {
        Map<String, String> env = new HashMap<>();
        container.getEnv().forEach(variable -> env.put(variable.getName(), variable.getValue()));
        return env;
    }
}
