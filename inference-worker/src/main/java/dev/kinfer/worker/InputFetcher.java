package dev.kinfer.worker;

import dev.kinfer.schemas.ImageRef;
import dev.kinfer.store.ObjectNotFoundException;
import dev.kinfer.store.ObjectStore;
import dev.kinfer.store.S3Uri;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/** Fetches a request's input images from the object store and decodes them. */
final class InputFetcher {
    private final ObjectStore store;

    InputFetcher(ObjectStore store) {
        this.store = store;
    }

    /**
     * @throws RequestFailure for inputs that are missing or not decodable (permanent)
     * @throws dev.kinfer.store.ObjectStoreException for store failures that may be transient
     */
    List<BufferedImage> fetch(List<ImageRef> refs) {
        List<BufferedImage> images = new ArrayList<>(refs.size());
        for (ImageRef ref : refs) {
            byte[] bytes;
            try {
                bytes = store.get(S3Uri.parse(ref.getUri()));
            } catch (ObjectNotFoundException | IllegalArgumentException e) {
                throw new RequestFailure(ErrorCodes.INPUT_NOT_FOUND, "input " + ref.getUri() + " cannot be found: " + e.getMessage());
            }
            images.add(decode(ref.getUri(), bytes));
        }
        return images;
    }

    private static BufferedImage decode(String uri, byte[] bytes) {
        try {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
            if (image == null) {
                throw new RequestFailure(ErrorCodes.INVALID_IMAGE, "input " + uri + " is not an image this worker can decode");
            }
            return image;
        } catch (IOException | RuntimeException e) {
            if (e instanceof RequestFailure failure) {
                throw failure;
            }
            throw new RequestFailure(ErrorCodes.INVALID_IMAGE, "input " + uri + " cannot be decoded: " + e.getMessage());
        }
    }
}
