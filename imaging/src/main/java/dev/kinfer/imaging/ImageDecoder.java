package dev.kinfer.imaging;

import dev.kinfer.imaging.RejectedImageException.Reason;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.Set;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes an uploaded image the one way kinfer does, or refuses it: the format is sniffed from the bytes, the
 * pixel count is checked from the header before any pixel is decoded (a 50000x50000 PNG is a few hundred bytes),
 * the structure of a JPEG or PNG is walked ({@link JpegStructure}, {@link PngStructure}: a file that ends early or a
 * PNG chunk whose CRC does not match is corruption), the image must decode completely (a decoder warning, such as a
 * JPEG scan that stops short, which the JDK would fill with grey, counts as corruption; a missing colour profile does
 * not), CMYK and YCCK JPEGs are converted with their colour profile (TwelveMonkeys), and the result is upright and in
 * {@link StandardPixels}.
 */
public final class ImageDecoder {
    /** The formats whose structure is walked; {@link #inspect} decodes no pixel of them. */
    private static final Set<ImageFormat> STRUCTURE_CHECKED = EnumSet.of(ImageFormat.JPEG, ImageFormat.PNG);

    private final long maxPixels;

    /** @param maxPixels the largest width x height decoded; larger images are refused from their header */
    public ImageDecoder(long maxPixels) {
        this.maxPixels = maxPixels;
    }

    /** @throws RejectedImageException when the bytes are not a complete image of an accepted format within the limit */
    public DecodedImage decode(byte[] bytes) {
        Decoded decoded = read(bytes, (reader, format) -> new Decoded(completely(reader), format));
        return new DecodedImage(Orientation.of(bytes).upright(StandardPixels.of(decoded.image())), decoded.format());
    }

    /**
     * The checks of {@link #decode} but the decode itself for JPEG and PNG, the formats nearly every upload has:
     * format, pixel count and structure (a truncated file fails), so that an upload is decoded once, by the worker.
     * What only a decode finds, damaged entropy-coded data in a structurally complete JPEG or a broken zlib stream in
     * a PNG whose CRCs match, passes here and fails in the worker's {@link #decode} (its request ends FAILED,
     * {@code invalid-image}). GIF, BMP, TIFF and WebP, rare uploads, are still decoded completely: for them
     * correctness comes before speed.
     *
     * @return the format and the upright width and height
     */
    public Inspected inspect(byte[] bytes) {
        Inspected stored = read(bytes, (reader, format) -> {
            if (!STRUCTURE_CHECKED.contains(format)) {
                completely(reader);
            }
            return new Inspected(format, reader.getWidth(0), reader.getHeight(0));
        });
        boolean turned = Orientation.of(bytes).swapsAxes();
        return turned ? new Inspected(stored.format(), stored.height(), stored.width()) : stored;
    }

    /** What {@link #inspect} found. */
    public record Inspected(ImageFormat format, int width, int height) {
    }

    private record Decoded(BufferedImage image, ImageFormat format) {
    }

    /** What is done with a reader once the format, structure and pixel count are known to be acceptable. */
    @FunctionalInterface
    private interface Reading<T> {
        T read(ImageReader reader, ImageFormat format) throws IOException;
    }

    private <T> T read(byte[] bytes, Reading<T> reading) {
        if (bytes.length == 0) {
            throw new RejectedImageException(Reason.EMPTY, "the image has no bytes");
        }
        // In memory: ImageIO would otherwise spool the stream to a temporary file.
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            ImageReader reader = readerFor(in);
            try {
                String formatName = reader.getFormatName();
                ImageFormat format = ImageFormat.ofReaderFormatName(formatName)
                        .orElseThrow(() -> new RejectedImageException(Reason.UNSUPPORTED_FORMAT, "images in "
                                + formatName + " format are not accepted; use one of " + ImageFormat.contentTypes()));
                if (structuralDamage(format, bytes) instanceof String damage) {
                    throw corrupt(damage);
                }
                reader.setInput(in, true);
                long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
                if (pixels > maxPixels) {
                    throw new RejectedImageException(Reason.TOO_MANY_PIXELS, reader.getWidth(0) + "x" + reader.getHeight(0)
                            + " is more than the " + maxPixels + " pixels accepted");
                }
                return reading.read(reader, format);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof RejectedImageException rejected) {
                throw rejected;
            }
            throw corrupt(e.toString());
        }
    }

    /** @return why the structure of a {@link #STRUCTURE_CHECKED} format is broken, or null */
    private static String structuralDamage(ImageFormat format, byte[] bytes) {
        return switch (format) {
            case JPEG -> JpegStructure.damage(bytes);
            case PNG -> PngStructure.damage(bytes);
            default -> null;
        };
    }

    /** Decodes every pixel; a warning of the decoder is corruption. */
    private static BufferedImage completely(ImageReader reader) throws IOException {
        StringBuilder warnings = new StringBuilder();
        reader.addIIOReadWarningListener((source, warning) -> {
            if (!isHarmless(warning)) {
                warnings.append(warning).append("; ");
            }
        });
        BufferedImage decoded = reader.read(0);
        if (!warnings.isEmpty()) {
            throw corrupt(warnings.toString());
        }
        return decoded;
    }

    private static ImageReader readerFor(ImageInputStream in) {
        Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
        if (!readers.hasNext()) {
            throw new RejectedImageException(Reason.UNSUPPORTED_FORMAT, "the bytes are not an image in one of "
                    + ImageFormat.contentTypes());
        }
        return readers.next();
    }

    /**
     * Warnings about complete pixels, which are no corruption: TwelveMonkeys warns when a JPEG's ICC profile is
     * missing or unusable and it converts the colours with a generic one instead, and when a baseline JPEG carries
     * 16-bit quantisation tables (some encoders write them; libjpeg and TwelveMonkeys decode them fully). ImageIO
     * gives warnings as text only.
     */
    private static boolean isHarmless(String warning) {
        return warning.contains("ICC") || warning.contains("16 bit DQT");
    }

    private static RejectedImageException corrupt(String why) {
        return new RejectedImageException(Reason.CORRUPT, "the image cannot be decoded completely: " + why);
    }
}
