package dev.kinfer.worker.model;

import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.Translator;
import dev.kinfer.catalog.CatalogNames;
import dev.kinfer.catalog.ModelManifest;
import java.nio.file.Path;

/** Loads a manifest's artifact with DJL: its engine, its device, the deployment's thread count. */
final class Artifacts {
    private Artifacts() {
    }

    /**
     * A file a model names (its artifact, a label file, a weight shard): a manifest is untrusted input, so the
     * name must be a plain file name that stays in the model's directory.
     */
    static Path file(Path modelDir, String name) {
        try {
            return CatalogNames.resolveWithin(modelDir, name);
        } catch (IllegalArgumentException e) {
            throw new ModelLoadException("the model names a file outside its directory: " + e.getMessage(), e);
        }
    }

    /** @param intraOpThreads ONNX Runtime's threads per operator, 0 for its default (PyTorch's is process-wide: see Models) */
    static <I, O> ZooModel<I, O> load(ModelManifest manifest, Path modelDir, int intraOpThreads, Class<I> input, Class<O> output,
                                      Translator<I, O> translator) {
        Criteria.Builder<I, O> criteria = Criteria.builder()
                .setTypes(input, output)
                .optModelPath(file(modelDir, manifest.artifact()))
                .optEngine(manifest.engine())
                .optDevice(Devices.forManifest(manifest))
                .optTranslator(translator);
        if (intraOpThreads > 0 && "OnnxRuntime".equals(manifest.engine())) {
            criteria.optOption("intraOpNumThreads", Integer.toString(intraOpThreads));
        }
        try {
            return criteria.build().loadModel();
        } catch (Exception e) {
            throw new ModelLoadException("cannot load " + manifest.name() + ":" + manifest.version() + " with "
                    + manifest.engine() + ": " + e.getMessage(), e);
        }
    }
}
