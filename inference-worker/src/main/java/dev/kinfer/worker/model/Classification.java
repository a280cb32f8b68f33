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
import dev.kinfer.catalog.ParamSpec;
import dev.kinfer.catalog.TaskSpecs;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * {@code classify}: any TorchScript or ONNX image classifier with a label file. Preprocessing is torchvision's
 * for ImageNet models unless the manifest says otherwise: the shorter side scaled to {@code resizeSize}
 * (default 256), the centre {@code inputSize} square (default 224) cut out, RGB in [0, 1] normalised by
 * {@code mean} and {@code std} (comma-separated, ImageNet's by default), NCHW. The model answers logits
 * (softmax applied here) or, with {@code "outputs": "probabilities"}, probabilities.
 *
 * <p>Options: {@code labels} (file beside the artifact, one label per line, required), {@code topK} (the
 * parameter's default). Parameter {@code topK} ({@link TaskSpecs#CLASSIFY}): how many labels to return, here at
 * most the number of labels.
 */
final class Classification {
    static final String TOP_K = TaskSpecs.TOP_K;

    private Classification() {
    }

    static ModelRunner load(ModelManifest manifest, Path modelDir, int intraOpThreads) {
        Map<String, String> options = manifest.options();
        List<String> labels = labels(manifest, modelDir);
        // The task declares topK; only the loaded model knows how many labels it has.
        ParamSpec topK = TaskSpecs.CLASSIFY.requireParam(TOP_K).atMost(labels.size());
        String defaultTopK = topK.defaultFor(options);
        try {
            topK.check(defaultTopK);
        } catch (InvalidParameterException e) {
            throw new ModelLoadException("classify model " + manifest.name() + ": default " + e.getMessage(), e);
        }
        Preprocessing preprocessing = new Preprocessing(
                positive(options, "inputSize", 224), positive(options, "resizeSize", 256),
                triple(options, "mean", "0.485,0.456,0.406"), triple(options, "std", "0.229,0.224,0.225"),
                "probabilities".equals(options.get("outputs")));
        return new DjlRunner<>(manifest, modelDir, intraOpThreads, float[].class, new ClassifierTranslator(preprocessing),
                (input, probabilities) -> top(labels, probabilities,
                        Integer.parseInt(input.params().getOrDefault(TOP_K, defaultTopK).strip())), true,
                params -> {
                    if (params.containsKey(TOP_K)) {
                        topK.check(params.get(TOP_K));
                    }
                });
    }

    /** The {@code k} most probable labels, most probable first. */
    static ModelOutput top(List<String> labels, float[] probabilities, int k) {
        if (probabilities.length != labels.size()) {
            throw new IllegalStateException("the model gave " + probabilities.length + " scores for " + labels.size() + " labels");
        }
        List<ModelOutput.Label> best = IntStream.range(0, probabilities.length).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> probabilities[i]).reversed())
                .limit(k)
                .map(i -> new ModelOutput.Label(labels.get(i), probabilities[i]))
                .toList();
        return new ModelOutput.Labels(best);
    }

    private static List<String> labels(ModelManifest manifest, Path modelDir) {
        String file = manifest.options().get("labels");
        if (file == null) {
            throw new ModelLoadException("classify model " + manifest.name() + " needs option 'labels' (a file, one label per line)", null);
        }
        try {
            List<String> labels = Files.readAllLines(Artifacts.file(modelDir, file)).stream().map(String::strip).filter(l -> !l.isEmpty()).toList();
            if (labels.isEmpty()) {
                throw new ModelLoadException("label file " + file + " of " + manifest.name() + " is empty", null);
            }
            return labels;
        } catch (IOException e) {
            throw new ModelLoadException("cannot read label file " + file + " of " + manifest.name() + ": " + e.getMessage(), e);
        }
    }

    private static int positive(Map<String, String> options, String name, int fallback) {
        String value = options.get(name);
        try {
            int parsed = value == null ? fallback : Integer.parseInt(value.strip());
            if (parsed > 0) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ModelLoadException("option " + name + " must be a positive whole number, got '" + value + "'", null);
    }

    private static float[] triple(Map<String, String> options, String name, String fallback) {
        String[] parts = options.getOrDefault(name, fallback).split(",");
        try {
            if (parts.length == 3) {
                return new float[] {Float.parseFloat(parts[0].strip()), Float.parseFloat(parts[1].strip()), Float.parseFloat(parts[2].strip())};
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ModelLoadException("option " + name + " must be three comma-separated numbers (R,G,B), got '"
                + options.get(name) + "'", null);
    }

    record Preprocessing(int inputSize, int resizeSize, float[] mean, float[] std, boolean answersProbabilities) {
    }

    static final class ClassifierTranslator implements Translator<Image, float[]> {
        private final Preprocessing pre;

        ClassifierTranslator(Preprocessing pre) {
            this.pre = pre;
        }

        @Override
        public NDList processInput(TranslatorContext ctx, Image input) {
            NDArray pixels = ImageFactory.getInstance().fromImage(centreCrop((BufferedImage) input.getWrappedImage()))
                    .toNDArray(ctx.getNDManager(), Image.Flag.COLOR).toType(DataType.FLOAT32, false).div(255f);
            NDArray mean = ctx.getNDManager().create(pre.mean());
            NDArray std = ctx.getNDManager().create(pre.std());
            return new NDList(pixels.sub(mean).div(std).transpose(2, 0, 1));
        }

        /** Shorter side to {@code resizeSize}, then the centre {@code inputSize} square. */
        private BufferedImage centreCrop(BufferedImage image) {
            double scale = (double) pre.resizeSize() / Math.min(image.getWidth(), image.getHeight());
            int width = (int) Math.round(image.getWidth() * scale);
            int height = (int) Math.round(image.getHeight() * scale);
            BufferedImage crop = new BufferedImage(pre.inputSize(), pre.inputSize(), BufferedImage.TYPE_INT_RGB);
            Graphics2D g = crop.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(image, (pre.inputSize() - width) / 2, (pre.inputSize() - height) / 2, width, height, null);
            g.dispose();
            return crop;
        }

        @Override
        public float[] processOutput(TranslatorContext ctx, NDList list) {
            NDArray scores = list.getFirst();
            return (pre.answersProbabilities() ? scores : scores.softmax(-1)).toFloatArray();
        }

        @Override
        public Batchifier getBatchifier() {
            return Batchifier.STACK;
        }
    }
}
