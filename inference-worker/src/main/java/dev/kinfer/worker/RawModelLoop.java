package dev.kinfer.worker;

import dev.kinfer.worker.model.ModelInput;
import dev.kinfer.worker.model.ModelRunner;
import dev.kinfer.worker.model.ModelSettings;
import dev.kinfer.worker.model.Models;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The physical limit the pipeline is measured against: the model's {@code batchPredict} in a tight loop on
 * decoded images, with nothing else (no Kafka, no store, no encoding). Used by {@code ./kinfer bench}.
 *
 * <p>Arguments: model directory, image width, height, seconds per batch size, then the batch sizes to try. The
 * engine's threads come from {@code KINFER_INTRA_OP_THREADS}, as in a worker.
 * Prints one line per batch size: {@code raw batch=B images_per_second=X ms_per_batch=Y}.
 */
public final class RawModelLoop {
    private RawModelLoop() {
    }

    public static void main(String[] args) {
        Path modelDir = Path.of(args[0]);
        int width = Integer.parseInt(args[1]);
        int height = Integer.parseInt(args[2]);
        double seconds = Double.parseDouble(args[3]);
        int largest = 1;
        for (int i = 4; i < args.length; i++) {
            largest = Math.max(largest, Integer.parseInt(args[i]));
        }
        BufferedImage image = noise(width, height);
        ModelSettings settings = new ModelSettings(largest, null,
                dev.kinfer.schemas.config.Settings.of(WorkerConfig.INTRA_OP_THREADS).parse(System.getenv()).get(WorkerConfig.INTRA_OP_THREADS));
        try (Models.Loaded loaded = Models.loadAndWarmUp(modelDir, settings)) {
            ModelRunner model = loaded.runner();
            for (int i = 4; i < args.length; i++) {
                int batch = Integer.parseInt(args[i]);
                List<ModelInput> inputs = Collections.nCopies(batch, ModelInput.of(image));
                model.run(inputs); // this size's first call is not part of the measurement
                long start = System.nanoTime();
                long deadline = start + (long) (seconds * 1e9);
                int calls = 0;
                while (System.nanoTime() < deadline || calls < 3) {
                    model.run(inputs);
                    calls++;
                }
                double elapsed = (System.nanoTime() - start) / 1e9;
                System.out.printf("raw batch=%d images_per_second=%.2f ms_per_batch=%.1f%n",
                        batch, calls * batch / elapsed, elapsed * 1000 / calls);
            }
        }
    }

    private static BufferedImage noise(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(42);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, random.nextInt(0x1000000));
            }
        }
        return image;
    }
}
