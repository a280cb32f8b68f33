package dev.kinfer.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** Decodes what the encoder wrote with the JDK's own PNG reader: every pixel must come back exactly. */
class PngEncoderTest {
    @Test
    void shouldRoundTripAnOpaqueImageExactly() throws IOException {
        BufferedImage image = random(BufferedImage.TYPE_INT_RGB, 37, 23);

        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(PngEncoder.encode(image)));

        assertThat(decoded.getColorModel().hasAlpha()).isFalse();
        assertSamePixels(decoded, image);
    }

    @Test
    void shouldKeepTheAlphaChannel() throws IOException {
        BufferedImage image = random(BufferedImage.TYPE_INT_ARGB, 19, 41);

        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(PngEncoder.encode(image)));

        assertThat(decoded.getColorModel().hasAlpha()).isTrue();
        assertSamePixels(decoded, image);
    }

    private static BufferedImage random(int type, int width, int height) {
        BufferedImage image = new BufferedImage(width, height, type);
        Random random = new Random(width * 31L + height);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, random.nextInt());
            }
        }
        return image;
    }

    private static void assertSamePixels(BufferedImage actual, BufferedImage expected) {
        assertThat(actual.getWidth()).isEqualTo(expected.getWidth());
        assertThat(actual.getHeight()).isEqualTo(expected.getHeight());
        for (int y = 0; y < expected.getHeight(); y++) {
            for (int x = 0; x < expected.getWidth(); x++) {
                assertThat(actual.getRGB(x, y)).as("pixel %d,%d", x, y).isEqualTo(expected.getRGB(x, y));
            }
        }
    }
}
