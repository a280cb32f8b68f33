package dev.kinfer.worker.model;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;

/** Loads the model a manifest describes, and warms it up so the first request pays no start-up cost. */
public final class Models {
    private static final int WARM_UP_SIDE = 64;

    private Models() {
    }

    /**
     * Loads the model in {@code modelDir} and runs throw-away batches through it. PyTorch's profiling executor
     * pays a large one-off cost the first time it sees a batch shape, which must not land on a user's request,
     * so it sees every size up to {@code maxBatchSize}; ONNX Runtime plans once for a dynamic batch axis.
     */
    public static ModelRunner loadAndWarmUp(Path modelDir, int maxBatchSize) {
        ModelManifest manifest = ModelManifest.read(modelDir);
        ModelRunner runner = switch (manifest.task()) {
            case "remove-background" -> BackgroundRemoval.load(manifest, modelDir);
            case "stylize" -> ImageToImage.load(manifest, modelDir);
            case "synthetic" -> new SyntheticCost(manifest);
            default -> throw new ModelLoadException("no runner for task " + manifest.task(), null);
        };
        try {
            BufferedImage blank = new BufferedImage(WARM_UP_SIDE, WARM_UP_SIDE, BufferedImage.TYPE_INT_RGB);
            int largest = "PyTorch".equals(manifest.engine()) ? maxBatchSize : 1;
            for (int size = 1; size <= largest; size++) {
                runner.run(Collections.nCopies(size, List.of(blank)));
            }
        } catch (RuntimeException e) {
            runner.close();
            throw new ModelLoadException("model " + manifest.name() + " failed its warm-up: " + e.getMessage(), e);
        }
        return runner;
    }
}
