package dev.kinfer.worker.model;

import ai.djl.Device;
import ai.djl.inference.Predictor;
import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.TranslateException;
import ai.djl.translate.Translator;
import dev.kinfer.catalog.InvalidParameterException;
import dev.kinfer.catalog.ModelManifest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A single-input image model run through DJL: loads the artifact with the manifest's engine, keeps one
 * {@link Predictor}, and turns each raw prediction into a {@link ModelOutput} with the task's decoder.
 */
final class DjlRunner<O> implements ModelRunner {
    private final ModelManifest manifest;
    private final ZooModel<Image, O> model;
    private final Predictor<Image, O> predictor;
    private final Decoder<O> decoder;
    private final boolean resizesInput;
    private final Consumer<Map<String, String>> modelCheck;

    /** A model whose parameters are checked by its task's declaration alone. */
    DjlRunner(ModelManifest manifest, Path modelDir, int intraOpThreads, Class<O> rawOutput, Translator<Image, O> translator,
              Decoder<O> decoder, boolean resizesInput) {
        this(manifest, modelDir, intraOpThreads, rawOutput, translator, decoder, resizesInput, params -> {
        });
    }

    /**
     * @param intraOpThreads ONNX Runtime's threads per operator, 0 for its default
     * @param resizesInput   whether the translator brings every input to one shape (so sizes may share a batch)
     * @param modelCheck     after the task's own check: throws {@link InvalidParameterException} for what only the
     *                       loaded model refuses
     */
    DjlRunner(ModelManifest manifest, Path modelDir, int intraOpThreads, Class<O> rawOutput, Translator<Image, O> translator,
              Decoder<O> decoder, boolean resizesInput, Consumer<Map<String, String>> modelCheck) {
        this.manifest = manifest;
        this.decoder = decoder;
        this.resizesInput = resizesInput;
        this.modelCheck = modelCheck;
        this.model = Artifacts.load(manifest, modelDir, intraOpThreads, Image.class, rawOutput, translator);
        this.predictor = model.newPredictor();
    }

    /** Turns the model's raw answer for one request into what the request gets. */
    @FunctionalInterface
    interface Decoder<O> {
        ModelOutput decode(ModelInput input, O raw);
    }

    @Override
    public ModelManifest manifest() {
        return manifest;
    }

    @Override
    public void checkParams(Map<String, String> params) {
        ModelRunner.super.checkParams(params);
        modelCheck.accept(params);
    }

    @Override
    public String bucket(int width, int height) {
        return resizesInput ? "any" : width + "x" + height;
    }

    @Override
    public List<ModelOutput> run(List<ModelInput> inputs) {
        List<Image> images = new ArrayList<>(inputs.size());
        for (ModelInput input : inputs) {
            images.add(ImageFactory.getInstance().fromImage(input.image()));
        }
        List<O> raw;
        try {
            raw = predictor.batchPredict(images);
        } catch (TranslateException e) {
            throw new IllegalStateException(manifest.name() + " failed on a batch of " + inputs.size() + ": " + e.getMessage(), e);
        }
        List<ModelOutput> outputs = new ArrayList<>(raw.size());
        for (int i = 0; i < raw.size(); i++) {
            outputs.add(decoder.decode(inputs.get(i), raw.get(i)));
        }
        return outputs;
    }

    @Override
    public Device device() {
        return model.getNDManager().getDevice();
    }

    @Override
    public void close() {
        predictor.close();
        model.close();
    }
}
