package dev.kinfer.worker.model;

import java.awt.image.BufferedImage;
import java.util.List;

/** What a model produced for one request, before it is stored and published. */
public sealed interface ModelOutput {
    /** An image (PNG-encoded when stored); image-to-image tasks. */
    record ImageProduct(BufferedImage image) implements ModelOutput {
    }

    /** The most probable labels, most probable first; {@code classify}. */
    record Labels(List<Label> labels) implements ModelOutput {
    }

    record Label(String label, float probability) {
    }

    /** Faces found in the image, best first; {@code detect-faces}. */
    record Faces(List<Face> faces) implements ModelOutput {
    }

    /**
     * One face in the input image's pixels: the box's top-left corner and size, the detector's score, and its
     * keypoints as x, y pairs.
     */
    record Face(float x, float y, float width, float height, float score, float[] keypoints) {
    }

    /**
     * Whether two faces are one person, and how alike they are; {@code verify-face}. {@code subject} names the
     * registered person compared with (the best match, when identifying); null when two photos were compared.
     */
    record Verified(boolean matched, float similarity, String subject) implements ModelOutput {
    }

    /** A face registered under {@code subject}: the descriptor, to store in the gallery and answer. */
    record Registered(String subject, float[] descriptor) implements ModelOutput {
    }

    /** This request could not be served by the model (say, no face in it); the rest of its batch can. */
    record Unservable(String code, String message) implements ModelOutput {
    }

    /** A vector (embeddings; the synthetic benchmark model). */
    record VectorProduct(float[] vector) implements ModelOutput {
    }
}
