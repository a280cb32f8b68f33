package dev.kinfer.imaging;

import dev.kinfer.imaging.RejectedImageException.Reason;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes an uploaded image the one way kinfer does, or refuses it: the format is sniffed from the bytes, the
 * pixel count is checked from the header before any pixel is decoded (a 50000x50000 PNG is a few hundred bytes),
 * the image must decode completely (a decoder warning, such as a JPEG ending early that the JDK would fill with
 * grey, counts as corruption, and so does a PNG chunk whose CRC does not match; a missing colour profile does not), CMYK and YCCK JPEGs are converted
 * with their colour profile (TwelveMonkeys), and the result is upright and in {@link StandardPixels}.
 */
public final class ImageDecoder {
    private final long maxPixels;

    /** @param maxPixels the largest width x height decoded; larger images are refused from their header */
    public ImageDecoder(long maxPixels) {
        this.maxPixels = maxPixels;
    }

    /** @throws RejectedImageException when the bytes are not a complete image of an accepted format within the limit */
    public DecodedImage decode(byte[] bytes) {
        Decoded decoded = read(bytes);
        return new DecodedImage(Orientation.of(bytes).upright(StandardPixels.of(decoded.image())), decoded.format());
    }

    /**
     * The checks of {@link #decode} (a complete decode included: only that finds a truncated file), without
     * turning the pixels upright or into standard ones: for an edge that only accepts or refuses.
     *
     * @return the format and the upright width and height
     */
    public Inspected inspect(byte[] bytes) {
        Decoded decoded = read(bytes);
        int width = decoded.image().getWidth();
        int height = decoded.image().getHeight();
        boolean turned = Orientation.of(bytes).swapsAxes();
        return new Inspected(decoded.format(), turned ? height : width, turned ? width : height);
    }

    /** What {@link #inspect} found. */
    public record Inspected(ImageFormat format, int width, int height) {
    }

    private record Decoded(BufferedImage image, ImageFormat format) {
    }

    private Decoded read(byte[] bytes) {
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
                if (format == ImageFormat.PNG && PngChecksums.damage(bytes) instanceof String damage) {
                    throw corrupt(damage);
                }
                reader.setInput(in, true);
                long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
                if (pixels > maxPixels) {
                    throw new RejectedImageException(Reason.TOO_MANY_PIXELS, reader.getWidth(0) + "x" + reader.getHeight(0)
                            + " is more than the " + maxPixels + " pixels accepted");
                }
                StringBuilder warnings = new StringBuilder();
                reader.addIIOReadWarningListener((source, warning) -> {
                    if (!isColourProfileFallback(warning)) {
                        warnings.append(warning).append("; ");
                    }
                });
                BufferedImage decoded = reader.read(0);
                if (!warnings.isEmpty()) {
                    throw corrupt(warnings.toString());
                }
                return new Decoded(decoded, format);
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

    private static ImageReader readerFor(ImageInputStream in) {
        Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
        if (!readers.hasNext()) {
            throw new RejectedImageException(Reason.UNSUPPORTED_FORMAT, "the bytes are not an image in one of "
                    + ImageFormat.contentTypes());
        }
        return readers.next();
    }

    /**
     * TwelveMonkeys warns when a JPEG's ICC profile is missing or unusable and it converts the colours with a
     * generic one instead: the pixels are complete, so that is no corruption. ImageIO gives warnings as text only.
     */
    private static boolean isColourProfileFallback(String warning) {
        return warning.contains("ICC");
    }

    private static RejectedImageException corrupt(String why) {
        return new RejectedImageException(Reason.CORRUPT, "the image cannot be decoded completely: " + why);
    }
}
