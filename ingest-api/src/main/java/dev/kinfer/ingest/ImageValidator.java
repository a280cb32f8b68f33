package dev.kinfer.ingest;

import dev.kinfer.imaging.ImageDecoder;
import dev.kinfer.imaging.RejectedImageException;

/**
 * Refuses what the worker's {@link ImageDecoder} would refuse, as far as {@link ImageDecoder#inspect} can tell
 * without decoding a JPEG or PNG: the format sniffed from the bytes, the pixel count from the header, the file's
 * structure (a truncated file, a bad PNG CRC). The worker decodes the image once, for the model; the rare damage
 * only that decode finds (intact structure, broken pixel data) ends the job FAILED with {@code invalid-image}
 * instead of a 400 here. The width and height it reports are the upright ones the worker sees.
 */
final class ImageValidator {
    private final long maxBytes;
    private final ImageDecoder decoder;

    ImageValidator(long maxBytes, long maxPixels) {
        this.maxBytes = maxBytes;
        this.decoder = new ImageDecoder(maxPixels);
    }

    /** @param sha256 the bytes' hash, computed once by the caller (it looks the result cache up by it first) */
    ValidatedImage validate(byte[] bytes, String sha256) {
        if (bytes.length > maxBytes) {
            throw tooLarge(bytes.length);
        }
        try {
            // Accept or refuse only: decoding the pixels is the worker's, once, for the model.
            ImageDecoder.Inspected image = decoder.inspect(bytes);
            return new ValidatedImage(bytes, sha256, image.format().contentType(), image.width(), image.height());
        } catch (RejectedImageException e) {
            throw switch (e.reason()) {
                case EMPTY -> new ApiProblem(400, "empty-image", "Empty image", "the image part has no bytes");
                case UNSUPPORTED_FORMAT -> new ApiProblem(415, "unsupported-image", "Not a supported image", e.getMessage());
                case TOO_MANY_PIXELS -> new ApiProblem(413, "image-too-many-pixels", "Image too large", e.getMessage());
                case CORRUPT -> new ApiProblem(400, "corrupt-image", "Corrupt image", e.getMessage());
            };
        }
    }

    ApiProblem tooLarge(long bytes) {
        return tooLarge(maxBytes, "the image is " + bytes + " bytes");
    }

    static ApiProblem tooLarge(long maxBytes, String what) {
        return new ApiProblem(413, "image-too-large", "Image too large", what + "; at most " + maxBytes + " bytes are accepted");
    }
}
