package dev.kinfer.worker.model;

import java.awt.image.BufferedImage;

/** What a model produced for one request, before it is stored and published. */
public sealed interface ModelOutput {
    /** An image (PNG-encoded when stored); image-to-image tasks. */
    record ImageProduct(BufferedImage image) implements ModelOutput {
    }

    /** A vector (embeddings; the synthetic benchmark model). */
    record VectorProduct(float[] vector) implements ModelOutput {
    }
}
