package dev.kinfer.imaging;

import java.awt.AlphaComposite;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;

/**
 * Brings any decoded layout (16-bit, grey, palette, CMYK converted to 3-byte BGR, …) to the two the models read
 * pixels from with {@code getRGB} and DJL: {@link BufferedImage#TYPE_INT_RGB}, or {@link BufferedImage#TYPE_INT_ARGB}
 * when the image has transparency.
 */
final class StandardPixels {
    private StandardPixels() {
    }

    static BufferedImage of(BufferedImage decoded) {
        int type = decoded.getColorModel().hasAlpha() ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB;
        if (decoded.getType() == type) {
            return decoded;
        }
        BufferedImage standard = new BufferedImage(decoded.getWidth(), decoded.getHeight(), type);
        Graphics2D g = standard.createGraphics();
        try {
            // Drawing (not getRGB) keeps grey levels as they are: getRGB treats the JDK's grey space as linear and brightens them.
            g.setComposite(AlphaComposite.Src);
            g.drawImage(decoded, 0, 0, null);
        } finally {
            g.dispose();
        }
        return standard;
    }
}
