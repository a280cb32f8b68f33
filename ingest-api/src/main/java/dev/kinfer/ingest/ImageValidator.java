package dev.kinfer.ingest;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Accepts only images that decode completely: the format is sniffed from the bytes (never trusted from the
 * client's content type), the size is checked from the header before decoding, and a decoder warning such as
 * a premature end of a JPEG counts as corruption, since the JDK would otherwise fill the missing part with grey.
 */
final class ImageValidator {
    private static final Map<String, String> CONTENT_TYPES = Map.of("jpeg", "image/jpeg", "png", "image/png",
            "bmp", "image/bmp", "gif", "image/gif");

    private final long maxBytes;
    private final long maxPixels;

    ImageValidator(long maxBytes, long maxPixels) {
        this.maxBytes = maxBytes;
        this.maxPixels = maxPixels;
    }

    ValidatedImage validate(byte[] bytes) {
        if (bytes.length == 0) {
            throw new ApiProblem(400, "empty-image", "Empty image", "the image part has no bytes");
        }
        if (bytes.length > maxBytes) {
            throw tooLarge(bytes.length);
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new ApiProblem(415, "unsupported-image", "Not a supported image",
                        "the upload is not an image in one of " + CONTENT_TYPES.values());
            }
            ImageReader reader = readers.next();
            try {
                String format = reader.getFormatName().toLowerCase();
                String contentType = CONTENT_TYPES.get(format);
                if (contentType == null) {
                    throw new ApiProblem(415, "unsupported-image", "Not a supported image",
                            "images in " + format + " format are not accepted; use one of " + CONTENT_TYPES.values());
                }
                reader.setInput(in, true, true);
                int width = reader.getWidth(0);
                int height = reader.getHeight(0);
                if ((long) width * height > maxPixels) {
                    throw new ApiProblem(413, "image-too-many-pixels", "Image too large",
                            width + "x" + height + " is more than the " + maxPixels + " pixels accepted");
                }
                StringBuilder warnings = new StringBuilder();
                reader.addIIOReadWarningListener((source, warning) -> warnings.append(warning).append("; "));
                reader.read(0);
                if (!warnings.isEmpty()) {
                    throw corrupt(warnings.toString());
                }
                return new ValidatedImage(bytes, sha256(bytes), contentType, width, height);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof ApiProblem problem) {
                throw problem;
            }
            throw corrupt(e.getMessage());
        }
    }

    ApiProblem tooLarge(long bytes) {
        return new ApiProblem(413, "image-too-large", "Image too large",
                "the image is " + bytes + " bytes; at most " + maxBytes + " are accepted");
    }

    private static ApiProblem corrupt(String why) {
        return new ApiProblem(400, "corrupt-image", "Corrupt image", "the image cannot be decoded completely: " + why);
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
