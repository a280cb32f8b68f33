package dev.kinfer.worker.model;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/** How face-api's networks take a face crop. */
final class FaceCrops {
    private FaceCrops() {
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
