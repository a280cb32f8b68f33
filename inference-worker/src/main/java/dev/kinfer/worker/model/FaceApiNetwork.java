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
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * face-api's networks built on its {@code FaceFeatureExtractor} (the expression and the 68-point landmark
 * networks), ported like {@link FaceEmbedding}: the TensorFlow.js weights read as they are ({@link TfjsWeights}),
 * the graph in DJL operations on the PyTorch engine. Four dense blocks (each a strided convolution, then three
 * depthwise-separable ones whose inputs are the sums of all earlier outputs of the block) at 32, 64, 128 and 256
 * channels, a 7x7 average, then one fully connected layer, whose size tells the networks apart.
 *
 * <p>The input is a face crop, 112x112, RGB minus face-api's mean, over 255 ({@code FaceFeatureExtractor.forwardInput}).
 */
final class FaceApiNetwork implements AutoCloseable {
    static final int SIDE = 112;
    private static final float[] MEAN_RGB = {122.782f, 117.001f, 104.298f};
    private static final List<String> BLOCKS = List.of("dense0", "dense1", "dense2", "dense3");

    private final String file;
    private final NDManager manager;
    /** The weights as the operations take them: filters (out, in / groups, height, width). */
    private final Map<String, NDArray> weights = new HashMap<>();

    /**
     * @param outputs how many numbers the network's last layer gives: 7 expressions, 136 landmark coordinates
     * @throws ModelLoadException if {@code file} is not such a network
     */
    FaceApiNetwork(ModelManifest manifest, Path modelDir, String file, int outputs) {
        this.file = file;
        this.manager = Engine.getEngine("PyTorch").newBaseManager(Devices.forManifest(manifest));
        for (Map.Entry<String, TfjsWeights.Tensor> weight : TfjsWeights.read(Artifacts.file(modelDir, file)).entrySet()) {
            NDArray array = manager.create(weight.getValue().values(), new Shape(weight.getValue().shape()));
            String name = weight.getKey();
            if (name.endsWith("/filters") || name.endsWith("/pointwise_filter")) {
                array = array.transpose(3, 2, 0, 1); // TF keeps (height, width, in, out)
            } else if (name.endsWith("/depthwise_filter")) {
                array = array.transpose(2, 3, 0, 1); // (height, width, channels, 1): one filter per channel
            }
            weights.put(name, array);
        }
        NDArray fc = weights.get("fc/weights");
        if (fc == null || fc.getShape().get(1) != outputs || !weights.containsKey("dense3/conv3/bias")) {
            manager.close();
            throw new ModelLoadException(file + " is not one of face-api's feature-extractor networks with " + outputs + " outputs", null);
        }
    }

    /** The last layer's numbers for each crop (any size: centred on a black square and scaled to 112x112), one row each. */
    float[][] run(List<BufferedImage> faces) {
        try (NDManager scope = manager.newSubManager()) {
            NDList crops = new NDList();
            for (BufferedImage face : faces) {
                crops.add(ImageFactory.getInstance().fromImage(FaceCrops.centredSquare(face, SIDE)).toNDArray(scope, Image.Flag.COLOR)
                        .toType(DataType.FLOAT32, false).sub(scope.create(MEAN_RGB)).div(255f).transpose(2, 0, 1));
            }
            NDArray out = forward(NDArrays.stack(crops));
            float[][] rows = new float[faces.size()][];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = out.get(i).toFloatArray();
            }
            return rows;
        }
    }

    /** face-api's FaceProcessor.runNet on NCHW input. */
    private NDArray forward(NDArray x) {
        NDArray out = x;
        for (String block : BLOCKS) {
            out = denseBlock(out, block, block.equals("dense0"));
        }
        NDArray features = out.mean(new int[] {3}).mean(new int[] {2}); // the 7x7 'valid' average pool: all of it
        return features.matMul(array("fc/weights")).add(array("fc/bias"));
    }

    /** denseBlock4: each convolution's input is the ReLU of the sum of the block's earlier outputs. */
    private NDArray denseBlock(NDArray x, String block, boolean firstLayer) {
        NDArray out1 = Activation.relu(firstLayer ? convolution(x, block + "/conv0") : separable(x, block + "/conv0", 2));
        NDArray out2 = separable(out1, block + "/conv1", 1);
        NDArray sum = out1.add(out2);
        NDArray out3 = separable(Activation.relu(sum), block + "/conv2", 1);
        sum = sum.add(out3);
        NDArray out4 = separable(Activation.relu(sum), block + "/conv3", 1);
        return Activation.relu(sum.add(out4));
    }

    /** A 3x3 stride-2 convolution with bias, TF's 'same' padding. */
    private NDArray convolution(NDArray x, String layer) {
        return Conv2d.conv2d(samePaddedForStride2(x), array(layer + "/filters"), array(layer + "/bias"), new Shape(2, 2),
                new Shape(0, 0), new Shape(1, 1), 1).singletonOrThrow();
    }

    /** TF's separableConv2d ('same' padding), then the bias: a 3x3 depthwise convolution and a 1x1 pointwise one. */
    private NDArray separable(NDArray x, String layer, int stride) {
        NDArray in = stride == 2 ? samePaddedForStride2(x) : x;
        long padding = stride == 2 ? 0 : 1;
        NDArray depthwise = Conv2d.conv2d(in, array(layer + "/depthwise_filter"), null, new Shape(stride, stride),
                new Shape(padding, padding), new Shape(1, 1), (int) x.getShape().get(1)).singletonOrThrow();
        return Conv2d.conv2d(depthwise, array(layer + "/pointwise_filter"), array(layer + "/bias"), new Shape(1, 1), new Shape(0, 0),
                new Shape(1, 1), 1).singletonOrThrow();
    }

    /**
     * TF pads a 3x3 stride-2 'same' convolution of an even size (112, 56, 28 and 14 here) by one row and column,
     * after: at the bottom and the right only, where PyTorch's padding is symmetric.
     */
    private static NDArray samePaddedForStride2(NDArray x) {
        Shape shape = x.getShape();
        NDArray rows = NDArrays.concat(new NDList(x, x.getManager().zeros(new Shape(shape.get(0), shape.get(1), 1, shape.get(3)))), 2);
        return NDArrays.concat(new NDList(rows, rows.getManager().zeros(new Shape(shape.get(0), shape.get(1), shape.get(2) + 1, 1))), 3);
    }

    private NDArray array(String name) {
        NDArray array = weights.get(name);
        if (array == null) {
            throw new IllegalStateException("no weight " + name + " in " + file);
        }
        return array;
    }

    Device device() {
        return manager.getDevice();
    }

    @Override
    public void close() {
        manager.close();
    }
}
