package dev.kinfer.worker.model;

import ai.djl.Device;
import ai.djl.util.cuda.CudaUtils;
import dev.kinfer.catalog.InvalidManifestException;
import dev.kinfer.catalog.ModelManifest;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Loads the model a manifest describes, and warms it up so the first request pays no start-up cost. */
public final class Models {
    private static final Logger log = LoggerFactory.getLogger(Models.class);
    private static final int WARM_UP_SIDE = 64;
    /** Probe inputs for the GPU memory footprint: the footprint grows with the area of what the model sees. */
    private static final int GPU_PROBE_SIDE = 512;

    private Models() {
    }

    /** A loaded model and the batch limits it runs with (the configured ones, capped by device memory). */
    public record Loaded(ModelRunner runner, BatchLimits limits) implements AutoCloseable {
        @Override
        public void close() {
            runner.close();
        }
    }

    /**
     * Loads the model in {@code modelDir} and runs throw-away batches through it. PyTorch's profiling executor
     * pays a large one-off cost the first time it sees a batch shape, which must not land on a user's request,
     * so it sees every size up to the largest batch; ONNX Runtime plans once for a dynamic batch axis.
     */
    public static Loaded loadAndWarmUp(Path modelDir, ModelSettings settings) {
        ModelManifest manifest;
        try {
            manifest = ModelManifest.read(modelDir);
        } catch (InvalidManifestException e) {
            throw new ModelLoadException(e.getMessage(), e);
        }
        BatchLimits limits = settings.limits(manifest);
        // Both are read once, when DJL starts its PyTorch engine. TorchScript's profiling executor re-specialises
        // the graph whenever the input shape changes, which dynamic batching does all the time: measured on the
        // fast-style bench model, it made a batch of one twice as slow as with the optimiser off.
        System.setProperty("ai.djl.pytorch.graph_optimizer", "false");
        if (settings.intraOpThreads() > 0) {
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(settings.intraOpThreads()));
        }
        ModelRunner runner = switch (manifest.task()) {
            case "remove-background" -> BackgroundRemoval.load(manifest, modelDir, settings.intraOpThreads());
            case "stylize" -> ImageToImage.load(manifest, modelDir, settings.intraOpThreads());
            case "detect-faces" -> FaceDetection.load(manifest, modelDir, settings.intraOpThreads());
            case "classify" -> FaceExpressions.NETWORK.equals(manifest.options().get("network")) ? new FaceExpressions(manifest, modelDir)
                    : Classification.load(manifest, modelDir, settings.intraOpThreads());
            case "style-transfer" -> manifest.artifact() == null ? new ColourTransfer(manifest)
                    : new StyleNetwork(manifest, modelDir, settings.intraOpThreads());
            case "upscale" -> new Upscaler(manifest, modelDir);
            case "embed-face" -> new FaceEmbedding(manifest, modelDir);
            case "verify-face" -> new FaceVerification(manifest, modelDir, settings.intraOpThreads());
            case "synthetic" -> new SyntheticCost(manifest);
            default -> throw new ModelLoadException("no runner for task " + manifest.task(), null);
        };
        try {
            if (runner.device().isGpu() && limits.maxBatchSize() > 2) {
                limits = limits.withMaxBatchSize(fitOnGpu(runner, limits.maxBatchSize()));
            }
            BufferedImage blank = new BufferedImage(WARM_UP_SIDE, WARM_UP_SIDE, BufferedImage.TYPE_INT_RGB);
            int largest = "PyTorch".equals(manifest.engine()) ? limits.maxBatchSize() : 1;
            for (int size = 1; size <= largest; size++) {
                runner.run(Collections.nCopies(size, new ModelInput(Collections.nCopies(runner.inputCount(), blank), Map.of())));
            }
        } catch (RuntimeException e) {
            runner.close();
            throw new ModelLoadException("model " + manifest.name() + " failed its warm-up: " + e.getMessage(), e);
        }
        return new Loaded(runner, limits);
    }

    /** Measures the footprint of one more item with two probe batches; see {@link GpuBatchSize}. */
    private static int fitOnGpu(ModelRunner runner, int cap) {
        Device device = runner.device();
        BufferedImage probe = new BufferedImage(GPU_PROBE_SIDE, GPU_PROBE_SIDE, BufferedImage.TYPE_INT_RGB);
        int small = 1;
        int large = Math.min(cap, 4);
        runner.run(Collections.nCopies(small, new ModelInput(Collections.nCopies(runner.inputCount(), probe), Map.of())));
        long usedAfterSmall = CudaUtils.getGpuMemory(device).getUsed();
        runner.run(Collections.nCopies(large, new ModelInput(Collections.nCopies(runner.inputCount(), probe), Map.of())));
        long usedAfterLarge = CudaUtils.getGpuMemory(device).getUsed();
        long total = CudaUtils.getGpuMemory(device).getMax();
        int fit = GpuBatchSize.fit(small, usedAfterSmall, large, usedAfterLarge, total, cap);
        log.info("{}: {} MiB in use after a batch of {}, {} MiB after {}, of {} MiB: largest batch {} (configured {})",
                device, usedAfterSmall >> 20, small, usedAfterLarge >> 20, large, total >> 20, fit, cap);
        return fit;
    }
}
