package dev.kinfer.worker.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.kinfer.catalog.ModelManifest;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code style-transfer} without weights, and honest about it: Reinhard et al.'s colour transfer (2001). The
 * content image takes on the style image's colour statistics (per-channel mean and spread in the decorrelated
 * lαβ colour space), computed with DJL NDArray operations on the PyTorch engine. It moves palettes, not
 * brush strokes; a trained two-input network (an AdaIN export) is what paints.
 *
 * <p>Takes two inputs ({@link dev.kinfer.catalog.TaskSpecs#STYLE_TRANSFER}): the content image first, then the
 * style image; the output has the content's size.
 */
final class ColourTransfer implements ModelRunner {
    private static final float[][] RGB_TO_LMS = {{0.3811f, 0.5783f, 0.0402f}, {0.1967f, 0.7244f, 0.0782f}, {0.0241f, 0.1288f, 0.8444f}};
    private static final float[][] LMS_TO_RGB = {{4.4679f, -3.5873f, 0.1193f}, {-1.2186f, 2.3809f, -0.1624f}, {0.0497f, -0.2439f, 1.2045f}};
    private static final float S3 = (float) (1 / Math.sqrt(3));
    private static final float S6 = (float) (1 / Math.sqrt(6));
    private static final float S2 = (float) (1 / Math.sqrt(2));
    private static final float[][] LOG_LMS_TO_LAB = {{S3, S3, S3}, {S6, S6, -2 * S6}, {S2, -S2, 0}};
    private static final float[][] LAB_TO_LOG_LMS = {{S3, S6, S2}, {S3, S6, -S2}, {S3, -2 * S6, 0}};
    /** Keeps log10 finite on black pixels. */
    private static final float DARKEST = 1e-4f;

    private final ModelManifest manifest;
    private final NDManager manager;

    ColourTransfer(ModelManifest manifest) {
        this.manifest = manifest;
        this.manager = Engine.getEngine("PyTorch").newBaseManager(Devices.forManifest(manifest));
    }

    @Override
    public ModelManifest manifest() {
        return manifest;
    }

    @Override
    public String bucket(int width, int height) {
        return "any"; // statistics, not a network: sizes may share a batch
    }

    @Override
    public List<ModelOutput> run(List<ModelInput> inputs) {
        List<ModelOutput> outputs = new ArrayList<>(inputs.size());
        for (ModelInput input : inputs) {
            try (NDManager scope = manager.newSubManager()) {
                NDArray content = toLab(scope, input.images().get(0));
                NDArray style = toLab(scope, input.images().get(1));
                NDArray contentMean = content.mean(new int[] {0});
                NDArray contentStd = content.sub(contentMean).square().mean(new int[] {0}).sqrt().maximum(1e-6f);
                NDArray styleMean = style.mean(new int[] {0});
                NDArray styleStd = style.sub(styleMean).square().mean(new int[] {0}).sqrt();
                NDArray transferred = content.sub(contentMean).div(contentStd).mul(styleStd).add(styleMean);
                BufferedImage image = input.images().get(0);
                outputs.add(new ModelOutput.ImageProduct(toImage(transferred, image.getWidth(), image.getHeight())));
            }
        }
        return outputs;
    }

    /** Pixels as rows of lαβ, one row per pixel. */
    private static NDArray toLab(NDManager scope, BufferedImage image) {
        NDArray rgb = ImageFactory.getInstance().fromImage(image).toNDArray(scope, Image.Flag.COLOR)
                .toType(DataType.FLOAT32, false).div(255f).reshape(-1, 3);
        NDArray logLms = rgb.matMul(matrix(scope, RGB_TO_LMS).transpose()).maximum(DARKEST).log10();
        return logLms.matMul(matrix(scope, LOG_LMS_TO_LAB).transpose());
    }

    private static BufferedImage toImage(NDArray lab, int width, int height) {
        NDManager scope = lab.getManager();
        NDArray lms = lab.matMul(matrix(scope, LAB_TO_LOG_LMS).transpose()).toType(DataType.FLOAT32, false);
        NDArray linear = scope.create(10f).pow(lms);
        NDArray rgb = linear.matMul(matrix(scope, LMS_TO_RGB).transpose()).clip(0f, 1f).mul(255f).round()
                .toType(DataType.UINT8, false).reshape(height, width, 3).transpose(2, 0, 1);
        return (BufferedImage) ImageFactory.getInstance().fromNDArray(rgb).getWrappedImage();
    }

    private static NDArray matrix(NDManager scope, float[][] rows) {
        return scope.create(rows);
    }

    @Override
    public Device device() {
        return manager.getDevice();
    }

    @Override
    public void close() {
        manager.close();
    }
}
