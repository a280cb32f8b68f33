package dev.kinfer.worker.model;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;

/** Loads the model a manifest describes, and warms it up so the first request pays no start-up cost. */
public final class Models {
    private static final int WARM_UP_SIDE = 64;

    private Models() {
    }

    /** Loads the model in {@code modelDir} and runs one throw-away batch through it. */
    public static ModelRunner loadAndWarmUp(Path modelDir) {
        ModelManifest manifest = ModelManifest.read(modelDir);
        ModelRunner runner = switch (manifest.task()) {
            case "remove-background" -> BackgroundRemoval.load(manifest, modelDir);
            case "stylize" -> ImageToImage.load(manifest, modelDir);
            default -> throw new ModelLoadException("no runner for task " + manifest.task(), null);
        };
        try {
            BufferedImage blank = new BufferedImage(WARM_UP_SIDE, WARM_UP_SIDE, BufferedImage.TYPE_INT_RGB);
            runner.run(List.of(List.of(blank)));
        } catch (RuntimeException e) {
            runner.close();
            throw new ModelLoadException("model " + manifest.name() + " failed its warm-up: " + e.getMessage(), e);
        }
        return runner;
    }
}
