package dev.kinfer.worker.model;

import java.awt.image.BufferedImage;
import java.util.List;

/** A loaded, warmed-up model. Not thread-safe: one runner per inference thread. */
public interface ModelRunner extends AutoCloseable {
    ModelManifest manifest();

    /**
     * The batching bucket of an input of this size: inputs the model resizes to one shape share one bucket;
     * otherwise each size is its own, so that a batch never needs padding.
     */
    String bucket(int width, int height);

    /**
     * Runs one batch as a single {@code batchPredict} call.
     *
     * @param inputs one entry per request, each the request's decoded input images in order
     * @return one output per request, in the same order
     */
    List<ModelOutput> run(List<List<BufferedImage>> inputs);

    @Override
    void close();
}
