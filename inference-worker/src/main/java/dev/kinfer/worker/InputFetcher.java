package dev.kinfer.worker;

import dev.kinfer.imaging.ImageDecoder;
import dev.kinfer.imaging.RejectedImageException;
import dev.kinfer.schemas.ImageRef;
import dev.kinfer.store.ContentHash;
import dev.kinfer.store.ObjectNotFoundException;
import dev.kinfer.store.ObjectStore;
import dev.kinfer.store.S3Uri;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/** Fetches a request's input images from the object store and decodes them with kinfer's one {@link ImageDecoder}. */
final class InputFetcher {
    /**
     * Decoded as ingest-api decoded it when it accepted the upload (upright, standard pixels), so the model sees what
     * was validated. ingest-api refuses more than its {@code KINFER_MAX_IMAGE_PIXELS}; this bound only keeps a
     * hand-made record from exhausting the worker's heap.
     */
    private static final ImageDecoder DECODER = new ImageDecoder(100_000_000);
    /** Likewise for the stored bytes: read no more than this, whatever the object's size (ingest-api allows 20 MiB). */
    static final int MAX_INPUT_BYTES = 64 << 20;

    private final ObjectStore store;
    private final FailurePolicy policy;

    InputFetcher(ObjectStore store, FailurePolicy policy) {
        this.store = store;
        this.policy = policy;
    }

    /**
     * Fetches, checks and decodes a request's inputs. A request record is untrusted: the stored bytes must have
     * the sha256 it names and decode to the size it declares, or it fails.
     *
     * @throws RequestFailure for inputs that are missing, not decodable or not what the request says (permanent),
     *                        or for a store that stayed unreachable for longer than the policy retries it
     */
    List<BufferedImage> fetch(List<ImageRef> refs) {
        List<BufferedImage> images = new ArrayList<>(refs.size());
        for (ImageRef ref : refs) {
            byte[] bytes;
            try {
                S3Uri uri = S3Uri.parse(ref.getUri());
                if (!uri.equals(store.imageUri(ref.getSha256().toLowerCase()))) {
                    // Inputs live at their content address: a record must not make the worker read other objects.
                    throw new RequestFailure(ErrorCodes.INPUT_MISMATCH, "input " + ref.getUri() + " is not the content address "
                            + store.imageUri(ref.getSha256().toLowerCase()) + " of its sha256");
                }
                bytes = policy.retrying("get " + uri, () -> store.getAtMost(uri, MAX_INPUT_BYTES + 1));
                if (bytes.length > MAX_INPUT_BYTES) {
                    throw new RequestFailure(ErrorCodes.INPUT_MISMATCH, "input " + ref.getUri() + " is larger than "
                            + (MAX_INPUT_BYTES >> 20) + " MiB");
                }
            } catch (ObjectNotFoundException | IllegalArgumentException e) {
                throw new RequestFailure(ErrorCodes.INPUT_NOT_FOUND, "input " + ref.getUri() + " cannot be found: " + e.getMessage());
            }
            String sha256 = ContentHash.sha256(bytes);
            if (!sha256.equalsIgnoreCase(ref.getSha256())) {
                throw new RequestFailure(ErrorCodes.INPUT_MISMATCH, "input " + ref.getUri() + " has sha256 " + sha256
                        + ", the request says " + ref.getSha256());
            }
            BufferedImage image = decode(ref.getUri(), bytes);
            if (image.getWidth() != ref.getWidth() || image.getHeight() != ref.getHeight()) {
                throw new RequestFailure(ErrorCodes.INPUT_MISMATCH, "input " + ref.getUri() + " is " + image.getWidth() + "x"
                        + image.getHeight() + ", the request says " + ref.getWidth() + "x" + ref.getHeight());
            }
            images.add(image);
        }
        return images;
    }

    private static BufferedImage decode(String uri, byte[] bytes) {
        try {
            return DECODER.decode(bytes).image();
        } catch (RejectedImageException e) {
            throw new RequestFailure(ErrorCodes.INVALID_IMAGE, "input " + uri + " cannot be decoded: " + e.getMessage());
        }
    }
}
