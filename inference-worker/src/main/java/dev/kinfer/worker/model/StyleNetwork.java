package dev.kinfer.worker.model;

import ai.djl.Device;
import ai.djl.inference.Predictor;
import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import dev.kinfer.catalog.ModelManifest;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code style-transfer} with a network: any two-input TorchScript or ONNX export (an AdaIN model, say) taking
 * the content and the style as NCHW RGB in [0, 1] and answering the stylised content the same way. Content and
 * style may each have any size, so every request is its own model call.
 */
final class StyleNetwork implements ModelRunner {
    private final ModelManifest manifest;
    private final ZooModel<NDList, NDList> model;
    private final Predictor<NDList, NDList> predictor;

    StyleNetwork(ModelManifest manifest, Path modelDir, int intraOpThreads) {
        this.manifest = manifest;
        this.model = Artifacts.load(manifest, modelDir, intraOpThreads, NDList.class, NDList.class, new NoopTranslator());
        this.predictor = model.newPredictor();
    }

    @Override
    public ModelManifest manifest() {
        return manifest;
    }

    @Override
    public String bucket(int width, int height) {
        return "any"; // one call per request, whatever the sizes
    }

    @Override
    public List<ModelOutput> run(List<ModelInput> inputs) {
        List<ModelOutput> outputs = new ArrayList<>(inputs.size());
        for (ModelInput input : inputs) {
            try (NDManager scope = model.getNDManager().newSubManager()) {
                NDList answer = predictor.predict(new NDList(tensor(scope, input.images().get(0)), tensor(scope, input.images().get(1))));
                NDArray rgb = answer.getFirst().squeeze(0).clip(0f, 1f).mul(255f).round().toType(DataType.UINT8, false);
                outputs.add(new ModelOutput.ImageProduct((BufferedImage) ImageFactory.getInstance().fromNDArray(rgb).getWrappedImage()));
            } catch (TranslateException e) {
                throw new IllegalStateException(manifest.name() + " failed: " + e.getMessage(), e);
            }
        }
        return outputs;
    }

    private static NDArray tensor(NDManager scope, BufferedImage image) {
        return ImageFactory.getInstance().fromImage(image).toNDArray(scope, Image.Flag.COLOR)
                .toType(DataType.FLOAT32, false).div(255f).transpose(2, 0, 1).expandDims(0);
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
