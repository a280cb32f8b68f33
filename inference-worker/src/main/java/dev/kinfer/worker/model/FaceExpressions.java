package dev.kinfer.worker.model;

import ai.djl.Device;
import dev.kinfer.catalog.InvalidParameterException;
import dev.kinfer.catalog.ModelManifest;
import dev.kinfer.catalog.ParamSpec;
import dev.kinfer.catalog.TaskSpecs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code classify} with face-api's expression network ({@link FaceApiNetwork}, seven outputs and a softmax): a face
 * crop's probabilities of seven expressions ({@link #LABELS}, face-api's order). Give it a face as {@code detect-faces}
 * boxes it. Parameter {@code topK} ({@link TaskSpecs#CLASSIFY}), at most seven; its default is the manifest's option
 * {@code topK}. Manifest: {@code "task": "classify"}, option {@code "network": "face-api-expression"}, artifact
 * {@code face_expression_model-weights_manifest.json}.
 */
final class FaceExpressions implements ModelRunner {
    /** The manifest's option {@code network} that picks this runner for a {@code classify} model. */
    static final String NETWORK = "face-api-expression";
    static final List<String> LABELS = List.of("neutral", "happy", "sad", "angry", "fearful", "disgusted", "surprised");

    private final ModelManifest manifest;
    private final FaceApiNetwork network;
    private final ParamSpec topK = TaskSpecs.CLASSIFY.requireParam(TaskSpecs.TOP_K).atMost(LABELS.size());
    private final String defaultTopK;

    FaceExpressions(ModelManifest manifest, Path modelDir) {
        this.manifest = manifest;
        this.defaultTopK = topK.defaultFor(manifest.options()); // as GET /v1/models describes it
        try {
            topK.check(defaultTopK);
        } catch (InvalidParameterException e) {
            throw new ModelLoadException("classify model " + manifest.name() + ": default " + e.getMessage(), e);
        }
        this.network = new FaceApiNetwork(manifest, modelDir, manifest.artifact(), LABELS.size());
    }

    @Override
    public ModelManifest manifest() {
        return manifest;
    }

    @Override
    public String bucket(int width, int height) {
        return "any"; // every crop becomes 112x112
    }

    @Override
    public void checkParams(Map<String, String> params) {
        ModelRunner.super.checkParams(params);
        if (params.containsKey(TaskSpecs.TOP_K)) {
            topK.check(params.get(TaskSpecs.TOP_K));
        }
    }

    @Override
    public List<ModelOutput> run(List<ModelInput> inputs) {
        float[][] scores = network.run(inputs.stream().map(ModelInput::image).toList());
        List<ModelOutput> outputs = new ArrayList<>(inputs.size());
        for (int i = 0; i < inputs.size(); i++) {
            int k = Integer.parseInt(inputs.get(i).params().getOrDefault(TaskSpecs.TOP_K, defaultTopK).strip());
            outputs.add(Classification.top(LABELS, softmax(scores[i]), k));
        }
        return outputs;
    }

    private static float[] softmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float logit : logits) {
            max = Math.max(max, logit);
        }
        double total = 0;
        double[] exp = new double[logits.length];
        for (int i = 0; i < logits.length; i++) {
            exp[i] = Math.exp(logits[i] - max);
            total += exp[i];
        }
        float[] probabilities = new float[logits.length];
        for (int i = 0; i < logits.length; i++) {
            probabilities[i] = (float) (exp[i] / total);
        }
        return probabilities;
    }

    @Override
    public Device device() {
        return network.device();
    }

    @Override
    public void close() {
        network.close();
    }
}
