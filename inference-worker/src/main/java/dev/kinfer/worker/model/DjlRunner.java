package dev.kinfer.worker.model;

import ai.djl.inference.Predictor;
import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.TranslateException;
import ai.djl.translate.Translator;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * A single-input image model run through DJL: loads the artifact with the manifest's engine, keeps one
 * {@link Predictor}, and turns each raw prediction into a {@link ModelOutput} with the task's decoder.
 */
final class DjlRunner<O> implements ModelRunner {
    private final ModelManifest manifest;
    private final ZooModel<Image, O> model;
    private final Predictor<Image, O> predictor;
    private final BiFunction<BufferedImage, O, ModelOutput> decoder;
    private final boolean resizesInput;

    /** @param resizesInput whether the translator brings every input to one shape (so sizes may share a batch) */
    DjlRunner(ModelManifest manifest, Path modelDir, Class<O> rawOutput, Translator<Image, O> translator,
              BiFunction<BufferedImage, O, ModelOutput> decoder, boolean resizesInput) {
        this.manifest = manifest;
        this.decoder = decoder;
        this.resizesInput = resizesInput;
        Criteria<Image, O> criteria = Criteria.builder()
                .setTypes(Image.class, rawOutput)
                .optModelPath(modelDir.resolve(manifest.artifact()))
                .optEngine(manifest.engine())
                .optDevice(Devices.forManifest(manifest))
                .optTranslator(translator)
                .build();
        try {
            this.model = criteria.loadModel();
        } catch (Exception e) {
            throw new ModelLoadException("cannot load " + manifest.name() + ":" + manifest.version() + " with "
                    + manifest.engine() + ": " + e.getMessage(), e);
        }
        this.predictor = model.newPredictor();
    }

    @Override
    public ModelManifest manifest() {
        return manifest;
    }

    @Override
    public String bucket(int width, int height) {
        return resizesInput ? "any" : width + "x" + height;
    }

    @Override
    public List<ModelOutput> run(List<List<BufferedImage>> inputs) {
        List<Image> images = new ArrayList<>(inputs.size());
        for (List<BufferedImage> input : inputs) {
            images.add(ImageFactory.getInstance().fromImage(input.getFirst()));
        }
        List<O> raw;
        try {
            raw = predictor.batchPredict(images);
        } catch (TranslateException e) {
            throw new IllegalStateException(manifest.name() + " failed on a batch of " + inputs.size() + ": " + e.getMessage(), e);
        }
        List<ModelOutput> outputs = new ArrayList<>(raw.size());
        for (int i = 0; i < raw.size(); i++) {
            outputs.add(decoder.apply(inputs.get(i).getFirst(), raw.get(i)));
        }
        return outputs;
    }

    @Override
    public void close() {
        predictor.close();
        model.close();
    }
}
