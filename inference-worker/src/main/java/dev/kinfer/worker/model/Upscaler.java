package dev.kinfer.worker.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import dev.kinfer.catalog.ModelManifest;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code upscale}: the x2 residual dense network (RDN) of {@code @upscalerjs/default-model}, ported by reading
 * its TensorFlow.js weights ({@link TfjsWeights}) and running the same graph with DJL NDArray operations on the
 * PyTorch engine: two residual dense blocks, global feature fusion, three convolutions, nearest x2, one more
 * convolution; pixels in 0..255 in and out. Large images are upscaled in tiles ({@code tileSize} option,
 * default 256 px) with a margin wider than the network's receptive field, so memory stays bounded and the
 * result is the same as in one piece.
 */
final class Upscaler implements ModelRunner {
    static final int SCALE = 2;
    /** Wider than the network's receptive field at input resolution (about 10 px), so tiles join seamlessly. */
    static final int MARGIN = 16;
    private static final List<String> LAYERS = List.of("F_m1", "F_0", "F_1_1", "LFF_1", "F_2_1", "LFF_2", "GFF_1", "GFF_2",
            "UPN1", "UPN2", "UPN3", "SR");

    private final ModelManifest manifest;
    private final NDManager manager;
    private final Map<String, NDList> layers = new HashMap<>();
    private final int tileSize;

    Upscaler(ModelManifest manifest, Path modelDir) {
        this.manifest = manifest;
        this.tileSize = Integer.parseInt(manifest.options().getOrDefault("tileSize", "256"));
        this.manager = Engine.getEngine("PyTorch").newBaseManager(Devices.forManifest(manifest));
        Map<String, TfjsWeights.Tensor> weights = TfjsWeights.read(Artifacts.file(modelDir, manifest.artifact()));
        for (String layer : LAYERS) {
            TfjsWeights.Tensor kernel = weights.get(layer + "/kernel");
            TfjsWeights.Tensor bias = weights.get(layer + "/bias");
            if (kernel == null || bias == null) {
                throw new ModelLoadException(manifest.artifact() + " has no weights for layer " + layer + ": not the RDN this port reads", null);
            }
            // TF keeps kernels as (height, width, in, out); DJL's convolution takes (out, in, height, width).
            NDArray weight = manager.create(kernel.values(), new Shape(kernel.shape())).transpose(3, 2, 0, 1);
            layers.put(layer, new NDList(weight, manager.create(bias.values())));
        }
    }

    @Override
    public ModelManifest manifest() {
        return manifest;
    }

    @Override
    public String bucket(int width, int height) {
        return width + "x" + height;
    }

    @Override
    public List<ModelOutput> run(List<ModelInput> inputs) {
        List<ModelOutput> outputs = new ArrayList<>(inputs.size());
        for (ModelInput input : inputs) {
            outputs.add(new ModelOutput.ImageProduct(upscale(input.image())));
        }
        return outputs;
    }

    private BufferedImage upscale(BufferedImage image) {
        BufferedImage result = new BufferedImage(image.getWidth() * SCALE, image.getHeight() * SCALE, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = result.createGraphics();
        try (NDManager scope = manager.newSubManager()) {
            NDArray pixels = ImageFactory.getInstance().fromImage(image).toNDArray(scope, Image.Flag.COLOR)
                    .toType(DataType.FLOAT32, false).transpose(2, 0, 1);
            for (Tiling.Tile tile : Tiling.tiles(image.getWidth(), image.getHeight(), tileSize, MARGIN)) {
                NDArray in = pixels.get(":, {}:{}, {}:{}", tile.inY(), tile.inY() + tile.inHeight(), tile.inX(), tile.inX() + tile.inWidth());
                int left = (tile.keepX() - tile.inX()) * SCALE;
                int top = (tile.keepY() - tile.inY()) * SCALE;
                NDArray kept = forward(in.expandDims(0)).squeeze(0)
                        .get(":, {}:{}, {}:{}", top, top + tile.keepHeight() * SCALE, left, left + tile.keepWidth() * SCALE)
                        .clip(0f, 255f).round().toType(DataType.UINT8, false);
                g.drawImage((BufferedImage) ImageFactory.getInstance().fromNDArray(kept).getWrappedImage(),
                        tile.keepX() * SCALE, tile.keepY() * SCALE, null);
            }
        } finally {
            g.dispose();
        }
        return result;
    }

    /** The network on NCHW pixels in 0..255. */
    NDArray forward(NDArray x) {
        NDArray fm1 = conv(x, "F_m1");
        NDArray f0 = conv(fm1, "F_0");
        NDArray block1 = conv(concat(f0, Activation.relu(conv(f0, "F_1_1"))), "LFF_1").add(f0);
        NDArray block2 = conv(concat(block1, Activation.relu(conv(block1, "F_2_1"))), "LFF_2").add(block1);
        NDArray fused = conv(conv(concat(block1, block2), "GFF_1"), "GFF_2").add(fm1);
        NDArray up = conv(Activation.relu(conv(Activation.relu(conv(fused, "UPN1")), "UPN2")), "UPN3");
        return conv(up.repeat(2, SCALE).repeat(3, SCALE), "SR"); // nearest-neighbour x2, then the last convolution
    }

    /** A stride-1 convolution padded to keep the size (TF's "same"; 1x1 "valid" is the same thing). */
    private NDArray conv(NDArray x, String layer) {
        NDList params = layers.get(layer);
        long kernel = params.get(0).getShape().get(2);
        return Conv2d.conv2d(x, params.get(0), params.get(1), new Shape(1, 1), new Shape(kernel / 2, kernel / 2), new Shape(1, 1), 1)
                .singletonOrThrow();
    }

    private static NDArray concat(NDArray a, NDArray b) {
        return NDArrays.concat(new NDList(a, b), 1);
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
