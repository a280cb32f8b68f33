package dev.kinfer.imaging;

import static dev.kinfer.imaging.TestImages.BLUE;
import static dev.kinfer.imaging.TestImages.GREEN;
import static dev.kinfer.imaging.TestImages.RED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kinfer.imaging.RejectedImageException.Reason;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

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
    @MethodSource("everyFormat")
    void shouldAcceptEveryFormatSniffedFromItsBytes(ImageFormat expected, byte[] bytes) {
        DecodedImage image = decoder.decode(bytes);

        assertThat(image.format()).isEqualTo(expected);
        assertThat(image.width()).isEqualTo(30);
        assertThat(image.height()).isEqualTo(10);
        assertThat(colourName(image.image().getRGB(5, 2))).isEqualTo("RED");
        assertThat(decoder.inspect(bytes)).isEqualTo(new ImageDecoder.Inspected(expected, 30, 10));
    }

    /** 30x10 images, red at the top left, of every accepted format. */
    static Stream<Arguments> everyFormat() {
        BufferedImage quadrants = TestImages.quadrants(30, 10);
        return Stream.of(Arguments.of(ImageFormat.JPEG, TestImages.encode(quadrants, "jpeg")),
                Arguments.of(ImageFormat.PNG, TestImages.encode(quadrants, "png")),
                Arguments.of(ImageFormat.GIF, TestImages.encode(quadrants, "gif")),
                Arguments.of(ImageFormat.BMP, TestImages.encode(quadrants, "bmp")),
                Arguments.of(ImageFormat.TIFF, TestImages.encode(quadrants, "tiff")),
                Arguments.of(ImageFormat.WEBP, TestImages.webp(30, 10, RED)));
    }

    /** Every prefix of a JPEG, from where its first bytes are sniffed as one, lacks what comes after. */
    @ParameterizedTest
    @MethodSource("jpegs")
    void shouldRefuseAJpegCutAnywhere(String kind, byte[] jpeg) {
        assertThat(refusedPrefixes(jpeg, 3)).as(kind).isEmpty();
    }

    static Stream<Arguments> jpegs() {
        BufferedImage quadrants = TestImages.quadrants(123, 77);
        return Stream.of(Arguments.of("baseline", TestImages.encode(quadrants, "jpeg")),
                Arguments.of("progressive", TestImages.progressiveJpeg(quadrants)),
                Arguments.of("restart markers", TestImages.jpegWithRestarts(quadrants, 2)),
                Arguments.of("EXIF", TestImages.withExifOrientation(TestImages.encode(quadrants, "jpeg"), 6)));
    }

    @Test
    void shouldRefuseAJpegWithoutItsEoiMarker() {
        byte[] jpeg = TestImages.encode(TestImages.quadrants(40, 20), "jpeg");

        assertRejected(Arrays.copyOf(jpeg, jpeg.length - 2), Reason.CORRUPT, "EOI");
    }

    @Test
    void shouldRefuseAJpegWhoseSegmentsDoNotFollowEachOther() {
        byte[] jpeg = TestImages.encode(TestImages.quadrants(40, 20), "jpeg");
        jpeg[5]++; // the JFIF segment claims one byte more

        assertRejected(jpeg, Reason.CORRUPT, "not a marker");
    }

    @Test
    void shouldAcceptAProgressiveJpeg() {
        byte[] jpeg = TestImages.progressiveJpeg(TestImages.quadrants(40, 20));

        assertThat(TestImages.markers(jpeg, 0xDA)).as("scans").isGreaterThan(1);
        assertThat(decoder.inspect(jpeg)).isEqualTo(new ImageDecoder.Inspected(ImageFormat.JPEG, 40, 20));
        assertThat(colourName(decoder.decode(jpeg).image().getRGB(30, 15))).isEqualTo("WHITE");
    }

    @Test
    void shouldAcceptAJpegWithRestartMarkersInItsScan() {
        byte[] jpeg = TestImages.jpegWithRestarts(TestImages.quadrants(64, 48), 1);

        assertThat(IntStream.rangeClosed(0xD0, 0xD7).map(rst -> TestImages.markers(jpeg, rst)).sum()).as("restart markers")
                .isEqualTo(4 * 3 - 1);
        assertThat(decoder.inspect(jpeg)).isEqualTo(new ImageDecoder.Inspected(ImageFormat.JPEG, 64, 48));
        assertThat(colourName(decoder.decode(jpeg).image().getRGB(40, 10))).isEqualTo("GREEN");
    }

    /** Decoders stop at EOI or IEND, and phones append data after EOI (a motion photo's video, MPO's second image). */
    @ParameterizedTest
    @CsvSource({"jpeg, JPEG", "png, PNG"})
    void shouldAcceptBytesAfterTheEndAsDecodersDo(String writerFormat, ImageFormat format) {
        byte[] image = TestImages.encode(TestImages.quadrants(40, 20), writerFormat);
        byte[] trailed = Arrays.copyOf(image, image.length + 100);
        Arrays.fill(trailed, image.length, trailed.length, (byte) 0xFF);

        assertThat(decoder.inspect(trailed)).isEqualTo(new ImageDecoder.Inspected(format, 40, 20));
        assertThat(decoder.decode(trailed).width()).isEqualTo(40);
    }

    @Test
    void shouldRefuseAPngCutAnywhere() {
        assertThat(refusedPrefixes(TestImages.encode(TestImages.quadrants(50, 40), "png"), 8)).isEmpty();
    }

    @Test
    void shouldRefuseAPngWithoutItsIendChunk() {
        byte[] png = TestImages.encode(TestImages.quadrants(20, 20), "png");

        assertRejected(Arrays.copyOf(png, png.length - 12), Reason.CORRUPT, "IEND");
    }

    @Test
    void shouldRefuseAPngThatDoesNotStartWithIhdrOrHasNoIdat() {
        byte[] png = TestImages.encode(TestImages.quadrants(20, 20), "png");
        byte[] signature = Arrays.copyOf(png, 8);
        byte[] ihdr = Arrays.copyOfRange(png, 8, 8 + 25);
        byte[] iend = Arrays.copyOfRange(png, png.length - 12, png.length);
        byte[] text = pngChunk("tEXt", "Comment\0first".getBytes(StandardCharsets.ISO_8859_1));

        assertRejected(concat(signature, text, Arrays.copyOfRange(png, 8, png.length)), Reason.CORRUPT, "not IHDR");
        assertRejected(concat(signature, ihdr, iend), Reason.CORRUPT, "no IDAT");
    }

    /**
     * Damage that only a decode finds, under an intact structure, passes inspect (which decodes no pixel of a JPEG or
     * PNG) and is refused by decode: the worker's.
     */
    @Test
    void shouldInspectAJpegOrPngWithoutDecodingItsPixels() {
        byte[] jpeg = TestImages.withScanCutShort(TestImages.encode(TestImages.quadrants(200, 100), "jpeg"));
        byte[] png = TestImages.withBrokenZlibStream(TestImages.encode(TestImages.quadrants(50, 40), "png"));

        assertThat(decoder.inspect(jpeg)).isEqualTo(new ImageDecoder.Inspected(ImageFormat.JPEG, 200, 100));
        assertThat(decoder.inspect(png)).isEqualTo(new ImageDecoder.Inspected(ImageFormat.PNG, 50, 40));
        assertDecodeRejected(jpeg, decoder, Reason.CORRUPT);
        assertDecodeRejected(png, decoder, Reason.CORRUPT);
    }

    /** GIF, BMP, TIFF and WebP have no structure walk: inspect decodes them, and so refuses them cut short. */
    @ParameterizedTest
    @MethodSource("rareFormats")
    void shouldDecodeTheRareFormatsCompletelyToInspectThem(ImageFormat format, byte[] bytes) {
        assertRejected(Arrays.copyOf(bytes, bytes.length * 3 / 4), Reason.CORRUPT);
    }

    static Stream<Arguments> rareFormats() {
        return everyFormat().filter(image -> image.get()[0] != ImageFormat.JPEG && image.get()[0] != ImageFormat.PNG);
    }

    /** The prefixes of {@code bytes} from {@code from} bytes on that inspect does not refuse as corrupt, with what it did. */
    private List<String> refusedPrefixes(byte[] bytes, int from) {
        List<String> wrong = new ArrayList<>();
        for (int length = from; length < bytes.length; length++) {
            try {
                wrong.add(length + " bytes: accepted as " + decoder.inspect(Arrays.copyOf(bytes, length)));
            } catch (RejectedImageException e) {
                if (e.reason() != Reason.CORRUPT) {
                    wrong.add(length + " bytes: " + e.reason());
                }
            }
        }
        return wrong;
    }

    private void assertRejected(byte[] bytes, Reason reason) {
        assertRejected(bytes, decoder, reason);
    }

    private void assertRejected(byte[] bytes, Reason reason, String why) {
        assertRejected(bytes, reason);
        assertThatThrownBy(() -> decoder.inspect(bytes)).hasMessageContaining(why);
    }

    /** Refused by decode and by inspect alike. */
    private static void assertRejected(byte[] bytes, ImageDecoder decoder, Reason reason) {
        assertDecodeRejected(bytes, decoder, reason);
        assertThatThrownBy(() -> decoder.inspect(bytes))
                .isInstanceOfSatisfying(RejectedImageException.class, e -> assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason));
    }

    private static void assertDecodeRejected(byte[] bytes, ImageDecoder decoder, Reason reason) {
        assertThatThrownBy(() -> decoder.decode(bytes))
                .isInstanceOfSatisfying(RejectedImageException.class, e -> assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason));
    }

    private static byte[] pngChunk(String type, byte[] data) {
        byte[] typed = concat(type.getBytes(StandardCharsets.US_ASCII), data);
        CRC32 crc = new CRC32();
        crc.update(typed);
        return ByteBuffer.allocate(12 + data.length).putInt(data.length).put(typed).putInt((int) crc.getValue()).array();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
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

    /** Some encoders write 16-bit quantisation tables; TwelveMonkeys warns but decodes every pixel (Debian's opencv-doc has two). */
    @Test
    void jpegsWithSixteenBitQuantisationTablesAreWhole() throws Exception {
        java.nio.file.Path photo = java.nio.file.Path.of("/usr/share/doc/opencv-doc/opencv4/html/detect_test1.jpg");
        assertThat(photo).as("Debian's opencv-doc, which .ci/run installs").isRegularFile();
        byte[] bytes = java.nio.file.Files.readAllBytes(photo);
        DecodedImage decoded = new ImageDecoder(100_000_000).decode(bytes);
        assertThat(decoded.format()).isEqualTo(ImageFormat.JPEG);
        assertThat(decoded.width()).isPositive();
    }
}
