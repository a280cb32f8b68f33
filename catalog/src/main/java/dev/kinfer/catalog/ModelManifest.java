package dev.kinfer.catalog;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kinfer.schemas.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a model artifact is and how to run it; lives as {@code manifest.json} beside the artifact.
 *
 * @param name     the model's public name (also its request topic's suffix)
 * @param version  a label users may pin
 * @param task     one of {@link #TASKS}; what it takes and gives is its {@link TaskSpec}
 * @param engine   {@code OnnxRuntime} or {@code PyTorch}
 * @param artifact the artifact's file name, beside the manifest (a plain name: no directories)
 * @param license  the artifact's licence, shown to users
 * @param device   {@code auto} (a GPU if the engine sees one), {@code cpu} or {@code gpu:N}; default auto
 * @param maxBatchSize most requests in one model call (optional, default {@value #DEFAULT_MAX_BATCH_SIZE}; on a GPU
 *                     also capped by free memory)
 * @param maxDelayMs   longest a lone request waits for company while the model is free (optional, default
 *                     {@value #DEFAULT_MAX_DELAY_MS})
 * @param options  task-specific settings (e.g. the synthetic model's costs); an option named as a parameter's
 *                 {@link ParamSpec#defaultOption()} sets that parameter's default, and must be a value it takes
 * @param source   where the weights come from, shown to users (optional, at most {@value #MAX_SOURCE} characters):
 *                 a demo's package and what it is, or whose export this is
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModelManifest(String name, String version, String task, String engine, String artifact, String license,
                            String device, Integer maxBatchSize, Integer maxDelayMs, Map<String, String> options, String source) {
    public static final int MAX_SOURCE = 400;
    public static final String FILE_NAME = "manifest.json";
    public static final Set<String> TASKS = TaskSpecs.tasks();
    public static final int DEFAULT_MAX_BATCH_SIZE = 8;
    public static final int DEFAULT_MAX_DELAY_MS = 0;
    public static final Set<String> ENGINES = Set.of("OnnxRuntime", "PyTorch", "Synthetic");
    /** Versions name object-store keys and catalogue keys, so they are restricted to what is safe in both. */
    public static final Pattern VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern DEVICE = Pattern.compile("auto|cpu|gpu:\\d+");

    public ModelManifest {
        device = device == null ? "auto" : device;
        options = options == null ? Map.of() : Map.copyOf(options);
    }

    /** Reads and validates the manifest in {@code modelDir}, naming every problem at once. */
    public static ModelManifest read(Path modelDir) {
        Path file = modelDir.resolve(FILE_NAME);
        ModelManifest manifest;
        try {
            manifest = new ObjectMapper().readValue(file.toFile(), ModelManifest.class);
        } catch (IOException e) {
            throw new InvalidManifestException("cannot read model manifest " + file + ": " + e.getMessage(), e);
        }
        List<String> problems = manifest.problems();
        if (!manifest.weightless() && manifest.artifact() != null && CatalogNames.FILE_NAME.matcher(manifest.artifact()).matches()
                && !Files.isRegularFile(modelDir.resolve(manifest.artifact()))) {
            problems.add("artifact " + manifest.artifact() + " is not a file in " + modelDir);
        }
        if (!problems.isEmpty()) {
            throw new InvalidManifestException("invalid model manifest " + file + ": " + String.join("; ", problems), null);
        }
        return manifest;
    }

    /**
     * Everything wrong with this manifest that can be told without its files; empty if nothing. Checked when a
     * model is deployed and again on every catalogue record read, since the topic is input like any other.
     */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (name == null || !Topics.MODEL_NAME.matcher(name).matches()) {
            problems.add("name must match " + Topics.MODEL_NAME + " (was " + name + ")");
        }
        if (version == null || version.isBlank()) {
            problems.add("version is required");
        } else if (!VERSION.matcher(version).matches()) {
            problems.add("version must match " + VERSION + " (was " + version + ")");
        }
        if (!TASKS.contains(task)) {
            problems.add("task must be one of " + TASKS + " (was " + task + ")");
        } else {
            problems.addAll(TaskSpecs.of(task).problems(options));
        }
        if (!ENGINES.contains(engine)) {
            problems.add("engine must be one of " + ENGINES + " (was " + engine + ")");
        }
        if (maxBatchSize != null && maxBatchSize < 1) {
            problems.add("maxBatchSize must be at least 1 (was " + maxBatchSize + ")");
        }
        if (maxDelayMs != null && maxDelayMs < 0) {
            problems.add("maxDelayMs must not be negative (was " + maxDelayMs + ")");
        }
        if (source != null && (source.isBlank() || source.length() > MAX_SOURCE || source.chars().anyMatch(Character::isISOControl))) {
            problems.add("source must be one line of 1 to " + MAX_SOURCE + " characters, if given");
        }
        if (!DEVICE.matcher(device).matches()) {
            problems.add("device must be auto, cpu or gpu:N (was " + device + ")");
        }
        if (artifact != null && !CatalogNames.FILE_NAME.matcher(artifact).matches()) {
            problems.add("artifact must be a file name beside the manifest, matching " + CatalogNames.FILE_NAME + " (was " + artifact + ")");
        } else if (artifact == null && !weightless()) {
            problems.add("artifact is required for " + task + " on " + engine);
        }
        return problems;
    }

    /** The synthetic model and the statistics-only style transfer compute without weights. */
    private boolean weightless() {
        return "Synthetic".equals(engine) || ("style-transfer".equals(task) && artifact == null);
    }
}
