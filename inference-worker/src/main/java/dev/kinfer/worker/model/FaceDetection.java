package dev.kinfer.worker.model;

import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.translate.Batchifier;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import dev.kinfer.catalog.InvalidParameterException;
import dev.kinfer.catalog.ModelManifest;
import dev.kinfer.catalog.TaskSpecs;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * {@code detect-faces}: MediaPipe BlazeFace (ONNX, NHWC input in [-1, 1]). The image is letterboxed into the
 * model's square input (scaled to fit, padded right and bottom) so faces keep their shape; boxes and the six
 * keypoints (eyes, nose, mouth, ears) come back in the original image's pixels, best first.
 *
 * <p>Parameter {@code threshold} ({@link TaskSpecs#DETECT_FACES}): the least face score reported, in (0, 1);
 * default from the manifest's option {@code threshold}, else 0.75 (MediaPipe's). Parameter {@code landmarks}: 68
 * where the manifest names a landmark network ({@link FaceLandmarks}).
 */
final class FaceDetection {
    static final String THRESHOLD = TaskSpecs.THRESHOLD;

    private FaceDetection() {
    }

    static ModelRunner load(ModelManifest manifest, Path modelDir, int intraOpThreads) {
        int side = Integer.parseInt(manifest.options().getOrDefault("inputSize", "128"));
        float defaultThreshold = threshold(TaskSpecs.DETECT_FACES.requireParam(THRESHOLD).defaultFor(manifest.options()));
        boolean landmarks = manifest.options().containsKey(FaceLandmarks.OPTION);
        ModelRunner detector = new DjlRunner<>(manifest, modelDir, intraOpThreads, float[][].class, new BlazeFaceTranslator(side),
                (input, raw) -> faces(input, raw, side, defaultThreshold), true, params -> {
                    if (!landmarks && TaskSpecs.LANDMARKS_68.equals(params.get(TaskSpecs.LANDMARKS))) {
                        throw new InvalidParameterException(TaskSpecs.LANDMARKS, "model " + manifest.name()
                                + " has no 68-point landmark network (manifest option " + FaceLandmarks.OPTION + ")");
                    }
                });
        return landmarks ? new FaceLandmarks(detector, manifest, modelDir) : detector;
    }

    /** A threshold the task's declaration took (a request's, checked before it was batched, or the manifest's). */
    private static float threshold(String value) {
        return Float.parseFloat(value.strip());
    }

    private static ModelOutput faces(ModelInput input, float[][] raw, int side, float defaultThreshold) {
        float threshold = input.params().containsKey(THRESHOLD) ? threshold(input.params().get(THRESHOLD)) : defaultThreshold;
        BufferedImage image = input.image();
        // The letterbox scaled the longer side to the input side: normalised input units are that many pixels.
        float pixels = Math.max(image.getWidth(), image.getHeight());
        List<ModelOutput.Face> faces = new ArrayList<>();
        for (BlazeFaceDecoder.Face f : BlazeFaceDecoder.decode(raw[0], raw[1], raw[2], raw[3], side, threshold)) {
            float[] keypoints = new float[f.keypoints().length];
            for (int k = 0; k < keypoints.length; k++) {
                keypoints[k] = f.keypoints()[k] * pixels;
            }
            faces.add(new ModelOutput.Face(f.left() * pixels, f.top() * pixels, f.width() * pixels, f.height() * pixels,
                    f.score(), keypoints));
        }
        faces.sort(Comparator.comparingDouble(ModelOutput.Face::score).reversed());
        return new ModelOutput.Faces(faces);
    }

    /**
     * Letterboxes and normalises one image; hands back the four outputs as flat arrays in the order
     * {@link BlazeFaceDecoder#decode} takes them, telling scores from regressors by shape (the exports name
     * them differently). The export has a fixed batch of one, so DJL runs a batch item by item.
     */
    static final class BlazeFaceTranslator implements Translator<Image, float[][]> {
        private final int side;

        BlazeFaceTranslator(int side) {
            this.side = side;
        }

        @Override
        public NDList processInput(TranslatorContext ctx, Image input) {
            BufferedImage original = (BufferedImage) input.getWrappedImage();
            float scale = (float) side / Math.max(original.getWidth(), original.getHeight());
            BufferedImage square = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = square.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(original, 0, 0, Math.round(original.getWidth() * scale), Math.round(original.getHeight() * scale), null);
            g.dispose();
            NDArray pixels = ImageFactory.getInstance().fromImage(square).toNDArray(ctx.getNDManager(), Image.Flag.COLOR);
            return new NDList(pixels.toType(DataType.FLOAT32, false).div(127.5f).sub(1f).expandDims(0));
        }

        @Override
        public float[][] processOutput(TranslatorContext ctx, NDList list) {
            List<NDArray> scores = new ArrayList<>();
            List<NDArray> boxes = new ArrayList<>();
            for (NDArray output : list) {
                long last = output.getShape().get(output.getShape().dimension() - 1);
                (last == BlazeFaceDecoder.REGRESSORS ? boxes : scores).add(output);
            }
            if (scores.size() != 2 || boxes.size() != 2) {
                throw new IllegalStateException("expected BlazeFace's two score and two regressor outputs, got " + list.getShapes());
            }
            Comparator<NDArray> finerLayerFirst = Comparator.comparingLong(a -> -a.getShape().get(1));
            scores.sort(finerLayerFirst);
            boxes.sort(finerLayerFirst);
            return new float[][] {scores.get(0).toFloatArray(), boxes.get(0).toFloatArray(),
                    scores.get(1).toFloatArray(), boxes.get(1).toFloatArray()};
        }

        @Override
        public Batchifier getBatchifier() {
            return null;
        }
    }
}
