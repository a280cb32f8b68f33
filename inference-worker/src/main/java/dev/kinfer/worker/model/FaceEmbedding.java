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
import ai.djl.nn.pooling.Pool;
import dev.kinfer.catalog.ModelManifest;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code embed-face}: face-api's recognition network (a ResNet-34-like network, dlib's, 128-d descriptors),
 * ported by reading its TensorFlow.js weights ({@link TfjsWeights}) and running face-api's graph with DJL
 * NDArray operations on the PyTorch engine: a 7x7 stride-2 convolution and max pool, residual blocks at 32, 64,
 * 128 and 256 channels (the downsampling ones add an average-pooled, zero-padded shortcut), global average,
 * one fully connected layer. Every convolution is followed by a per-channel scale and shift.
 *
 * <p>The input is a face crop: centred on a black square and scaled to 150x150, RGB minus face-api's mean,
 * over 255, as {@code FaceRecognitionNet.forwardInput} does. Two crops of one person give descriptors less
 * than about 0.6 apart (face-api's threshold).
 */
final class FaceEmbedding implements ModelRunner {
    static final int SIDE = 150;
    private static final float[] MEAN_RGB = {122.782f, 117.001f, 104.298f};
    private static final List<String> RESIDUAL = List.of("conv32_1", "conv32_2", "conv32_3", "conv64_down", "conv64_1", "conv64_2",
            "conv64_3", "conv128_down", "conv128_1", "conv128_2", "conv256_down", "conv256_1", "conv256_2", "conv256_down_out");

    private final ModelManifest manifest;
    private final NDManager manager;
    /** The weights as the operations take them: filters (out, in, height, width), scales (1, C, 1, 1). */
    private final Map<String, NDArray> weights = new HashMap<>();

    FaceEmbedding(ModelManifest manifest, Path modelDir) {
        this.manifest = manifest;
        this.manager = Engine.getEngine("PyTorch").newBaseManager(Devices.forManifest(manifest));
        for (Map.Entry<String, TfjsWeights.Tensor> weight : TfjsWeights.read(Artifacts.file(modelDir, manifest.artifact())).entrySet()) {
            NDArray array = manager.create(weight.getValue().values(), new Shape(weight.getValue().shape()));
            String name = weight.getKey();
            if (name.endsWith("/conv/filters")) {
                array = array.transpose(3, 2, 0, 1); // TF keeps (height, width, in, out)
            } else if (name.contains("/scale/")) {
                array = array.reshape(1, array.size(), 1, 1);
            }
            weights.put(name, array);
        }
        if (!weights.containsKey("fc")) {
            throw new ModelLoadException(manifest.artifact() + " has no 'fc' weight: not face-api's recognition network", null);
        }
    }

    @Override
    public ModelManifest manifest() {
        return manifest;
    }

    @Override
    public String bucket(int width, int height) {
        return "any"; // every crop becomes 150x150
    }

    @Override
    public List<ModelOutput> run(List<ModelInput> inputs) {
        List<ModelOutput> outputs = new ArrayList<>(inputs.size());
        try (NDManager scope = manager.newSubManager()) {
            NDList crops = new NDList();
            for (ModelInput input : inputs) {
                crops.add(ImageFactory.getInstance().fromImage(FaceCrops.centredSquare(input.image(), SIDE)).toNDArray(scope, Image.Flag.COLOR)
                        .toType(DataType.FLOAT32, false).sub(scope.create(MEAN_RGB)).div(255f).transpose(2, 0, 1));
            }
            NDArray descriptors = forward(NDArrays.stack(crops));
            for (int i = 0; i < inputs.size(); i++) {
                outputs.add(new ModelOutput.VectorProduct(descriptors.get(i).toFloatArray()));
            }
        }
        return outputs;
    }

    /** face-api's forwardInput on NCHW input. */
    NDArray forward(NDArray x) {
        NDArray out = convLayer(x, "conv32_down", 2, true);
        out = Pool.maxPool2d(out, new Shape(3, 3), new Shape(2, 2), new Shape(0, 0), false);
        for (String block : RESIDUAL) {
            out = block.contains("down") ? residualDown(out, block) : residual(out, block);
        }
        NDArray pooled = out.mean(new int[] {3}).mean(new int[] {2});
        return pooled.matMul(array("fc"));
    }

    private NDArray residual(NDArray x, String block) {
        NDArray out = convLayer(convLayer(x, block + "/conv1", 1, true), block + "/conv2", 1, false);
        return Activation.relu(out.add(x));
    }

    /** Stride-2 block; its shortcut is the input average-pooled, zero-padded to the block's shape. */
    private NDArray residualDown(NDArray x, String block) {
        NDArray out = convLayer(convLayer(x, block + "/conv1", 2, true), block + "/conv2", 1, false);
        NDArray pooled = Pool.avgPool2d(x, new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false, true);
        if (pooled.getShape().get(2) != out.getShape().get(2)) { // odd sizes: TF pads the block's output, bottom and right
            out = NDArrays.concat(new NDList(out, out.getManager().zeros(new Shape(out.getShape().get(0), out.getShape().get(1), 1,
                    out.getShape().get(3)))), 2);
            out = NDArrays.concat(new NDList(out, out.getManager().zeros(new Shape(out.getShape().get(0), out.getShape().get(1),
                    out.getShape().get(2), 1))), 3);
        }
        if (pooled.getShape().get(1) != out.getShape().get(1)) { // more channels: the shortcut's extra ones are zero
            pooled = NDArrays.concat(new NDList(pooled, pooled.zerosLike()), 1);
        }
        return Activation.relu(pooled.add(out));
    }

    /** Convolution (stride 1 "same", or stride 2 "valid"), bias, per-channel scale and shift, then maybe ReLU. */
    private NDArray convLayer(NDArray x, String layer, int stride, boolean relu) {
        NDArray filters = array(layer + "/conv/filters");
        long kernel = filters.getShape().get(2);
        long pad = stride == 1 ? kernel / 2 : 0;
        NDArray out = Conv2d.conv2d(x, filters, array(layer + "/conv/bias"), new Shape(stride, stride), new Shape(pad, pad),
                new Shape(1, 1), 1).singletonOrThrow();
        out = out.mul(array(layer + "/scale/weights")).add(array(layer + "/scale/biases"));
        return relu ? Activation.relu(out) : out;
    }

    private NDArray array(String name) {
        NDArray array = weights.get(name);
        if (array == null) {
            throw new IllegalStateException("no weight " + name + " in " + manifest.artifact());
        }
        return array;
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
