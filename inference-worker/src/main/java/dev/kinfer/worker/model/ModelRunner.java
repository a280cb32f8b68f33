package dev.kinfer.worker.model;

import ai.djl.Device;
import dev.kinfer.catalog.ModelManifest;
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

    /** How many images a request carries (a style transfer takes the content, then the style). */
    default int inputCount() {
        return 1;
    }

    /** Whether a request may carry this many images; {@link #inputCount()} only, unless the model says otherwise. */
    default boolean takes(int images) {
        return images == inputCount();
    }

    /** Refuses parameters this model does not take or cannot parse, before the request joins a batch. */
    default void checkParams(Map<String, String> params) {
        refuseAny(manifest().task(), params);
    }

    static void refuseAny(String task, Map<String, String> params) {
        if (!params.isEmpty()) {
            throw new InvalidParameterException(task + " takes no parameters, got " + params.keySet());
        }
    }

    /**
     * Runs one batch as a single {@code batchPredict} call.
     *
     * @param inputs one entry per request
     * @return one output per request, in the same order
     */
    List<ModelOutput> run(List<ModelInput> inputs);

    /** Where the model runs. */
    default Device device() {
        return Device.cpu();
    }

    @Override
    void close();
}
