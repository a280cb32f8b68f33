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
 * @param task     one of {@link #TASKS}
 * @param engine   {@code OnnxRuntime} or {@code PyTorch}
 * @param artifact the artifact's file name, relative to the manifest
 * @param license  the artifact's licence, shown to users
 * @param device   {@code auto} (a GPU if the engine sees one), {@code cpu} or {@code gpu:N}; default auto
 * @param maxBatchSize most requests in one model call (optional; on a GPU also capped by free memory)
 * @param maxDelayMs   longest a lone request waits for company while the model is free (optional)
 * @param options  task-specific settings (e.g. the synthetic model's costs)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModelManifest(String name, String version, String task, String engine, String artifact, String license,
                            String device, Integer maxBatchSize, Integer maxDelayMs, Map<String, String> options) {
    public static final String FILE_NAME = "manifest.json";
    public static final Set<String> TASKS = Set.of("classify", "remove-background", "stylize", "style-transfer", "upscale", "detect-faces", "embed-face", "verify-face", "synthetic");
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
        List<String> problems = new ArrayList<>();
        if (manifest.name() == null || !Topics.MODEL_NAME.matcher(manifest.name()).matches()) {
            problems.add("name must match " + Topics.MODEL_NAME + " (was " + manifest.name() + ")");
        }
        if (manifest.version() == null || manifest.version().isBlank()) {
            problems.add("version is required");
        } else if (!VERSION.matcher(manifest.version()).matches()) {
            problems.add("version must match " + VERSION + " (was " + manifest.version() + ")");
        }
        if (!TASKS.contains(manifest.task())) {
            problems.add("task must be one of " + TASKS + " (was " + manifest.task() + ")");
        }
        if (!ENGINES.contains(manifest.engine())) {
            problems.add("engine must be one of " + ENGINES + " (was " + manifest.engine() + ")");
        }
        if (manifest.maxBatchSize() != null && manifest.maxBatchSize() < 1) {
            problems.add("maxBatchSize must be at least 1 (was " + manifest.maxBatchSize() + ")");
        }
        if (manifest.maxDelayMs() != null && manifest.maxDelayMs() < 0) {
            problems.add("maxDelayMs must not be negative (was " + manifest.maxDelayMs() + ")");
        }
        if (!DEVICE.matcher(manifest.device()).matches()) {
            problems.add("device must be auto, cpu or gpu:N (was " + manifest.device() + ")");
        }
        // The synthetic model and the statistics-only style transfer compute without weights.
        boolean weightless = "Synthetic".equals(manifest.engine())
                || ("style-transfer".equals(manifest.task()) && manifest.artifact() == null);
        if (!weightless && (manifest.artifact() == null || !Files.isRegularFile(modelDir.resolve(manifest.artifact())))) {
            problems.add("artifact " + manifest.artifact() + " is not a file in " + modelDir);
        }
        if (!problems.isEmpty()) {
            throw new InvalidManifestException("invalid model manifest " + file + ": " + String.join("; ", problems), null);
        }
        return manifest;
    }
}
