package dev.kinfer.worker.model;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Map;

/**
 * One request as a model sees it.
 *
 * @param images the request's decoded input images, in order
 * @param params the request's parameters, already accepted by {@link ModelRunner#checkParams}
 */
public record ModelInput(List<BufferedImage> images, Map<String, String> params) {
    public ModelInput {
        images = List.copyOf(images);
        params = Map.copyOf(params);
    }

    public static ModelInput of(BufferedImage image) {
        return new ModelInput(List.of(image), Map.of());
    }

    public BufferedImage image() {
        return images.getFirst();
    }
}
