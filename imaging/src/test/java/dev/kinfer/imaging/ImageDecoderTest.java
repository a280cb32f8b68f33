package dev.kinfer.imaging;

import static dev.kinfer.imaging.TestImages.BLUE;
import static dev.kinfer.imaging.TestImages.GREEN;
import static dev.kinfer.imaging.TestImages.RED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kinfer.imaging.RejectedImageException.Reason;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImageDecoderTest {
    private final ImageDecoder decoder = new ImageDecoder(40_000_000);

    @Test
    void shouldDecodeAOnePixelPngAsStandardRgb() {
        DecodedImage image = decoder.decode(TestImages.encode(TestImages.filled(1, 1, RED), "png"));

        assertThat(image.format()).isEqualTo(ImageFormat.PNG);
        assertThat(image.width()).isEqualTo(1);
        assertThat(image.height()).isEqualTo(1);
        assertThat(image.image().getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
        assertThat(image.image().getRGB(0, 0) & 0xFFFFFF).isEqualTo(0xFF0000);
    }

    @Test
    void shouldKeepTheShapeOfALongThinImage() {
        DecodedImage image = decoder.decode(TestImages.encode(TestImages.filled(10_000, 3, GREEN), "png"));

        assertThat(image.width()).isEqualTo(10_000);
        assertThat(image.height()).isEqualTo(3);
    }

    @Test
    void shouldRefuseAJpegThatEndsEarlyWhichTheJdkWouldFillWithGrey() {
        byte[] jpeg = TestImages.encode(TestImages.quadrants(200, 200), "jpeg");

        assertRejected(Arrays.copyOf(jpeg, jpeg.length / 2), Reason.CORRUPT);
    }

    @Test
    void shouldRefuseAPngWithOneFlippedCrcByte() {
        byte[] png = TestImages.withFlippedCrc(TestImages.encode(TestImages.quadrants(20, 20), "png"));

        assertRejected(png, Reason.CORRUPT);
    }

    @Test
    void shouldRefuseADecompressionBombFromItsHeaderAlone() {
        assertRejected(TestImages.pngDeclaring(50_000, 50_000), Reason.TOO_MANY_PIXELS);
        assertRejected(TestImages.encode(TestImages.filled(101, 100, RED), "png"), new ImageDecoder(10_000), Reason.TOO_MANY_PIXELS);
    }

    @Test
    void shouldRefuseWhatIsNotAnAcceptedImage() {
        assertRejected(new byte[0], Reason.EMPTY);
        assertRejected("hello".getBytes(StandardCharsets.UTF_8), Reason.UNSUPPORTED_FORMAT);
        assertRejected(("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><rect width=\"10\" height=\"10\"/></svg>")
                .getBytes(StandardCharsets.UTF_8), Reason.UNSUPPORTED_FORMAT);
    }

    @Test
    void shouldBringA16BitPngToEightBitRgb() {
        DecodedImage image = decoder.decode(TestImages.png16(3, 2, 0xFFFF, 0x8080, 0));

        assertThat(image.image().getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
        assertThat(image.image().getRGB(2, 1) & 0xFFFFFF).isEqualTo(0xFF8000);
    }

    @ParameterizedTest
    @CsvSource({"8, 128, 128", "16, 32896, 128", "8, 10, 10"})
    void shouldKeepGreyLevelsOfAGreyPng(int bits, int level, int expected) {
        DecodedImage image = decoder.decode(TestImages.grey(4, 4, bits, level));

        assertThat(image.image().getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
        int grey = expected * 0x010101;
        assertThat(image.image().getRGB(1, 1) & 0xFFFFFF).as("level %d of %d bits", level, bits).isEqualTo(grey);
    }

    @Test
    void shouldKeepTheTransparencyOfAPalettePng() {
        DecodedImage image = decoder.decode(TestImages.paletteWithTransparency(4, 2));

        assertThat(image.image().getType()).isEqualTo(BufferedImage.TYPE_INT_ARGB);
        assertThat(image.image().getRGB(0, 0) >>> 24).isZero();
        assertThat(image.image().getRGB(3, 1)).isEqualTo(0xFFFF0000);
    }

    @Test
    void shouldShowACmykJpegInItsColoursNotInverted() {
        // Magenta and yellow ink, no cyan or black: red on paper.
        DecodedImage image = decoder.decode(TestImages.cmykJpeg(16, 16, 0, 255, 255, 0));

        assertThat(image.format()).isEqualTo(ImageFormat.JPEG);
        assertThat(image.image().getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
        Color colour = new Color(image.image().getRGB(8, 8));
        assertThat(colour.getRed()).as(colour.toString()).isGreaterThan(200);
        assertThat(colour.getGreen()).as(colour.toString()).isLessThan(90);
        assertThat(colour.getBlue()).as(colour.toString()).isLessThan(90);
    }

    /** Quadrant colours of the upright image, from a stored image with red, green / blue, white quadrants. */
    @ParameterizedTest
    @CsvSource({
            "1, 40, 20, RED, GREEN, BLUE, WHITE",
            "2, 40, 20, GREEN, RED, WHITE, BLUE",
            "3, 40, 20, WHITE, BLUE, GREEN, RED",
            "4, 40, 20, BLUE, WHITE, RED, GREEN",
            "5, 20, 40, RED, BLUE, GREEN, WHITE",
            "6, 20, 40, BLUE, RED, WHITE, GREEN",
            "7, 20, 40, WHITE, GREEN, BLUE, RED",
            "8, 20, 40, GREEN, WHITE, RED, BLUE"})
    void shouldTurnAnExifOrientedJpegUpright(int orientation, int width, int height, String topLeft, String topRight,
                                             String bottomLeft, String bottomRight) {
        byte[] jpeg = TestImages.withExifOrientation(TestImages.encode(TestImages.quadrants(40, 20), "jpeg"), orientation);

        DecodedImage image = decoder.decode(jpeg);

        assertThat(image.width()).isEqualTo(width);
        assertThat(image.height()).isEqualTo(height);
        BufferedImage upright = image.image();
        assertThat(colourName(upright.getRGB(width / 4, height / 4))).isEqualTo(topLeft);
        assertThat(colourName(upright.getRGB(width * 3 / 4, height / 4))).isEqualTo(topRight);
        assertThat(colourName(upright.getRGB(width / 4, height * 3 / 4))).isEqualTo(bottomLeft);
        assertThat(colourName(upright.getRGB(width * 3 / 4, height * 3 / 4))).isEqualTo(bottomRight);
        ImageDecoder.Inspected inspected = decoder.inspect(jpeg);
        assertThat(inspected.width()).as("inspected upright, as decoded").isEqualTo(width);
        assertThat(inspected.height()).isEqualTo(height);
        assertThat(inspected.format()).isEqualTo(image.format());
    }

    @ParameterizedTest
    @CsvSource({"gif, GIF", "bmp, BMP", "tiff, TIFF", "jpeg, JPEG"})
    void shouldAcceptTheOtherFormatsSniffedFromTheirBytes(String writerFormat, ImageFormat expected) {
        DecodedImage image = decoder.decode(TestImages.encode(TestImages.quadrants(30, 10), writerFormat));

        assertThat(image.format()).isEqualTo(expected);
        assertThat(image.width()).isEqualTo(30);
        assertThat(image.height()).isEqualTo(10);
        assertThat(colourName(image.image().getRGB(5, 2))).isEqualTo("RED");
    }

    private void assertRejected(byte[] bytes, Reason reason) {
        assertRejected(bytes, decoder, reason);
    }

    private static void assertRejected(byte[] bytes, ImageDecoder decoder, Reason reason) {
        assertThatThrownBy(() -> decoder.decode(bytes))
                .isInstanceOfSatisfying(RejectedImageException.class, e -> assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason));
    }

    /** The nearest of the quadrant colours, since JPEG shifts levels a little. */
    private static String colourName(int rgb) {
        Color colour = new Color(rgb);
        record Named(String name, Color colour) {
        }
        return java.util.stream.Stream.of(new Named("RED", RED), new Named("GREEN", GREEN), new Named("BLUE", BLUE),
                        new Named("WHITE", Color.WHITE))
                .min(java.util.Comparator.comparingInt(n -> Math.abs(n.colour().getRed() - colour.getRed())
                        + Math.abs(n.colour().getGreen() - colour.getGreen()) + Math.abs(n.colour().getBlue() - colour.getBlue())))
                .orElseThrow().name();
    }
}
