package dev.kinfer.worker.model;

import ai.djl.Device;
import dev.kinfer.catalog.InvalidParameterException;
import dev.kinfer.catalog.ModelManifest;
import dev.kinfer.catalog.TaskSpec;
import dev.kinfer.catalog.TaskSpecs;
import java.util.List;
import java.util.Map;

/** A loaded, warmed-up model. Not thread-safe: one runner per inference thread. */
public interface ModelRunner extends AutoCloseable {
    ModelManifest manifest();

    /**
     * The batching bucket of an input of this size: inputs the model resizes to one shape share one bucket;
     * otherwise each size is its own, so that a batch never needs padding.
     */
    String bucket(int width, int height);

    /** What the model's task takes and gives, as the edge describes and checks it. */
    default TaskSpec spec() {
        return TaskSpecs.of(manifest().task());
    }

    /** How many images a full request carries (a style transfer takes the content, then the style): the warm-up's. */
    default int inputCount() {
        return spec().maxImages();
    }

    /** Whether a request may carry this many images, as the task declares. */
    default boolean takes(int images) {
        return spec().takesImages(images);
    }

    /**
     * Refuses parameters this model does not take or cannot parse, before the request joins a batch: the task's
     * declared rules ({@link TaskSpec#check}), which a model may narrow with what only it knows.
     *
     * @throws InvalidParameterException naming the parameter
     */
    default void checkParams(Map<String, String> params) {
        spec().check(params);
    }

    /**
     * Runs one batch as a single {@code batchPredict} call.
     *
     * @param inputs one entry per request
     * @return one output per request, in the same order
     */
    List<ModelOutput> run(List<ModelInput> inputs);

    /** Whether its inputs carry the tenant's face gallery ({@link ModelInput#gallery()}): the worker reads it only then. */
    default boolean readsGallery() {
        return false;
    }

    /** Where the model runs. */
    default Device device() {
        return Device.cpu();
    }

    @Override
    void close();
}
