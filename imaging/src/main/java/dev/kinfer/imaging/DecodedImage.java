package dev.kinfer.imaging;

import java.awt.image.BufferedImage;

/**
 * An image decoded completely, upright (its EXIF orientation applied) and in standard pixels:
 * {@link BufferedImage#TYPE_INT_RGB}, or {@link BufferedImage#TYPE_INT_ARGB} when it has transparency.
 */
public record DecodedImage(BufferedImage image, ImageFormat format) {
    /** Width in the upright frame. */
    public int width() {
        return image.getWidth();
    }

    /** Height in the upright frame. */
    public int height() {
        return image.getHeight();
    }
}
