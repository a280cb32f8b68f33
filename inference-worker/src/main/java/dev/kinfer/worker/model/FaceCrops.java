package dev.kinfer.worker.model;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/** How face-api's networks take a face crop. */
final class FaceCrops {
    private FaceCrops() {
    }

    /**
     * A square region of a photo, in whole pixels, scaled to {@code image}; parts outside the photo are black.
     *
     * @param left its left edge in the photo's pixels
     * @param top  its top edge
     * @param side its side in the photo's pixels
     */
    record Crop(BufferedImage image, int left, int top, int side) {
        /** A point given in 0..1 across and down the crop, in the photo's pixels. */
        float x(float across) {
            return left + across * side;
        }

        float y(float down) {
            return top + down * side;
        }
    }

    /**
     * The square around a face box, {@code context} times its longer side and centred on it, scaled to
     * {@code size}: whole-pixel edges, so that anyone can cut the same crop from the box the detector answers.
     */
    static Crop around(BufferedImage photo, float x, float y, float width, float height, double context, int size) {
        int side = Math.max(1, (int) Math.round(Math.max(width, height) * context));
        int left = (int) Math.round(x + width / 2.0 - side / 2.0);
        int top = (int) Math.round(y + height / 2.0 - side / 2.0);
        BufferedImage crop = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = crop.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(photo, 0, 0, size, size, left, top, left + side, top + side, null);
        g.dispose();
        return new Crop(crop, left, top, side);
    }

    /** Centred on a black square (face-api's padToSquare), then scaled to {@code side}; a crop of that size is kept as it is. */
    static BufferedImage centredSquare(BufferedImage face, int side) {
        if (face.getWidth() == side && face.getHeight() == side) {
            return face;
        }
        int longer = Math.max(face.getWidth(), face.getHeight());
        double scale = (double) side / longer;
        BufferedImage square = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = square.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(face, (int) Math.round((longer - face.getWidth()) / 2.0 * scale), (int) Math.round((longer - face.getHeight()) / 2.0 * scale),
                (int) Math.round(face.getWidth() * scale), (int) Math.round(face.getHeight() * scale), null);
        g.dispose();
        return square;
    }
}
