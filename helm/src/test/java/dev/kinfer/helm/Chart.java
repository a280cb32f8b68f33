package dev.kinfer.helm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The chart under test, rendered by the helm library itself (helm-java) as {@code helm template} would, with
 * {@code ci/example-values.yaml} (a complete production-like example) unless a test says otherwise.
 */
final class Chart {
    static final Path DIR = Path.of(System.getProperty("kinfer.chart", "kinfer")).toAbsolutePath();
    static final Path EXAMPLE_VALUES = DIR.resolve("ci/example-values.yaml");
    /** The release name every test renders with: objects are named {@code prod-kinfer-<component>}. */
    static final String RELEASE = "prod";

    private static final YAMLMapper YAML = new YAMLMapper();

    private Chart() {
    }

    /** The example values, then each {@code key=value} as {@code --set} would set it. */
    static Manifests render(String... sets) {
        return render(EXAMPLE_VALUES, sets);
    }

    static Manifests render(Path values, String... sets) {
        return Manifests.parse(template(DIR, values, sets).call());
    }

    static TemplateCommand template(Path chart, Path values, String... sets) {
        TemplateCommand template = new Helm(chart).template().withName(RELEASE).withValuesFile(values);
        for (String set : sets) {
            String[] keyValue = set.split("=", 2);
            template.set(keyValue[0], keyValue[1]);
        }
        return template;
    }

    /**
     * A copy of the chart in {@code target} whose own values.yaml is the chart's merged with {@code values}, as
     * Helm merges them: helm-java lints a chart with its own values only.
     */
    static Path copyWithValues(Path target, Path values) {
        try (Stream<Path> files = Files.walk(DIR)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path copy = target.resolve(DIR.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(copy);
                } else {
                    Files.copy(file, copy);
                }
            }
            ObjectNode merged = (ObjectNode) YAML.readTree(DIR.resolve("values.yaml").toFile());
            merge(merged, YAML.readTree(values.toFile()));
            YAML.writeValue(target.resolve("values.yaml").toFile(), merged);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Helm's rule: maps merge key by key, anything else (lists included) replaces. */
    private static void merge(ObjectNode into, JsonNode from) {
        for (Iterator<Map.Entry<String, JsonNode>> it = from.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (field.getValue().isObject() && into.get(field.getKey()) instanceof ObjectNode existing) {
                merge(existing, field.getValue());
            } else {
                into.set(field.getKey(), field.getValue());
            }
        }
    }
}
