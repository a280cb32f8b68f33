package dev.kinfer.worker.model;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Map;

/**
 * One request as a model sees it.
 *
 * @param images the request's decoded input images, in order
 * @param params the request's parameters, already accepted by {@link ModelRunner#checkParams}
 * @param gallery the faces registered by the request's tenant, by subject (empty for models that do not use it)
 */
public record ModelInput(List<BufferedImage> images, Map<String, String> params, Map<String, float[]> gallery) {
    public ModelInput {
        images = List.copyOf(images);
        params = Map.copyOf(params);
    }

    public ModelInput(List<BufferedImage> images, Map<String, String> params) {
        this(images, params, Map.of());
    }

    public static ModelInput of(BufferedImage image) {
        return new ModelInput(List.of(image), Map.of());
    }

    public BufferedImage image() {
        return images.getFirst();
    }
}
