package dev.kinfer.helm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.stream.Stream;

/**
 * The objects a rendering made, as typed fabric8 models; kinds fabric8 has no model of (KEDA's ScaledObject, the
 * Prometheus Operator's ServiceMonitor) as {@link GenericKubernetesResource}s.
 */
record Manifests(List<HasMetadata> objects) {
    private static final YAMLMapper YAML = new YAMLMapper();

    static Manifests parse(String multiDocumentYaml) {
        List<HasMetadata> objects = new ArrayList<>();
        try (MappingIterator<JsonNode> documents = YAML.readerFor(JsonNode.class).readValues(multiDocumentYaml)) {
            while (documents.hasNext()) {
                JsonNode document = documents.next();
                if (document != null && !document.isNull() && !document.isEmpty()) {
                    // KubernetesResource's deserializer picks the model class from apiVersion and kind.
                    objects.add((HasMetadata) YAML.treeToValue(document, KubernetesResource.class));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Manifests(List.copyOf(objects));
    }

    <T extends HasMetadata> List<T> all(Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    <T extends HasMetadata> T named(Class<T> type, String name) {
        return all(type).stream().filter(o -> o.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new NoSuchElementException("no " + type.getSimpleName() + " " + name + " in " + names()));
    }

    /** Objects of a kind fabric8 has no model of. */
    List<GenericKubernetesResource> custom(String kind) {
        return all(GenericKubernetesResource.class).stream().filter(o -> o.getKind().equals(kind)).toList();
    }

    /** The pod templates of every workload. */
    List<PodTemplateSpec> podTemplates() {
        return Stream.of(
                all(Deployment.class).stream().map(d -> d.getSpec().getTemplate()),
                all(StatefulSet.class).stream().map(s -> s.getSpec().getTemplate()),
                all(Job.class).stream().map(j -> j.getSpec().getTemplate())).flatMap(s -> s).toList();
    }

    private List<String> names() {
        return objects.stream().map(o -> o.getKind() + "/" + o.getMetadata().getName()).toList();
    }
}
